// A Map with a hard entry cap and least-recently-used eviction, on mnemonist's `LRUMapWithDelete`.
//
// Every detector keeps its per-entity state here, so eviction must stay O(1) when an attacker chooses
// the load: a sweep where every event is a new source evicts on every insert. mnemonist keeps its
// order in typed pointer arrays sized once to the cap, so an eviction costs the same at 20 entries as
// at 20,000 and allocates nothing (lru-cache, used before, cost about twice as much per evicting
// insert and more garbage per event at the cap: bench/detect/README.md, "At the state cap").
import LRUMapWithDelete from 'mnemonist/lru-map-with-delete';

/** The fields of mnemonist's map read to find the entry an insert will evict (not in its typings). */
interface EvictionOrder<V> {
  readonly tail: number;
  readonly V: ArrayLike<V>;
}

export class LruMap<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly entries: LRUMapWithDelete<K, V>;
  /** Entries dropped to stay under the cap since construction. */
  evictions = 0;
  /** The value last dropped to stay under the cap, until taken for reuse. */
  private evicted: V | undefined;

  constructor(readonly maxEntries: number) {
    this.entries = new LRUMapWithDelete<K, V>(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, marked as recently used. */
  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** The value, leaving its place in the eviction order alone. */
  peek(key: K): V | undefined {
    return this.entries.peek(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    // At the cap a new key takes the least recently used entry's slot (the tail). `setpop` would say
    // which, but allocates a result object per insert and reports no eviction of a falsy key (0, '').
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const order = this.entries as unknown as EvictionOrder<V>;
      this.evicted = order.V[order.tail];
      this.evictions++;
    }
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /**
   * The value last evicted, once (then undefined until the next eviction), for a caller whose values
   * nothing else refers to: resetting it in place for a new entry, instead of allocating one, keeps
   * a map at its cap from turning every insert into garbage for the collector.
   */
  takeEvicted(): V | undefined {
    const value = this.evicted;
    this.evicted = undefined;
    return value;
  }

  /** Values, most recently used first. */
  values(): IterableIterator<V> {
    return this.entries.values();
  }
}
