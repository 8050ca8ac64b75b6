// A token bucket per source (the nucleus's 10 requests/s per source IP). Pure: the caller passes
// the time; buckets idle for a minute are forgotten so memory stays bounded.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly maxSources = 100_000,
  ) {}

  /** True when `source` may send one more request at `nowMs`. */
  allow(source: string, nowMs: number): boolean {
    let bucket = this.buckets.get(source);
    if (!bucket) {
      if (this.buckets.size >= this.maxSources) this.evictIdle(nowMs);
      if (this.buckets.size >= this.maxSources) return false;
      bucket = { tokens: this.perSecond, atMs: nowMs };
      this.buckets.set(source, bucket);
    }
    bucket.tokens = Math.min(
      this.perSecond,
      bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.perSecond,
    );
    bucket.atMs = nowMs;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private evictIdle(nowMs: number): void {
    for (const [source, bucket] of this.buckets) {
      if (nowMs - bucket.atMs > 60_000) this.buckets.delete(source);
    }
  }
}
