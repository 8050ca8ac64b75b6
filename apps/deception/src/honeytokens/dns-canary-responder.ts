// The DNS canary responder: authoritative for one delegated zone over UDP and TCP. A query for a
// minted canary name (any type, any case, any labels in front) is a TOKEN_USE interaction on
// omega.deception.dns naming the resolver that asked. Bounded: query size, queries per source and
// second, TCP connections, queries and idle time per connection.
import { randomUUID } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { InteractionKind } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { InteractionRecorder } from '../honeypots/honeypot';
import {
  MAX_QUERY_BYTES,
  answer,
  checkQuery,
  errorAnswer,
  forUdp,
  placeOf,
  type DnsOutcome,
  type ZoneSettings,
} from './dns-canary-answers';
import { SourceRateLimit } from './source-rate-limit';

/** The decoy id DNS canary interactions carry: their subject is `omega.deception.dns`. */
export const DNS_DECOY_ID = 'dns';

export const DNS_LIMITS = {
  tcpIdleTimeoutMs: 10_000,
  queriesPerTcpConnection: 32,
  /** Source addresses whose rate is tracked at once (the least recently seen are forgotten). */
  trackedSources: 50_000,
} as const;

export type DnsTransport = 'udp' | 'tcp';

export interface DnsCanaryResponderOptions extends ZoneSettings {
  readonly listen: { readonly host: string; readonly port: number };
  readonly queriesPerSecondPerSource: number;
  readonly maxTcpConnections: number;
  /** The id of the canary honeytoken whose label is `label`, counted as a use; or undefined. */
  readonly canaryUse: (label: string) => string | undefined;
  readonly recorder: InteractionRecorder;
  readonly onQuery?: (transport: DnsTransport, outcome: DnsOutcome) => void;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export class DnsCanaryResponder {
  private constructor(
    private readonly udp: UdpSocket,
    private readonly tcp: Server,
    private readonly connections: Set<Socket>,
    readonly host: string,
    readonly port: number,
  ) {}

  /** Binds UDP and TCP on the same port (port 0: the OS picks one for UDP, TCP follows it). */
  static async start(options: DnsCanaryResponderOptions): Promise<DnsCanaryResponder> {
    const limit = new SourceRateLimit({
      perSecond: options.queriesPerSecondPerSource,
      burst: options.queriesPerSecondPerSource * 2,
      maxSources: DNS_LIMITS.trackedSources,
      clock: options.clock ?? Date.now,
    });
    const respond = (
      bytes: Buffer,
      source: { ip: string; port: number },
      transport: DnsTransport,
    ) => respondTo(options, limit, bytes, source, transport);
    const family = options.listen.host.includes(':') ? 'udp6' : 'udp4';
    const udp = createSocket({ type: family, reuseAddr: false });
    udp.on('message', (bytes: Buffer, remote: RemoteInfo) => {
      const reply = respond(bytes, { ip: remote.address, port: remote.port }, 'udp');
      if (reply !== undefined) udp.send(forUdp(reply), remote.port, remote.address);
    });
    udp.on('error', (err) =>
      options.logger.error({ err }, `DNS canary responder (udp): ${errorMessage(err)}`),
    );
    const failed = (err: Error) =>
      new OmegaError(
        Code.Unavailable,
        `DNS canary responder on ${options.listen.host}:${options.listen.port} (deception.dns.listen): ${errorMessage(err)}`,
        { cause: err },
      );
    await new Promise<void>((resolve, reject) => {
      udp.once('error', (err) => reject(failed(err)));
      udp.bind(options.listen.port, options.listen.host, () => resolve());
    });
    const port = udp.address().port;
    const connections = new Set<Socket>();
    const tcp = createServer((socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
      serveTcp(socket, options, respond);
    });
    tcp.maxConnections = options.maxTcpConnections;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', (err) => reject(failed(err)));
        tcp.listen(port, options.listen.host, () => resolve());
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    return new DnsCanaryResponder(
      udp,
      tcp,
      connections,
      options.listen.host,
      (tcp.address() as AddressInfo).port,
    );
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.tcp.close(() => resolve());
      for (const socket of this.connections) socket.destroy();
    });
  }
}

/** The answer bytes for one query, or undefined to send nothing; records a canary use. */
function respondTo(
  options: DnsCanaryResponderOptions,
  limit: SourceRateLimit,
  bytes: Buffer,
  source: { ip: string; port: number },
  transport: DnsTransport,
): Buffer | undefined {
  const counted = (outcome: DnsOutcome) => options.onQuery?.(transport, outcome);
  if (bytes.length > MAX_QUERY_BYTES) return void counted('oversized');
  if (!limit.take(source.ip)) return void counted('rate-limited');
  const check = checkQuery(bytes);
  if (!check.ok) {
    counted(check.outcome);
    return check.outcome === 'dropped' || check.id === undefined
      ? undefined
      : errorAnswer(check.id, check.outcome);
  }
  const place = placeOf(check.question.name, options.zone);
  const honeytokenId = place.place === 'below' ? options.canaryUse(place.label) : undefined;
  const { bytes: reply, outcome } = answer(check, options, place, honeytokenId !== undefined);
  counted(outcome);
  if (honeytokenId !== undefined) {
    options.recorder.record({
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      source: { ip: source.ip.replace(/^::ffff:/, ''), port: source.port },
      protocol: 'dns',
      sessionId: randomUUID(),
      request: `${check.question.type} ${check.question.name} over ${transport}`,
      payloadSample: bytes,
      honeytokenId,
    });
  }
  return reply;
}

/** DNS over TCP: each message prefixed by its 2-byte length (RFC 1035 4.2.2). */
function serveTcp(
  socket: Socket,
  options: DnsCanaryResponderOptions,
  respond: (
    bytes: Buffer,
    source: { ip: string; port: number },
    transport: DnsTransport,
  ) => Buffer | undefined,
): void {
  const source = { ip: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
  let pending = Buffer.alloc(0);
  let answered = 0;
  socket.setTimeout(DNS_LIMITS.tcpIdleTimeoutMs, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (length > MAX_QUERY_BYTES || answered >= DNS_LIMITS.queriesPerTcpConnection) {
        options.onQuery?.('tcp', length > MAX_QUERY_BYTES ? 'oversized' : 'dropped');
        socket.destroy();
        return;
      }
      if (pending.length < 2 + length) return;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      answered += 1;
      const reply = respond(message, source, 'tcp');
      if (reply === undefined) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length);
      socket.write(Buffer.concat([prefix, reply]));
    }
  });
}
