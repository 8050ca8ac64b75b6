// Bounds how many requests one source address may make per window (pure: the caller passes the
// time), so a flood from one client costs the HTTP honeypot, and the bus, a bounded amount.

export class SourceRequestRate {
  #windowStartMs = Number.NEGATIVE_INFINITY;
  readonly #counts = new Map<string, number>();

  constructor(
    private readonly maxRequestsPerWindow: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a request from source at nowMs; false once the source is past its bound this window. */
  allow(source: string, nowMs: number): boolean {
    // A fixed window: the map holds only this window's sources, so it never outgrows them.
    if (nowMs - this.#windowStartMs >= this.windowMs) {
      this.#windowStartMs = nowMs;
      this.#counts.clear();
    }
    const count = (this.#counts.get(source) ?? 0) + 1;
    this.#counts.set(source, count);
    return count <= this.maxRequestsPerWindow;
  }
}
