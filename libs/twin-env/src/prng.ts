// A seeded pseudo-random generator for the environment (the lib never reads Math.random or a
// clock): sfc32 keyed by splitmix64 from a 64-bit seed, so one seed gives one episode everywhere.

const MASK64 = (1n << 64n) - 1n;

/** splitmix64: spreads a 64-bit seed into well-mixed 64-bit words (Steele, Lea, Flood 2014). */
function splitmix64(state: { s: bigint }): bigint {
  state.s = (state.s + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** sfc32 (Chris Doty-Humphrey's PractRand small fast counter) over 32-bit words. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: bigint) {
    const state = { s: BigInt.asUintN(64, seed) };
    const w1 = splitmix64(state);
    const w2 = splitmix64(state);
    this.a = Number(w1 & 0xffffffffn);
    this.b = Number(w1 >> 32n);
    this.c = Number(w2 & 0xffffffffn);
    this.d = 1;
    for (let i = 0; i < 12; i += 1) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Prng.pick: no items');
    return items[this.int(items.length)]!;
  }
}
