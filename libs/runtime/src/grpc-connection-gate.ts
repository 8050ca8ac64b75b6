// The gRPC port's own TCP listener: grpc-js has no cap on connections, so every socket is admitted
// or closed here, by remote address and in total, before grpc-js (through its connection
// injector) ever sees it. Without the cap, idle connections alone exhaust a service's descriptors.
// With it alone, a flood of connections that never send a byte would hold every slot and lock real
// clients out until the idle timeout; so when the port is full, the oldest such silent connection
// makes room for the newcomer (a real client speaks first thing, and is never the one closed). A
// connection reaches grpc-js only once it has spoken, so a silent one costs no TLS or HTTP/2 session.
import * as net from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Code, OmegaError } from './errors';
import type { Logger } from './logger';

export interface ConnectionLimits {
  /** Connections one remote address may hold open at once. */
  readonly maxPerAddress: number;
  /** Connections the port holds open at once, from everyone. */
  readonly maxTotal: number;
  /** A connection that has sent nothing for this long is closed (default: never). */
  readonly silentTimeoutMs?: number;
}

export interface ConnectionGateOptions {
  readonly limits: ConnectionLimits;
  readonly registry: Registry;
  readonly logger: Logger;
  /** At most one "refused" log line per this many ms (default 10 s); the rest are counted in it. */
  readonly logIntervalMs?: number;
  readonly now?: () => number;
}

type Refusal = 'per_address' | 'total';

/**
 * How long a connection must have been silent before a newcomer may take its slot. A real client's
 * first bytes are already in the kernel when it is admitted but are read a little later (accepting
 * a burst comes first); without this, a fast flood would evict real clients before they are read.
 */
export const SILENT_GRACE_MS = 100;

/** Counts open connections by remote address and closes those over the limits at once. */
export class ConnectionGate {
  private readonly open = new Map<string, number>();
  private readonly sockets = new Set<net.Socket>();
  private readonly refused: Counter<'limit'>;
  private readonly evicted: Counter;
  private readonly admittedAtMs = new WeakMap<net.Socket, number>();
  private readonly now: () => number;
  private lastLogMs = -Infinity;
  private lastEvictionLogMs = -Infinity;
  private lastAcceptErrorLogMs = -Infinity;
  private unloggedRefusals = 0;
  private unloggedEvictions = 0;

  get limits(): ConnectionLimits {
    return this.options.limits;
  }

  constructor(private readonly options: ConnectionGateOptions) {
    this.now = options.now ?? Date.now;
    this.refused = new Counter({
      name: 'omega_grpc_server_connections_refused_total',
      help: 'gRPC connections closed on arrival because a connection limit was reached, by limit',
      labelNames: ['limit'] as const,
      registers: [options.registry],
    });
    this.evicted = new Counter({
      name: 'omega_grpc_server_connections_evicted_total',
      help: 'gRPC connections that had sent nothing, closed to admit a new one while the port held grpc.maxConnections',
      registers: [options.registry],
    });
    const sockets = this.sockets;
    new Gauge({
      name: 'omega_grpc_server_connections_open',
      help: 'gRPC connections open now',
      registers: [options.registry],
      collect() {
        this.set(sockets.size);
      },
    });
  }

  /** Admits `socket` (and forgets it when it closes), or destroys it and says why. */
  admit(socket: net.Socket): boolean {
    const address = remoteAddressOf(socket);
    const { maxPerAddress, maxTotal } = this.options.limits;
    const fromAddress = this.open.get(address) ?? 0;
    let refusal: Refusal | undefined =
      fromAddress >= maxPerAddress
        ? 'per_address'
        : this.sockets.size >= maxTotal
          ? 'total'
          : undefined;
    if (refusal === 'total') {
      const silent = this.oldestSilent();
      if (silent !== undefined) {
        this.evict(silent, address);
        refusal = undefined;
      }
    }
    if (refusal !== undefined) {
      socket.destroy();
      this.refused.inc({ limit: refusal });
      this.logRefusal(address, refusal, fromAddress);
      return false;
    }
    this.open.set(address, fromAddress + 1);
    this.sockets.add(socket);
    this.admittedAtMs.set(socket, this.now());
    // A reset from a peer is the peer's business; without a listener it would throw.
    socket.on('error', () => {});
    socket.once('close', () => this.forget(socket, address));
    return true;
  }

  /** Stops counting `socket` (once: on eviction or when it closes, whichever comes first). */
  private forget(socket: net.Socket, address: string): void {
    if (!this.sockets.delete(socket)) return;
    const left = (this.open.get(address) ?? 1) - 1;
    if (left > 0) this.open.set(address, left);
    else this.open.delete(address);
  }

  /**
   * The longest-admitted connection that has sent nothing for SILENT_GRACE_MS or more (admission
   * order is the Set's order, so the first silent one is the oldest).
   */
  private oldestSilent(): net.Socket | undefined {
    const admittedBy = this.now() - SILENT_GRACE_MS;
    for (const socket of this.sockets) {
      if (socket.bytesRead !== 0) continue;
      return (this.admittedAtMs.get(socket) ?? admittedBy) <= admittedBy ? socket : undefined;
    }
    return undefined;
  }

