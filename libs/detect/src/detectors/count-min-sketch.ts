// A count-min sketch (Cormode & Muthukrishnan 2005) with caller-given row seeds: fixed memory counts.
import { Code, OmegaError } from '@omega/errors';
import { seededHash32 } from './seeded-hash';

export class CountMinSketch {
  private readonly cells: Uint32Array;
  private nonZero = 0;
  private readonly scratch: Uint32Array;

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
    this.scratch = new Uint32Array(seeds.length);
  }

  /**
   * The cell of `key` in each row, written into `out` (length = depth). Two seeded hashes make every
   * row's index (h1 + row·h2, Kirsch & Mitzenmacher 2006), so depth costs no extra hashing; sketches
   * of one shape can share the result.
   */
  cellsOf(key: string, out: Uint32Array): Uint32Array {
    const h1 = seededHash32(key, this.seeds[0]!);
    const h2 = (seededHash32(key, this.seeds[1] ?? ~this.seeds[0]!) | 1) >>> 0;
    for (let row = 0; row < this.seeds.length; row++) {
      out[row] = row * this.width + (((h1 + Math.imul(row, h2)) >>> 0) % this.width);
    }
    return out;
  }

  /** Adds `count` at precomputed cells (from `cellsOf`) and returns the new estimate. */
  addAt(cells: Uint32Array, count = 1): number {
    let estimate = Infinity;
    for (let row = 0; row < this.seeds.length; row++) {
      const index = cells[row]!;
      const before = this.cells[index]!;
      if (before === 0) this.nonZero++;
      const after = before + count;
      this.cells[index] = after;
      if (after < estimate) estimate = after;
    }
    return estimate;
  }

  estimateAt(cells: Uint32Array): number {
    let estimate = Infinity;
    for (let row = 0; row < this.seeds.length; row++) {
      const value = this.cells[cells[row]!]!;
      if (value < estimate) estimate = value;
    }
    return estimate;
  }

  /** Adds `count` to `key` and returns the new estimate (the minimum over rows). */
  add(key: string, count = 1): number {
    return this.addAt(this.cellsOf(key, this.scratch), count);
  }

  /** Never below the true count; above it only through collisions. */
  estimate(key: string): number {
    return this.estimateAt(this.cellsOf(key, this.scratch));
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
