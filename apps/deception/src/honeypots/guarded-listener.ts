// The TCP listener under the database honeypots: enforces HoneypotLimits (connections, idle time,
// connection time, bytes) and records each connection's CONNECT and DISCONNECT, so a protocol file
// only speaks its protocol on a socket it is handed.
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { InteractionKind } from '@omega/proto';
import type { Honeypot, HoneypotContext, Interaction } from './honeypot';

/** What a protocol records: the listener fills in source, protocol and session. */
export type ConnectionInteraction = Omit<Interaction, 'source' | 'protocol' | 'sessionId'>;

/** One accepted connection, as a protocol handler sees it. */
export interface GuardedConnection {
  readonly socket: Socket;
  readonly sessionId: string;
  readonly source: { readonly ip: string; readonly port: number };
  record(interaction: ConnectionInteraction): void;
  /** The first bytes the client sent so far (at most limits.payloadSampleBytes). */
  payloadSample(): Uint8Array;
}

export interface GuardedListenerOptions {
  /** Application protocol recorded on every interaction ("redis", "postgres", "mysql"). */
  readonly protocol: string;
  /** Speaks the protocol on an accepted connection; must not throw (errors are logged). */
  readonly onConnection: (connection: GuardedConnection) => void;
}

function sourceOf(socket: Socket): { ip: string; port: number } {
  const ip = socket.remoteAddress ?? '';
  return { ip: ip.startsWith('::ffff:') ? ip.slice(7) : ip, port: socket.remotePort ?? 0 };
}

/** Starts a listener that hands each connection within the limits to `options.onConnection`. */
export async function listenGuarded(
  context: HoneypotContext,
  listen: { readonly host: string; readonly port: number },
  options: GuardedListenerOptions,
): Promise<Honeypot> {
  const { limits, recorder, logger } = context;
  const open = new Set<Socket>();

  const accept = (socket: Socket): void => {
    const source = sourceOf(socket);
    const sessionId = randomUUID();
    const record = (interaction: ConnectionInteraction): void =>
      recorder.record({ ...interaction, source, protocol: options.protocol, sessionId });
    socket.on('error', (err) =>
      logger.debug(
        { err, protocol: options.protocol, session: sessionId },
        'honeypot socket error',
      ),
    );
    if (open.size >= limits.maxConnections) {
      record({
        kind: InteractionKind.INTERACTION_KIND_CONNECT,
        request: 'rejected: connection limit',
      });
      socket.destroy();
      return;
    }
    open.add(socket);
    record({ kind: InteractionKind.INTERACTION_KIND_CONNECT });

    const sample: Buffer[] = [];
    let sampledBytes = 0;
    let receivedBytes = 0;
    socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
    const lifetime = setTimeout(() => socket.destroy(), limits.maxConnectionMs);
    lifetime.unref();
    // Prepended so the cap and the sample see a chunk before the protocol handler does.
    socket.prependListener('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (sampledBytes < limits.payloadSampleBytes) {
        const kept = chunk.subarray(0, limits.payloadSampleBytes - sampledBytes);
        sample.push(Buffer.from(kept));
        sampledBytes += kept.length;
      }
      if (receivedBytes > limits.maxBytesPerConnection) socket.destroy();
    });
    const payloadSample = (): Uint8Array => Buffer.concat(sample);
    socket.once('close', () => {
      clearTimeout(lifetime);
      open.delete(socket);
      record({ kind: InteractionKind.INTERACTION_KIND_DISCONNECT, payloadSample: payloadSample() });
    });
    try {
      options.onConnection({ socket, sessionId, source, record, payloadSample });
    } catch (err) {
      logger.error(
        { err, protocol: options.protocol, session: sessionId },
        'honeypot handler failed',
      );
      socket.destroy();
    }
  };

  const server: Server = createServer(accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) =>
    logger.error(
      { err, protocol: options.protocol },
      `${options.protocol} honeypot listener error`,
    ),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    port,
    connections: () => open.size,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}
