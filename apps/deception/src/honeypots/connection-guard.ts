// Holds a honeypot's TCP connections to its HoneypotLimits (count, idle time, lifetime, bytes) and
// records each one's CONNECT and DISCONNECT, so every protocol bounds and reports them the same way.
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { InteractionKind } from '@omega/proto';
import type { Logger } from '@omega/runtime';
import type {
  Honeypot,
  HoneypotContext,
  HoneypotLimits,
  Interaction,
  InteractionRecorder,
} from './honeypot';
import { listenOn } from './listen-on';

/** What a protocol adds to an interaction; the guard fills in source, protocol and session. */
export type InteractionDetail = Pick<
  Interaction,
  'username' | 'request' | 'payloadSample' | 'honeytokenId'
>;

/** Why a connection ended, as its DISCONNECT interaction says (request field). */
export const CloseReason = {
  ClientClosed: 'client closed',
  ConnectionLimit: 'refused: connection limit',
  IdleTimeout: 'idle timeout',
  ConnectionTimeLimit: 'connection time limit',
  ByteLimit: 'byte limit',
  ServerClosed: 'server closed',
  /** The client sent what its protocol does not allow (garbage, a malformed request). */
  ProtocolError: 'protocol error',
  AuthAttemptLimit: 'auth attempt limit',
  /** The login was refused and the protocol ends the connection with it (MySQL, PostgreSQL). */
  AuthFailed: 'auth failed',
  RequestTooLarge: 'request too large',
  RateLimit: 'rate limit',
  /** The decoy's command budget per connection (limits.maxCommandsPerConnection) is spent. */
  CommandLimit: 'command limit',
  /** The client left more replies unread than the decoy buffers for it. */
  UnreadReplies: 'unread replies',
  /** The protocol handler failed (a bug in the decoy, logged). */
  InternalError: 'internal error',
} as const;

export interface GuardedConnection {
  readonly sessionId: string;
  readonly source: { readonly ip: string; readonly port: number };
  readonly socket: Socket;
  /**
   * The client software as it named itself (SSH identification, HTTP User-Agent), set by the
   * protocol once known; every later interaction of the connection carries it.
   */
  clientSoftware?: string;
  /** Records one interaction of this connection. */
  record(kind: InteractionKind, detail?: InteractionDetail): void;
  /** Closes the connection; the first reason given is the one its DISCONNECT carries. */
  close(reason: string): void;
  /** Names why the connection is ending when the protocol, not the guard, ends it. */
  closing(reason: string): void;
  /** The first bytes the client sent (at most limits.payloadSampleBytes). */
  payloadSample(): Uint8Array;
}

export interface ConnectionGuardOptions {
  /** Application protocol, as interactions name it ("ssh", "http"). */
  readonly protocol: string;
  readonly limits: HoneypotLimits;
  readonly recorder: InteractionRecorder;
  /** Where socket errors are logged (debug); without one they only close the connection. */
  readonly logger?: Logger;
}

export class ConnectionGuard {
  readonly #open = new Set<GuardedConnection>();

  constructor(private readonly options: ConnectionGuardOptions) {}

