// The honeypots behind Kubernetes decoys: one per decoy, in this process on a loopback port, fed
// only by the relay listener (which finds it by the decoy's route key). Its interactions carry the
// client the relay's PROXY header named and go to DECEPTION like any decoy's.
import type { Bus } from '@omega/bus';
import type { Decoy } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import {
  DEFAULT_HONEYPOT_LIMITS,
  type CredentialCheck,
  type Honeypot,
  type HoneypotFactory,
  type NativePasswordCheck,
} from '../honeypots/honeypot';
import type { DecoyKind } from '@omega/proto';
import { BusInteractionRecorder } from '../interaction-recorder';
import type { SourceTable } from './source-table';

export interface RelayedHoneypotsOptions {
  readonly bus: Bus;
  readonly factories: ReadonlyMap<DecoyKind, HoneypotFactory>;
  readonly credentials: CredentialCheck;
  readonly nativePasswordCheck?: NativePasswordCheck;
  readonly sources: SourceTable;
  readonly node: string;
  readonly logger: Logger;
}

interface Running {
  readonly honeypot: Honeypot;
  readonly recorder: BusInteractionRecorder;
}

/** A decoy's route key: the hex of its id, what its relay presents. */
export function routeOf(decoyId: string): string {
  return decoyId.slice(3);
}

/** Interactions a decoy's honeypot has seen since this process started it. */
export interface DecoyActivity {
  count: bigint;
  lastTimeNs: bigint;
}

export class RelayedHoneypots {
  readonly #running = new Map<string, Running>();
  readonly #activity = new Map<string, DecoyActivity>();

  constructor(private readonly options: RelayedHoneypotsOptions) {}

  /** The loopback port of the honeypot of the decoy with `route`. */
  portOf(route: string): number | undefined {
    return this.#running.get(route)?.honeypot.port;
  }

  /** Starts the decoy's honeypot unless it runs already. */
  async start(decoy: Decoy): Promise<void> {
    const route = routeOf(decoy.id);
    if (this.#running.has(route)) return;
    const spec = decoy.spec!;
    const factory = this.options.factories.get(spec.kind);
    if (factory === undefined) return;
    const recorder = new BusInteractionRecorder({
      bus: this.options.bus,
      decoyId: decoy.id,
      decoyKind: spec.kind,
      address: { ip: `${spec.name}.${spec.namespace}.svc`, port: spec.port },
      node: this.options.node,
      logger: this.options.logger,
    });
    const honeypot = await factory(
      {
        decoyId: decoy.id,
        kind: spec.kind,
        persona: { banner: spec.banner, hostname: spec.name, extra: { ...spec.labels } },
        limits: DEFAULT_HONEYPOT_LIMITS,
        recorder: this.options.sources.recorder({
          record: (interaction) => {
            const seen = this.#activity.get(decoy.id) ?? { count: 0n, lastTimeNs: 0n };
            seen.count += 1n;
            seen.lastTimeNs = BigInt(Date.now()) * 1_000_000n;
            this.#activity.set(decoy.id, seen);
            recorder.record(interaction);
          },
        }),
        credentials: this.options.credentials,
        ...(this.options.nativePasswordCheck
          ? { nativePasswordCheck: this.options.nativePasswordCheck }
          : {}),
        logger: this.options.logger,
      },
      { host: '127.0.0.1', port: 0 },
    );
    this.#running.set(route, { honeypot, recorder });
  }

  async stop(decoyId: string): Promise<void> {
    const route = routeOf(decoyId);
    const running = this.#running.get(route);
    if (running === undefined) return;
    this.#running.delete(route);
    this.#activity.delete(decoyId);
    await running.honeypot
      .close()
      .catch((err: unknown) =>
        this.options.logger.warn(
          { err, decoy: decoyId },
          `closing the honeypot of ${decoyId}: ${errorMessage(err)}`,
        ),
      );
    await running.recorder.flushed();
  }

  /** What the decoy's honeypot has seen here, if it ran here. */
  activity(decoyId: string): DecoyActivity | undefined {
    return this.#activity.get(decoyId);
  }

  /** The decoys whose honeypots run. */
  routes(): string[] {
    return [...this.#running.keys()];
  }

  async stopAll(): Promise<void> {
    for (const route of [...this.#running.keys()]) await this.stop(`dc-${route}`);
  }
}
