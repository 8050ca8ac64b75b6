// One output's bounded queue and sender: alerts wait in memory (at most maxQueued; the oldest is
// dropped and counted when full), one is sent at a time with a timeout per attempt, a failed attempt
// is retried with exponential backoff until maxAttempts, and a refusal the destination will repeat
// (isPermanent) is not retried. Nothing here waits on the ALERTS consumer or blocks it.
import type { Alert } from '@omega/proto';
import { errorMessage, isPermanent, type Logger } from '@omega/runtime';
import { OUTPUT_SEVERITIES, type DeliveryPolicy } from './outputs-config';
import type { DropReason, OutputMetrics } from './output-metrics';

/** A destination: one send per alert, resolved once the destination accepted it. */
export interface AlertSink {
  /**
   * Delivers one alert, honouring `signal` (the attempt's timeout or shutdown). A thrown OmegaError
   * whose code isPermanent is not retried; anything else is.
   */
  send(alert: Alert, signal: AbortSignal): Promise<void>;
  /** Releases connections (called once, after the last send). */
  close(): Promise<void>;
}

export interface OutputQueueOptions {
  sink: AlertSink;
  /** Its type, for logs (`syslog`, `kafka`, ...). */
  type: string;
  policy: DeliveryPolicy;
  metrics: OutputMetrics;
  logger: Logger;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

/** Shortest interval between two "queue full" warnings of one output. */
const QUEUE_FULL_WARN_MS = 60_000;

export class OutputQueue {
  readonly name: string;
  private readonly pending: Alert[] = [];
  private head = 0;
  private readonly minSeverity: number;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private lastFullWarnMs = 0;

  constructor(private readonly options: OutputQueueOptions) {
    this.name = options.policy.name;
    this.minSeverity = OUTPUT_SEVERITIES.indexOf(options.policy.minSeverity);
  }

  /** Alerts waiting (not counting the one being sent). */
  get length(): number {
    return this.pending.length - this.head;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Queues an alert for this output unless it is below the output's minimum severity; when the
   * queue is full the oldest waiting alert is dropped (counted as queue_full). Never waits.
   */
  offer(alert: Alert): void {
    if (this.stopping || alert.severity < this.minSeverity) return;
    const { policy, metrics, logger } = this.options;
    if (this.length >= policy.maxQueued) {
      const oldest = this.take()!;
      this.drop('queue_full');
      const now = Date.now();
      if (now - this.lastFullWarnMs >= QUEUE_FULL_WARN_MS) {
        this.lastFullWarnMs = now;
        logger.warn(
          { output: this.name, maxQueued: policy.maxQueued, dropped: oldest.id },
          `output ${this.name}: queue full (${policy.maxQueued}), dropping the oldest alert`,
        );
      }
    }
    this.pending.push(alert);
    metrics.queued.set({ output: this.name }, this.length);
    this.wake?.();
  }

  /**
   * Stops taking alerts, sends what is queued for up to `drainMs`, then abandons the rest (each
   * counted as dropped for shutdown) and closes the sink.
   */
  async stop(drainMs = 5_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const timer = setTimeout(() => this.abort.abort(), drainMs);
    try {
      await this.loop;
    } finally {
      clearTimeout(timer);
    }
    while (this.take()) this.drop('shutdown');
    await this.options.sink.close();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const alert = this.take();
      if (!alert) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.options.metrics.queued.set({ output: this.name }, this.length);
      await this.deliver(alert);
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    const { sink, policy, metrics, logger, type } = this.options;
    for (let attempt = 1; ; attempt++) {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(policy.timeoutMs)]);
      try {
        await sink.send(alert, signal);
        metrics.sent.inc({ output: this.name });
        return;
      } catch (err) {
        metrics.failed.inc({ output: this.name });
        const context = {
          output: this.name,
          type,
          alert: alert.id,
          attempt,
          err: errorMessage(err),
        };
        if (isPermanent(err)) {
          logger.warn(context, `output ${this.name}: alert ${alert.id} refused, not retried`);
          return this.drop('rejected');
        }
        if (this.abort.signal.aborted) return this.drop('shutdown');
        if (attempt >= policy.maxAttempts) {
          logger.warn(
            context,
            `output ${this.name}: alert ${alert.id} dropped after ${attempt} attempts`,
          );
          return this.drop('retries_exhausted');
        }
        if (attempt === 1) logger.warn(context, `output ${this.name}: send failed, retrying`);
        await this.sleep(this.backoffMs(attempt));
        if (this.abort.signal.aborted) return this.drop('shutdown');
      }
    }
  }

  /** Delay after failed attempt n: initial × 2^(n-1), capped, ±20% jitter. */
  private backoffMs(attempt: number): number {
    const { initialBackoffMs, maxBackoffMs } = this.options.policy;
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(30, attempt - 1));
    return Math.round(base * (0.8 + (this.options.random ?? Math.random)() * 0.4));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done);
    });
  }

  private take(): Alert | undefined {
    if (this.head >= this.pending.length) return undefined;
    const alert = this.pending[this.head]!;
    this.head++;
    // Compact once the consumed prefix dominates, so memory stays O(maxQueued).
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    return alert;
  }

  private drop(reason: DropReason): void {
    this.options.metrics.dropped.inc({ output: this.name, reason });
    this.options.metrics.queued.set({ output: this.name }, this.length);
  }
}
