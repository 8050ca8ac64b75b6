// A token bucket per source address, in bounded memory: `perSecond` refill, `burst` capacity, at
// most `maxSources` addresses tracked (the least recently seen forgotten first). The clock is
// passed in.
export interface SourceRateLimitOptions {
  readonly perSecond: number;
  readonly burst: number;
  readonly maxSources: number;
  readonly clock: () => number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class SourceRateLimit {
  readonly #buckets = new Map<string, Bucket>();

  constructor(private readonly options: SourceRateLimitOptions) {}

  /** Whether `source` may be answered now (one token taken if so). */
  take(source: string): boolean {
    const nowMs = this.options.clock();
    const { perSecond, burst, maxSources } = this.options;
    const known = this.#buckets.get(source);
    const bucket = known ?? { tokens: burst, atMs: nowMs };
    if (known !== undefined) this.#buckets.delete(source);
    else if (this.#buckets.size >= maxSources) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    bucket.tokens = Math.min(
      burst,
      bucket.tokens + (Math.max(0, nowMs - bucket.atMs) / 1000) * perSecond,
    );
    bucket.atMs = nowMs;
    // Re-inserted: the map's order is least recently seen first.
    this.#buckets.set(source, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.#buckets.size;
  }
}
