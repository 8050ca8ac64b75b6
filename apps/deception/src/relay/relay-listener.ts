// The deception service's end of the decoy relays: accepts connections only from the relay pods'
// addresses, reads one PROXY v2 header (bounded in bytes and time; anything else closes the
// connection), finds the decoy by the route key it carries, and pipes the connection to that
// decoy's honeypot on loopback, telling the source table who the client really is.
import { BlockList, connect, createServer, isIPv6, type Server, type Socket } from 'node:net';
import { decodeProxyV2, type ProxyEndpoint } from '@omega/proxy-protocol';
import { errorMessage, type Logger } from '@omega/runtime';
import type { Counter } from 'prom-client';
import type { SourceTable } from './source-table';
import { ROUTE_TLV } from './tcp-relay';

export interface RelayListenerOptions {
  readonly listen: { readonly host: string; readonly port: number };
  /** CIDRs the relay pods' addresses are in; connections from anywhere else are closed at once. */
  readonly relaySources: readonly string[];
  /** The loopback port of the honeypot of the decoy with `route`, or undefined. */
  readonly honeypotPort: (route: string) => number | undefined;
  readonly sources: SourceTable;
  /** Most bytes after the header's fixed 16 (addresses and TLVs); default 256. */
  readonly maxHeaderBytes?: number;
  /** A header not complete by then closes the connection; default 5 s. */
  readonly headerTimeoutMs?: number;
  readonly maxConnections?: number;
  readonly logger: Logger;
  /** Connections refused, by reason. */
  readonly refused?: Counter<'reason'>;
}

export interface RelayListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Addresses inside `cidrs` (IPv4 and IPv6), as node:net's BlockList checks them. */
function sourceList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/');
    list.addSubnet(network!, Number(prefix), isIPv6(network!) ? 'ipv6' : 'ipv4');
  }
  return list;
}

function plain(ip: string | undefined): string {
  return (ip ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

export async function startRelayListener(options: RelayListenerOptions): Promise<RelayListener> {
  const allowed = sourceList(options.relaySources);
  const maxHeaderBytes = options.maxHeaderBytes ?? 256;
  const headerTimeoutMs = options.headerTimeoutMs ?? 5_000;
  const open = new Set<Socket>();
  const refuse = (socket: Socket, reason: string, detail: string): void => {
    options.refused?.inc({ reason });
    options.logger.warn(
      { relay: `${socket.remoteAddress}:${socket.remotePort}`, reason },
      `decoy relay connection refused: ${detail}`,
    );
    socket.destroy();
  };

  const server: Server = createServer((relay) => {
    open.add(relay);
    relay.on('close', () => open.delete(relay));
    relay.on('error', () => relay.destroy());
    const from = plain(relay.remoteAddress);
    if (!allowed.check(from, isIPv6(from) ? 'ipv6' : 'ipv4')) {
      refuse(relay, 'source', `${from} is not in relaySources`);
      return;
    }
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(
      () => refuse(relay, 'timeout', `no complete header within ${headerTimeoutMs} ms`),
      headerTimeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      let decoded;
      try {
        decoded = decodeProxyV2(buffered, maxHeaderBytes);
      } catch (err) {
        clearTimeout(timer);
        refuse(relay, 'header', errorMessage(err));
        return;
      }
      if ('needBytes' in decoded) return;
      clearTimeout(timer);
      relay.off('data', onData);
      relay.pause();
      const { header, headerBytes } = decoded;
      const route = header.tlvs.find((t) => t.type === ROUTE_TLV);
      const port = route ? options.honeypotPort(Buffer.from(route.value).toString()) : undefined;
      if (header.command !== 'PROXY' || header.source === undefined || port === undefined) {
        refuse(
          relay,
          'route',
          route ? 'no decoy has that route' : 'a PROXY header with a route TLV is required',
        );
        return;
      }
      forward(relay, buffered.subarray(headerBytes), port, header.source);
    };
    relay.on('data', onData);
  });

  const forward = (relay: Socket, rest: Buffer, port: number, source: ProxyEndpoint): void => {
    const honeypot = connect({ host: '127.0.0.1', port });
    open.add(honeypot);
    honeypot.on('close', () => open.delete(honeypot));
    const end = (): void => {
      relay.destroy();
      honeypot.destroy();
    };
    honeypot.on('error', end);
    relay.on('error', end);
    relay.on('close', end);
    honeypot.on('close', end);
    honeypot.once('connect', () => {
      const local = honeypot.localPort ?? 0;
      options.sources.set(local, source);
      honeypot.once('close', () => options.sources.forget(local));
      if (rest.length > 0) honeypot.write(rest);
      relay.pipe(honeypot);
      honeypot.pipe(relay);
      relay.resume();
    });
  };

  server.maxConnections = options.maxConnections ?? 1024;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : options.listen.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
