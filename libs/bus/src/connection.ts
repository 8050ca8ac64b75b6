// The NATS connection every service shares: connects (retrying with backoff for as long as the
// server is unreachable), reconnects forever, reports readiness, and hands out JetStream, KV and
// object store access.
import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import {
  connect,
  type NatsConnection,
  type NodeConnectionOptions,
  type Status,
} from '@nats-io/transport-node';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { Logger } from 'pino';
import { kvStreamName, objectStoreStreamName, type KvName, type ObjName } from './resources';

export interface ConnectBusOptions {
  /** NATS URL(s), e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Client name shown in the server's monitoring (`omega-<service>`). */
  name: string;
  logger: Logger;
  /** Called with false while the connection is down and true when it is (back) up. */
  onReadyChange?: (ready: boolean) => void;
  /** Replica count provision() uses for this bus's resources (default 1; the Helm chart sets 3). */
  replicas?: number;
  /** Backoff while the server cannot be reached at start: doubles from first to max, ±20% jitter. */
  initialRetry?: { firstDelayMs?: number; maxDelayMs?: number };
  /** Wait between reconnect attempts after a connection was lost (default 2000 ms, plus jitter). */
  reconnectTimeWaitMs?: number;
  /** Upper bound of the random delay added to each reconnect wait (default 1000 ms). */
  reconnectJitterMs?: number;
  /** Timeout of JetStream API requests and publish acks (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Further connection options (auth, TLS); servers, name and reconnect policy are set above. */
  natsOptions?: Omit<
    NodeConnectionOptions,
    'servers' | 'name' | 'maxReconnectAttempts' | 'reconnect' | 'waitOnFirstConnect'
  >;
  /** Abandons connecting (e.g. on shutdown while the server is still unreachable). */
  signal?: AbortSignal;
  /**
   * Keep retrying when the server refuses authorization at start (with `nats.auth: identity`,
   * trust answers for the server and may itself be starting); the log says why each time.
   */
  retryAuthorization?: boolean;
}

/** One connection to NATS with JetStream, shared by a service's publishers and consumers. */
export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly logger: Logger;
  /** Replica count for provision(). */
  readonly replicas: number;
  /** True while connected. */
  isReady(): boolean;
  /** Opens a provisioned KV bucket; NotFound if it was never provisioned. */
  kv(name: KvName): Promise<KV>;
  /** Opens a provisioned object store; NotFound if it was never provisioned. */
  objectStore(name: ObjName): Promise<ObjectStore>;
  /** Stops every consumer started on this bus (waiting for in-flight handlers), then drains NATS. */
  drain(): Promise<void>;
}

/** Connects to NATS; resolves once connected, retrying with backoff while the server is down. */
export async function connectBus(options: ConnectBusOptions): Promise<Bus> {
  const servers = Array.isArray(options.servers) ? options.servers : [options.servers];
  if (servers.length === 0 || servers.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new OmegaError(
      Code.InvalidArgument,
      'connectBus: servers must name at least one NATS URL',
    );
  }
  options.onReadyChange?.(false);
  const nc = await connectWithRetry(servers, options);
  const timeout = options.requestTimeoutMs ?? 5000;
  const jsm = await jetstreamManager(nc, { timeout, checkAPI: false });
  const bus = new NatsBus(nc, jetstream(nc, { timeout }), jsm, options);
  options.logger.info(
    { servers, server: nc.getServer(), version: nc.info?.version, jetstream: nc.info?.jetstream },
    `nats: connected to ${nc.getServer()}`,
  );
  return bus;
}

/** Something consume() registers so that bus.drain() stops it first. */
export interface Drainable {
  stop(): Promise<void>;
  /** A durable consumer's stream and name (for its lag metric). */
  readonly stream?: string;
  readonly durable?: string;
}

/** The durable consumers this connection runs through consume(), for lag metrics. */
export function activeConsumers(bus: Bus): { stream: string; durable: string }[] {
  return [...(drainables.get(bus) ?? [])].flatMap((item) =>
    item.stream !== undefined && item.durable !== undefined
      ? [{ stream: item.stream, durable: item.durable }]
      : [],
  );
}

const drainables = new WeakMap<Bus, Set<Drainable>>();

/** @internal Registers a consumer to be stopped by bus.drain(); returns the unregister function. */
export function trackDrainable(bus: Bus, item: Drainable): () => void {
  let set = drainables.get(bus);
  if (!set) drainables.set(bus, (set = new Set()));
  set.add(item);
  return () => set.delete(item);
}

class NatsBus implements Bus {
  readonly logger: Logger;
  readonly replicas: number;
  private ready = true;
  private readonly kvs = new Map<string, Promise<KV>>();
  private readonly stores = new Map<string, Promise<ObjectStore>>();
  private draining: Promise<void> | undefined;

  constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly options: ConnectBusOptions,
  ) {
    this.logger = options.logger;
    this.replicas = options.replicas ?? 1;
    options.onReadyChange?.(true);
    void this.watchStatus();
    void nc.closed().then((err) => {
      this.setReady(false);
      if (err) this.logger.error({ err }, `nats: connection closed: ${errorMessage(err)}`);
    });
  }

  isReady(): boolean {
    return this.ready;
  }

  kv(name: KvName): Promise<KV> {
    return this.openOnce(this.kvs, name, async () => {
      const info = await this.streamInfo(
        kvStreamName(name),
        `KV bucket ${name}`,
        `kv: ['${name}']`,
      );
      return new Kvm(this.js).open(name, { allow_direct: info.config.allow_direct });
    });
  }

  objectStore(name: ObjName): Promise<ObjectStore> {
    return this.openOnce(this.stores, name, async () => {
      await this.streamInfo(
        objectStoreStreamName(name),
        `object store ${name}`,
        `objectStores: ['${name}']`,
      );
      return new Objm(this.js).open(name, false);
    });
  }

  drain(): Promise<void> {
    this.draining ??= (async () => {
      const items = [...(drainables.get(this) ?? [])];
      await Promise.allSettled(items.map((item) => item.stop()));
      if (this.nc.isClosed() || this.nc.isDraining()) return;
      try {
        await this.nc.drain();
      } catch (err) {
        // Draining needs the server (to flush); when it is gone, closing is all that is left.
        this.logger.warn({ err }, `nats: drain failed (${errorMessage(err)}); closing`);
        await this.nc.close();
      }
    })();
    return this.draining;
  }

  private openOnce<T>(cache: Map<string, Promise<T>>, name: string, open: () => Promise<T>) {
    let pending = cache.get(name);
    if (!pending) {
      pending = open();
      cache.set(name, pending);
      pending.catch(() => cache.delete(name));
    }
    return pending;
  }

  private async streamInfo(stream: string, what: string, selection: string) {
    try {
      return await this.jsm.streams.info(stream);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
        throw new OmegaError(
          Code.NotFound,
          `${what} does not exist (no stream ${stream}); provision it: provision(bus, { ${selection} })`,
          { cause: err },
        );
      }
      throw OmegaError.wrap(err, `opening ${what}`, Code.Unavailable);
    }
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    this.options.onReadyChange?.(ready);
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) this.onStatus(status);
  }

  private onStatus(status: Status): void {
    switch (status.type) {
      case 'disconnect':
        this.setReady(false);
        this.logger.warn(
          { server: status.server },
          `nats: lost connection to ${status.server}; reconnecting`,
        );
        break;
      case 'reconnecting':
        this.logger.debug('nats: reconnecting');
        break;
      case 'reconnect':
        this.setReady(true);
        this.logger.info({ server: status.server }, `nats: reconnected to ${status.server}`);
        break;
      case 'ldm':
        this.logger.warn(
          { server: status.server },
          `nats: ${status.server} is entering lame duck mode; will move to another server`,
        );
        break;
      case 'staleConnection':
        this.logger.warn('nats: connection is stale (no PONGs); reconnecting');
        break;
      case 'error':
        this.logger.error({ err: status.error }, `nats: ${errorMessage(status.error)}`);
        break;
      case 'slowConsumer':
        this.logger.warn(
          { subject: status.sub.getSubject(), pending: status.pending },
          `nats: slow consumer on ${status.sub.getSubject()} (${status.pending} pending)`,
        );
        break;
      default:
        break;
    }
  }
}

async function connectWithRetry(
  servers: string[],
  options: ConnectBusOptions,
): Promise<NatsConnection> {
  const first = options.initialRetry?.firstDelayMs ?? 500;
  const max = options.initialRetry?.maxDelayMs ?? 10_000;
  const where = servers.join(', ');
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) {
      throw new OmegaError(Code.Canceled, `nats: gave up connecting to ${where}: aborted`, {
        cause: options.signal.reason,
      });
    }
    try {
      return await connect({
        // nats.js otherwise captures a stack trace for every request (each JetStream publish) in
        // case it times out: ~18% of a publisher's CPU. Our errors name the subject instead.
        noAsyncTraces: true,
        ...options.natsOptions,
        servers,
        name: options.name,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: options.reconnectTimeWaitMs ?? 2000,
        reconnectJitter: options.reconnectJitterMs ?? 1000,
      });
    } catch (err) {
      if (!isTransient(err, options.retryAuthorization === true)) {
        throw OmegaError.wrap(err, `nats: cannot connect to ${where}`, Code.FailedPrecondition);
      }
      const base = Math.min(max, first * 2 ** attempt);
      const delayMs = Math.round(base * (0.8 + Math.random() * 0.4));
      options.logger.warn(
        { servers, attempt: attempt + 1, retryInMs: delayMs, err: errorMessage(err) },
        `nats: cannot reach ${where} (${errorMessage(err)}); retrying in ${formatDelay(delayMs)}`,
      );
      await sleep(delayMs, options.signal);
    }
  }
}

/** Errors worth retrying: the server is down, restarting, or not yet resolvable in DNS. */
function isTransient(err: unknown, retryAuthorization: boolean): boolean {
  if (!(err instanceof Error)) return false;
  const name = err.name;
  if (name === 'AuthorizationError' || name === 'UserAuthenticationExpiredError') {
    return retryAuthorization;
  }
  if (name === 'InvalidArgumentError' || name === 'TypeError') return false;
  return true;
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0).replace(/\.0$/, '')}s`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
