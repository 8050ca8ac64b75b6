// The expiry sweep: on an interval, removes up to a batch of honeytokens whose ttl_seconds passed
// (what they planted, then their record) and the request_id records older than their window, so
// omega_tokens and omega_decoys do not grow forever. An expired honeytoken is no longer recognized
// (registry.recognize skips it), so removing its record loses no detection.
import { Counter, Histogram, type Registry } from 'prom-client';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { RequestIds } from '../request-ids';
import { expired } from './honeytoken-record';
import type { HoneytokenRegistry } from './honeytoken-registry';

/** Honeytokens this replica found it cannot remove (another replica may): skipped, at most. */
const MAX_SKIPPED = 1_000;

export interface SweepMetrics {
  /** Expired honeytokens by outcome: removed, failed (retried next sweep), skipped. */
  readonly honeytokens: Counter<'outcome'>;
  /** request_id records deleted past their window. */
  readonly requestRecords: Counter;
  readonly duration: Histogram;
}

export function sweepMetrics(registry: Registry): SweepMetrics {
  return {
    honeytokens: new Counter({
      name: 'omega_deception_honeytokens_expired_swept_total',
      help: 'Expired honeytokens handled by the sweep, by outcome (removed, failed, skipped: this replica cannot remove what it planted)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    requestRecords: new Counter({
      name: 'omega_deception_request_records_swept_total',
      help: 'request_id records (MintHoneytoken, DeployDecoy) deleted past their 24 h window',
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'omega_deception_sweep_duration_seconds',
      help: 'Time one expiry sweep took',
      buckets: [0.01, 0.05, 0.25, 1, 5, 30],
      registers: [registry],
    }),
  };
}

export interface HoneytokenSweepOptions {
  readonly registry: HoneytokenRegistry;
  readonly requests: readonly RequestIds[];
  /** Most honeytokens (and most request records per bucket) one sweep removes. */
  readonly batch: number;
  readonly metrics: SweepMetrics;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export class HoneytokenSweep {
  readonly #skipped = new Set<string>();
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly options: HoneytokenSweepOptions) {
    this.#clock = options.clock ?? Date.now;
  }

  /** One sweep: up to `batch` expired honeytokens, oldest expiry first, then request records. */
  async sweepOnce(): Promise<{ removed: number; failed: number; requestRecords: number }> {
    const { registry, batch, metrics, logger } = this.options;
    const end = metrics.duration.startTimer();
    const nowNs = BigInt(this.#clock()) * 1_000_000n;
    const due = registry
      .list()
      .filter((token) => expired(token, nowNs) && !this.#skipped.has(token.id))
      .sort((a, b) => (a.expireTimeNs < b.expireTimeNs ? -1 : 1))
      .slice(0, batch);
    let removed = 0;
    let failed = 0;
    for (const token of due) {
      try {
        if (await registry.removeExpired(token.id)) removed++;
      } catch (err) {
        const cannot = err instanceof OmegaError && err.code === Code.FailedPrecondition;
        if (cannot && this.#skipped.size < MAX_SKIPPED) this.#skipped.add(token.id);
        failed++;
        metrics.honeytokens.inc({ outcome: cannot ? 'skipped' : 'failed' });
        logger.warn(
          { err, honeytoken: token.id },
          `expired honeytoken ${token.id} not removed: ${errorMessage(err)}`,
        );
      }
    }
    metrics.honeytokens.inc({ outcome: 'removed' }, removed);
    let requestRecords = 0;
    for (const requests of this.options.requests) requestRecords += await requests.sweep(batch);
    metrics.requestRecords.inc(requestRecords);
    end();
    if (removed > 0 || requestRecords > 0) {
      logger.info(
        { removed, failed, requestRecords },
        `expiry sweep: ${removed} expired honeytokens and ${requestRecords} request_id records removed`,
      );
    }
    return { removed, failed, requestRecords };
  }

  /** Sweeps every `intervalMs` (one sweep at a time). */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      if (this.#running !== undefined) return;
      this.#running = this.sweepOnce()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.options.logger.error({ err }, `expiry sweep failed: ${errorMessage(err)}`),
        )
        .finally(() => (this.#running = undefined));
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
