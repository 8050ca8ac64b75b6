// Decoys run by this process (`deception.decoys.mode: local`, what `omega up` uses): each a
// honeypot listener on `deception.decoys.listenHost`, recorded in the KV bucket omega_decoys so a
// restarted service starts them again and loses nothing; removed on request or when their
// ttl_seconds pass. Interactions go to DECEPTION through one recorder per decoy.
import { isDecoyId, newDecoyId, type Bus, type KV } from '@omega/bus';
import { Decoy, DecoyKind, DecoyStatus, type DecoySpec } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { Counter } from 'prom-client';
import {
  DEFAULT_HONEYPOT_LIMITS,
  type CredentialCheck,
  type Honeypot,
  type HoneypotFactory,
  type Interaction,
  type NativePasswordCheck,
} from '../honeypots/honeypot';
import { BusInteractionRecorder } from '../interaction-recorder';
import { checkDecoySpec } from './decoy-spec';

export const DECOYS_BUCKET = 'omega_decoys';

export interface DecoyHostOptions {
  readonly bus: Bus;
  readonly kv: KV;
  /** The honeypot for each decoy kind this service runs. */
  readonly factories: ReadonlyMap<DecoyKind, HoneypotFactory>;
  readonly listenHost: string;
  readonly node: string;
  readonly credentials: CredentialCheck;
  readonly nativePasswordCheck?: NativePasswordCheck;
  readonly logger: Logger;
  readonly interactionsPublished?: Counter;
  readonly interactionsDropped?: Counter;
  readonly clock?: () => number;
}

interface Running {
  decoy: Decoy;
  honeypot?: Honeypot;
  recorder?: BusInteractionRecorder;
  expiry?: NodeJS.Timeout;
}

export class DecoyHost {
  readonly #decoys = new Map<string, Running>();
  readonly #clock: () => number;

  constructor(private readonly options: DecoyHostOptions) {
    this.#clock = options.clock ?? Date.now;
  }

  /** The kinds this host can run. */
  get kinds(): ReadonlySet<DecoyKind> {
    return new Set(this.options.factories.keys());
  }

  /** Starts again every decoy the bucket says was running (after a restart). */
  async restore(): Promise<void> {
    const keys = await this.options.kv.keys();
    for await (const key of keys) {
      if (!isDecoyId(key)) continue;
      const entry = await this.options.kv.get(key);
      if (entry === null || entry.operation !== 'PUT') continue;
      let decoy: Decoy;
      try {
        decoy = Decoy.decode(entry.value);
      } catch (err) {
        this.options.logger.error(
          { err, key },
          `${DECOYS_BUCKET} ${key} unreadable, skipped: ${errorMessage(err)}`,
        );
        continue;
      }
      if (decoy.status !== DecoyStatus.DECOY_STATUS_RUNNING) {
        this.#decoys.set(decoy.id, { decoy });
        continue;
      }
      await this.#start(decoy).catch(() => undefined);
    }
  }

