// A count-min sketch (Cormode & Muthukrishnan 2005) with caller-given row seeds: fixed memory counts.
import { Code, OmegaError } from '@omega/runtime';
import { seededHash32 } from './seeded-hash';

export class CountMinSketch {
  private readonly cells: Uint32Array;
  private nonZero = 0;

  /**
   * @param width counters per row; a new key collides with n stored keys in one row with probability
   *   about 1 − e^(−n/width), so in all rows with about that to the power `seeds.length`.
   * @param seeds one hash seed per row (the depth).
   */
  constructor(
    readonly width: number,
    readonly seeds: readonly number[],
  ) {
    if (!Number.isInteger(width) || width < 1 || seeds.length < 1) {
      throw new OmegaError(
        Code.InvalidArgument,
        `count-min sketch: width must be a positive integer and at least one seed is needed (width ${width}, ${seeds.length} seeds)`,
      );
    }
    this.cells = new Uint32Array(width * seeds.length);
  }

  /** Adds `count` to `key` and returns the new estimate (the minimum over rows). */
  add(key: string, count = 1): number {
    let estimate = Infinity;
    for (let row = 0; row < this.seeds.length; row++) {
      const index = row * this.width + (seededHash32(key, this.seeds[row]!) % this.width);
      const before = this.cells[index]!;
      if (before === 0) this.nonZero++;
      const after = before + count;
      this.cells[index] = after;
      if (after < estimate) estimate = after;
    }
    return estimate;
  }

  /** Never below the true count; above it only through collisions. */
  estimate(key: string): number {
    let estimate = Infinity;
    for (let row = 0; row < this.seeds.length; row++) {
      const value = this.cells[row * this.width + (seededHash32(key, this.seeds[row]!) % this.width)]!;
      if (value < estimate) estimate = value;
    }
    return estimate;
  }

  clear(): void {
    this.cells.fill(0);
    this.nonZero = 0;
  }

  /** Counters in use (non-zero). */
  get usedCells(): number {
    return this.nonZero;
  }

  get sizeBytes(): number {
    return this.cells.byteLength;
  }
}