  /**
   * Takes a freshly accepted socket under the limits and records its CONNECT. Past
   * maxConnections the socket is destroyed at once (still recorded) and undefined is returned.
   */
  admit(socket: Socket): GuardedConnection | undefined {
    const { limits, recorder, protocol, logger } = this.options;
    const source = { ip: normalizeIp(socket.remoteAddress), port: socket.remotePort ?? 0 };
    const sessionId = randomUUID();
    const sample: Buffer[] = [];
    let sampledBytes = 0;
    let receivedBytes = 0;
    let closeReason: string | undefined;
    const timers: NodeJS.Timeout[] = [];

    const connection: GuardedConnection = {
      sessionId,
      source,
      socket,
      record: (kind, detail = {}) =>
        recorder.record({
          kind,
          source,
          protocol,
          sessionId,
          ...(connection.clientSoftware !== undefined
            ? { clientSoftware: connection.clientSoftware }
            : {}),
          ...detail,
        }),
      close: (reason) => {
        closeReason ??= reason;
        socket.destroy();
      },
      closing: (reason) => {
        closeReason ??= reason;
      },
      payloadSample: () => new Uint8Array(Buffer.concat(sample)),
    };
    connection.record(InteractionKind.INTERACTION_KIND_CONNECT);
    // A socket error (reset, write after close) ends the connection; it never reaches the process.
    socket.on('error', (err) => {
      logger?.debug({ err, protocol, session: sessionId }, 'honeypot socket error');
      connection.close(CloseReason.ClientClosed);
    });
    if (this.#open.size >= limits.maxConnections) {
      connection.close(CloseReason.ConnectionLimit);
      connection.record(InteractionKind.INTERACTION_KIND_DISCONNECT, {
        request: CloseReason.ConnectionLimit,
      });
      return undefined;
    }
    this.#open.add(connection);

    socket.setTimeout(limits.idleTimeoutMs, () => connection.close(CloseReason.IdleTimeout));
    const lifetime = setTimeout(
      () => connection.close(CloseReason.ConnectionTimeLimit),
      limits.maxConnectionMs,
    );
    lifetime.unref();
    timers.push(lifetime);
    // Prepended so the cap and the sample see a chunk before any protocol handler does.
    socket.prependListener('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (sampledBytes < limits.payloadSampleBytes) {
        const kept = chunk.subarray(0, limits.payloadSampleBytes - sampledBytes);
        sample.push(Buffer.from(kept));
        sampledBytes += kept.length;
      }
      if (receivedBytes > limits.maxBytesPerConnection) connection.close(CloseReason.ByteLimit);
    });
    socket.once('close', () => {
      for (const timer of timers) clearTimeout(timer);
      this.#open.delete(connection);
      connection.record(InteractionKind.INTERACTION_KIND_DISCONNECT, {
        request: closeReason ?? CloseReason.ClientClosed,
        payloadSample: connection.payloadSample(),
      });
    });
    return connection;
  }

  /** Connections open now. */
  connections(): number {
    return this.#open.size;
  }

  /** Closes every open connection (on shutdown); resolves once each one's DISCONNECT is recorded. */
  async closeAll(): Promise<void> {
    const closing = [...this.#open].map(
      ({ socket }) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const connection of this.#open) connection.close(CloseReason.ServerClosed);
    await Promise.all(closing);
  }
}

/**
 * Starts a plain TCP honeypot: a server whose every accepted socket is admitted to a
 * ConnectionGuard and, when within the limits, handed to `onConnection` to speak the protocol.
 * A handler that throws is logged and its connection closed ("internal error").
 */
export async function listenGuarded(
  context: HoneypotContext,
  listen: { readonly host: string; readonly port: number },
  protocol: string,
  onConnection: (connection: GuardedConnection) => void,
): Promise<Honeypot> {
  const { limits, recorder, logger } = context;
  const guard = new ConnectionGuard({ protocol, limits, recorder, logger });
  const server = createServer((socket) => {
    const connection = guard.admit(socket);
    if (connection === undefined) return;
    try {
      onConnection(connection);
    } catch (err) {
      logger.error({ err, protocol, session: connection.sessionId }, 'honeypot handler failed');
      connection.close(CloseReason.InternalError);
    }
  });
  const port = await listenOn(server, listen);
  server.on('error', (err) =>
    logger.error({ err, protocol }, `${protocol} honeypot listener error`),
  );
  return {
    port,
    connections: () => guard.connections(),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await guard.closeAll();
      await closed;
    },
  };
}

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) → "10.0.0.1". */
function normalizeIp(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** At most maxChars of a client-supplied string, for interaction fields. */
export function bounded(text: string, maxChars = 1024): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…`;
}