  /** Checks the spec and starts the decoy (or, for a dry run, only checks it). */
  async deploy(spec: DecoySpec | undefined, method: string, dryRun: boolean): Promise<Decoy> {
    const checked = checkDecoySpec(spec, method, this.kinds);
    for (const { decoy } of this.#decoys.values()) {
      if (decoy.status === DecoyStatus.DECOY_STATUS_RUNNING && decoy.spec?.port === checked.port) {
        throw new OmegaError(
          Code.AlreadyExists,
          `${method}: spec.port: ${checked.port} is taken by decoy ${decoy.id} (${decoy.spec.name})`,
        );
      }
    }
    const decoy: Decoy = Decoy.fromPartial({
      id: newDecoyId(),
      spec: checked,
      status: DecoyStatus.DECOY_STATUS_PENDING,
      address: `${this.options.listenHost}:${checked.port}`,
      createTimeNs: BigInt(this.#clock()) * 1_000_000n,
    });
    if (dryRun) return decoy;
    return this.#start(decoy);
  }

  async #start(decoy: Decoy): Promise<Decoy> {
    const spec = decoy.spec!;
    const factory = this.options.factories.get(spec.kind)!;
    const running: Running = { decoy };
    this.#decoys.set(decoy.id, running);
    const recorder = new BusInteractionRecorder({
      bus: this.options.bus,
      decoyId: decoy.id,
      decoyKind: spec.kind,
      address: { ip: this.options.listenHost, port: spec.port },
      node: this.options.node,
      logger: this.options.logger,
      ...(this.options.interactionsPublished
        ? { published: this.options.interactionsPublished }
        : {}),
      ...(this.options.interactionsDropped ? { dropped: this.options.interactionsDropped } : {}),
    });
    const counting = {
      record: (interaction: Interaction) => {
        running.decoy.interactionCount += 1n;
        running.decoy.lastInteractionTimeNs = BigInt(this.#clock()) * 1_000_000n;
        recorder.record(interaction);
      },
    };
    try {
      running.honeypot = await factory(
        {
          decoyId: decoy.id,
          kind: spec.kind,
          persona: { banner: spec.banner, hostname: spec.name, extra: { ...spec.labels } },
          limits: DEFAULT_HONEYPOT_LIMITS,
          recorder: counting,
          credentials: this.options.credentials,
          ...(this.options.nativePasswordCheck
            ? { nativePasswordCheck: this.options.nativePasswordCheck }
            : {}),
          logger: this.options.logger,
        },
        { host: this.options.listenHost, port: spec.port },
      );
      running.recorder = recorder;
      running.decoy = {
        ...running.decoy,
        status: DecoyStatus.DECOY_STATUS_RUNNING,
        statusMessage: '',
      };
    } catch (err) {
      running.decoy = {
        ...running.decoy,
        status: DecoyStatus.DECOY_STATUS_FAILED,
        statusMessage: `listening on ${this.options.listenHost}:${spec.port}: ${errorMessage(err)}`,
      };
      await this.#save(running.decoy);
      throw new OmegaError(
        Code.FailedPrecondition,
        `decoy ${decoy.id} (${spec.name}): ${running.decoy.statusMessage}`,
        { cause: err },
      );
    }
    await this.#save(running.decoy);
    this.#scheduleExpiry(running);
    return running.decoy;
  }

  #scheduleExpiry(running: Running): void {
    const ttl = running.decoy.spec?.ttlSeconds ?? 0;
    if (ttl === 0) return;
    const dueMs = Number(running.decoy.createTimeNs / 1_000_000n) + ttl * 1000 - this.#clock();
    running.expiry = setTimeout(
      () => {
        this.remove(running.decoy.id, 'ttl_seconds passed', 'RemoveDecoy').catch((err: unknown) =>
          this.options.logger.error(
            { err, decoy: running.decoy.id },
            `expiring decoy ${running.decoy.id}: ${errorMessage(err)}`,
          ),
        );
      },
      Math.max(0, dueMs),
    );
    running.expiry.unref();
  }

  list(filter: { namespace: string; kind: DecoyKind; includeRemoved: boolean }): Decoy[] {
    return [...this.#decoys.values()]
      .map(({ decoy }) => decoy)
      .filter(
        (d) =>
          (filter.namespace === '' || d.spec?.namespace === filter.namespace) &&
          (filter.kind === DecoyKind.DECOY_KIND_UNSPECIFIED || d.spec?.kind === filter.kind) &&
          (filter.includeRemoved || d.status !== DecoyStatus.DECOY_STATUS_REMOVED),
      )
      .sort((a, b) =>
        a.createTimeNs < b.createTimeNs ? -1 : a.createTimeNs > b.createTimeNs ? 1 : 0,
      );
  }

  async remove(id: string, reason: string, method: string): Promise<Decoy> {
    const running = this.#decoys.get(id);
    if (running === undefined)
      throw new OmegaError(Code.NotFound, `${method}: decoy ${id} not found`);
    if (running.decoy.status === DecoyStatus.DECOY_STATUS_REMOVED) return running.decoy;
    clearTimeout(running.expiry);
    await running.honeypot?.close();
    await running.recorder?.flushed();
    running.honeypot = undefined;
    running.decoy = {
      ...running.decoy,
      status: DecoyStatus.DECOY_STATUS_REMOVED,
      statusMessage: reason.slice(0, 256),
      removeTimeNs: BigInt(this.#clock()) * 1_000_000n,
    };
    await this.#save(running.decoy);
    return running.decoy;
  }

  /** Closes every listener (the records stay: a restart starts them again). */
  async stop(): Promise<void> {
    for (const running of this.#decoys.values()) {
      clearTimeout(running.expiry);
      await running.honeypot?.close();
      await running.recorder?.flushed();
      if (running.decoy.status === DecoyStatus.DECOY_STATUS_RUNNING)
        await this.#save(running.decoy).catch(() => undefined);
    }
  }

  async #save(decoy: Decoy): Promise<void> {
    await this.options.kv.put(decoy.id, Decoy.encode(decoy).finish());
  }
}
