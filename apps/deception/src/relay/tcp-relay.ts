// What a Kubernetes decoy's pod runs: a TCP relay holding no credential that sends each accepted
// connection to the deception service's relay listener, preceded by a PROXY v2 header naming the
// client, the address it reached and (TLV 0xE0) the decoy's opaque route key. Bounded in
// connections, connect time and idle time; the client's bytes are never read, only piped.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import { PP2_TYPE_MIN_CUSTOM, encodeProxyV2, type ProxyHeaderV2 } from '@omega/proxy-protocol';

/** The TLV type carrying the route key (the first of the application range 0xE0–0xEF). */
export const ROUTE_TLV = PP2_TYPE_MIN_CUSTOM;

export interface TcpRelayOptions {
  readonly listen: { readonly host: string; readonly port: number };
  readonly upstream: { readonly host: string; readonly port: number };
  readonly route: string;
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface TcpRelay {
  readonly port: number;
  close(): Promise<void>;
}

/** The header for `client`, an IPv4-mapped address sent as IPv4. */
export function relayHeader(client: Socket, route: string): Buffer {
  const plain = (ip: string | undefined) =>
    (ip ?? '0.0.0.0').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  const source = { ip: plain(client.remoteAddress), port: client.remotePort ?? 0 };
  const destination = { ip: plain(client.localAddress), port: client.localPort ?? 0 };
  const v6 = source.ip.includes(':') || destination.ip.includes(':');
  const header: ProxyHeaderV2 = {
    command: 'PROXY',
    family: v6 ? 'INET6' : 'INET',
    transport: 'STREAM',
    source: v6 && !source.ip.includes(':') ? { ...source, ip: `::ffff:${source.ip}` } : source,
    destination:
      v6 && !destination.ip.includes(':')
        ? { ...destination, ip: `::ffff:${destination.ip}` }
        : destination,
    tlvs: [{ type: ROUTE_TLV, value: Buffer.from(route) }],
  };
  return encodeProxyV2(header);
}

export async function startTcpRelay(options: TcpRelayOptions): Promise<TcpRelay> {
  if (!/^[0-9a-f]{1,64}$/.test(options.route)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `relay: --route: ${JSON.stringify(options.route.slice(0, 80))} is not 1-64 lower-case hex digits`,
    );
  }
  const maxConnections = options.maxConnections ?? 512;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const header = relayHeader(client, options.route);
    const upstream = connect({ host: options.upstream.host, port: options.upstream.port });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.setTimeout(idleTimeoutMs, () => socket.destroy());
      socket.on('close', () => open.delete(socket));
    }
    const connectTimer = setTimeout(
      () => upstream.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
    upstream.once('connect', () => {
      clearTimeout(connectTimer);
      upstream.write(header);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const end = (err?: Error) => {
      clearTimeout(connectTimer);
      if (err) options.logger?.debug({ err }, `relay: ${errorMessage(err)}`);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', () => end());
    upstream.on('close', () => end());
  });
  server.maxConnections = maxConnections;
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

/** `host:port` (IPv6 hosts in brackets; an empty host listens everywhere) for the relay's flags. */
export function parseHostPort(value: string, flag: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]*):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || !(port >= 1 && port <= 65535)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `relay: ${flag}: ${JSON.stringify(value.slice(0, 80))} is not host:port`,
    );
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port };
}