  private evict(socket: net.Socket, forAddress: string): void {
    const address = remoteAddressOf(socket);
    const silentMs = this.now() - (this.admittedAtMs.get(socket) ?? this.now());
    this.forget(socket, address);
    socket.destroy();
    this.evicted.inc();
    this.unloggedEvictions++;
    const nowMs = this.now();
    if (nowMs - this.lastEvictionLogMs < (this.options.logIntervalMs ?? 10_000)) return;
    this.lastEvictionLogMs = nowMs;
    this.options.logger.warn(
      { peer: address, for: forAddress, silentMs, evictedSinceLastLine: this.unloggedEvictions },
      `grpc: the port holds grpc.maxConnections ${this.options.limits.maxTotal}: closed a connection from ${address} that had sent nothing in ${silentMs} ms to admit one from ${forAddress}; ${this.unloggedEvictions} closed so since the last such line`,
    );
    this.unloggedEvictions = 0;
  }

  /** Connections open now from `address` (as the socket reports it, IPv4-mapped form unwrapped). */
  openFrom(address: string): number {
    return this.open.get(address) ?? 0;
  }

  /** Logs that accepting a connection failed (rate-limited like refusals); the port keeps serving. */
  acceptFailed(address: string, err: Error): void {
    const nowMs = this.now();
    if (nowMs - this.lastAcceptErrorLogMs < (this.options.logIntervalMs ?? 10_000)) return;
    this.lastAcceptErrorLogMs = nowMs;
    this.options.logger.error(
      { err, openConnections: this.sockets.size },
      `grpc: accepting a connection on ${address} failed: ${err.message}`,
    );
  }

  /** Ends every admitted connection at once (after a graceful gRPC shutdown, or when forced). */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private logRefusal(address: string, refusal: Refusal, fromAddress: number): void {
    this.unloggedRefusals++;
    const nowMs = this.now();
    if (nowMs - this.lastLogMs < (this.options.logIntervalMs ?? 10_000)) return;
    this.lastLogMs = nowMs;
    const { maxPerAddress, maxTotal } = this.options.limits;
    const limit =
      refusal === 'per_address'
        ? `${address} already holds ${fromAddress} (grpc.maxConnectionsPerAddress ${maxPerAddress})`
        : `the port already holds ${this.sockets.size} (grpc.maxConnections ${maxTotal})`;
    this.options.logger.warn(
      { peer: address, limit: refusal, refusedSinceLastLine: this.unloggedRefusals },
      `grpc: refused a connection from ${address}: ${limit}; ${this.unloggedRefusals} refused since the last such line`,
    );
    this.unloggedRefusals = 0;
  }
}

function remoteAddressOf(socket: net.Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** A listening gRPC port whose connections pass through a ConnectionGate. */
export interface GatedGrpcPort {
  readonly port: number;
  /** Stops accepting; resolves once every admitted connection has closed. */
  close(): Promise<void>;
}

/**
 * Listens on host:port and hands each admitted connection to `server` through grpc-js's public
 * connection injector (which applies `credentials`, TLS included, and the server's HTTP/2
 * settings, idle and age limits exactly as for a port grpc-js binds itself).
 */
export function listenGated(
  server: grpc.Server,
  host: string,
  port: number,
  credentials: grpc.ServerCredentials,
  gate: ConnectionGate,
): Promise<GatedGrpcPort> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const injector = server.createConnectionInjector(credentials);
  const waiting = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    if (!gate.admit(socket)) return;
    // Handed over on its first bytes (grpc-js and TLS take what was read so far), so that a silent
    // connection is a socket only, cheap to close when the port is full or it stays silent.
    waiting.add(socket);
    const { silentTimeoutMs } = gate.limits;
    if (silentTimeoutMs !== undefined) socket.setTimeout(silentTimeoutMs, () => socket.destroy());
    socket.once('close', () => waiting.delete(socket));
    socket.once('readable', () => {
      waiting.delete(socket);
      if (silentTimeoutMs !== undefined) socket.setTimeout(0);
      if (socket.destroyed) return;
      if (socket.readableLength === 0)
        socket.destroy(); // closed without a word
      else injector.injectConnection(socket);
    });
  });
  return new Promise((resolve, reject) => {
    const failedToListen = (err: Error): void => {
      injector.destroy();
      reject(
        new OmegaError(Code.Unavailable, `grpc: cannot listen on ${address}: ${err.message}`, {
          cause: err,
        }),
      );
    };
    listener.once('error', failedToListen);
    listener.listen({ host, port }, () => {
      listener.off('error', failedToListen);
      // Accepting can fail later (EMFILE when descriptors run out): the port stays open.
      listener.on('error', (err) => gate.acceptFailed(address, err));
      const bound = listener.address() as net.AddressInfo;
      const closed = new Promise<void>((done) => listener.once('close', () => done()));
      resolve({
        port: bound.port,
        close: () => {
          if (listener.listening) listener.close();
          // Connections that never spoke carry no call to drain.
          for (const socket of waiting) socket.destroy();
          return closed;
        },
      });
    });
  });
}
