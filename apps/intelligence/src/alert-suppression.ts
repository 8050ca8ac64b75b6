// Suppresses repeats of the same (rule, entity) within a window; pure: time is the alert's own.
import { Code, OmegaError } from '@omega/runtime';

export interface AlertSuppressionOptions {
  /** Window length; one alert per (rule, test, entity) per window (default 60 000). */
  windowMs?: number;
  /** Most (rule, entity) keys remembered; the oldest is forgotten past it (default 100 000). */
  maxKeys?: number;
}

/**
 * Windows are aligned buckets of event time (floor(timeNs / windowMs)), the same buckets the alert
 * id is derived from: what this admits once per bucket is exactly one alert id, so a replica that
 * restarted (and forgot its keys) re-publishes only ids JetStream has already de-duplicated.
 * The cost of alignment: two repeats straddling a bucket boundary give two alerts.
 */
export class AlertSuppression {
  readonly windowMs: number;
  private readonly maxKeys: number;
  /** key → last admitted window index; Map order is admission order (oldest first). */
  private readonly lastWindow = new Map<string, bigint>();
  private suppressedCount = 0;

  constructor(options: AlertSuppressionOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    for (const [name, value] of [
      ['windowMs', this.windowMs],
      ['maxKeys', this.maxKeys],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new OmegaError(
          Code.InvalidArgument,
          `alert suppression: ${name} must be a positive integer, got ${value}`,
        );
      }
    }
  }

  /**
   * Whether an alert of (rule, kind, entity) at `timeNs` repeats one recorded in its window (or an
   * earlier one); counts it as suppressed when so.
   */
  isRepeat(ruleId: string, kind: string, entityKey: string, timeNs: bigint): boolean {
    const last = this.lastWindow.get(keyOf(ruleId, kind, entityKey));
    if (last !== undefined && this.windowOf(timeNs) <= last) {
      this.suppressedCount++;
      return true;
    }
    return false;
  }

  /**
   * Records an alert as raised. Called once it is published, not before: a batch whose publish
   * failed is redelivered and must raise its alerts again.
   */
  record(ruleId: string, kind: string, entityKey: string, timeNs: bigint): void {
    const key = keyOf(ruleId, kind, entityKey);
    const window = this.windowOf(timeNs);
    const last = this.lastWindow.get(key);
    if (last !== undefined && last >= window) return;
    this.lastWindow.delete(key);
    this.lastWindow.set(key, window);
    if (this.lastWindow.size > this.maxKeys) {
      this.lastWindow.delete(this.lastWindow.keys().next().value!);
    }
  }

  private windowOf(timeNs: bigint): bigint {
    return timeNs / (BigInt(this.windowMs) * 1_000_000n);
  }

  /** Repeats suppressed so far. */
  get suppressed(): number {
    return this.suppressedCount;
  }

  /** Keys remembered (never above maxKeys). */
  size(): number {
    return this.lastWindow.size;
  }
}

function keyOf(ruleId: string, kind: string, entityKey: string): string {
  return `${ruleId}\u0000${kind}\u0000${entityKey}`;
}
