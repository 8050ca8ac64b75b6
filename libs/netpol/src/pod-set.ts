// A set of pods as a bitset over the cluster's pod indexes: selector matches, rule peers and matrix
// rows are all sets of this kind, so a union or an intersection costs one pass over n/32 words.

export class PodSet {
  readonly words: Uint32Array;

  constructor(
    readonly size: number,
    words?: Uint32Array,
  ) {
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  static all(size: number): PodSet {
    const set = new PodSet(size);
    set.words.fill(0xffffffff);
    const tail = size & 31;
    if (tail !== 0) set.words[set.words.length - 1] = (1 << tail) - 1;
    return set;
  }

  static of(size: number, indexes: Iterable<number>): PodSet {
    const set = new PodSet(size);
    for (const i of indexes) set.add(i);
    return set;
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  clone(): PodSet {
    return new PodSet(this.size, this.words.slice());
  }

  /** this ∪= other */
  orInPlace(other: PodSet): this {
    const a = this.words;
    const b = other.words;
    for (let w = 0; w < a.length; w++) a[w]! |= b[w]!;
    return this;
  }

  /** this ∩= other */
  andInPlace(other: PodSet): this {
    const a = this.words;
    const b = other.words;
    for (let w = 0; w < a.length; w++) a[w]! &= b[w]!;
    return this;
  }

  /** this −= other */
  andNotInPlace(other: PodSet): this {
    const a = this.words;
    const b = other.words;
    for (let w = 0; w < a.length; w++) a[w]! &= ~b[w]!;
    return this;
  }

  /** Complement within the universe of `size` pods. */
  complement(): PodSet {
    return PodSet.all(this.size).andNotInPlace(this);
  }

  isEmpty(): boolean {
    return this.words.every((w) => w === 0);
  }

  count(): number {
    let total = 0;
    for (let w of this.words) {
      w -= (w >>> 1) & 0x55555555;
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      total += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return total;
  }

  *indexes(): IterableIterator<number> {
    const words = this.words;
    for (let w = 0; w < words.length; w++) {
      let word = words[w]!;
      while (word !== 0) {
        const low = word & -word;
        yield (w << 5) + (31 - Math.clz32(low));
        word ^= low;
      }
    }
  }
}
