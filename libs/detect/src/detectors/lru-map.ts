// A Map with a hard entry cap and least-recently-used eviction, on the maintained `lru-cache`.
//
// Every detector keeps its per-entity state here, so eviction must stay O(1) when an attacker chooses
// the load: a sweep where every event is a new source evicts on every insert. lru-cache keeps its
// order in index arrays, so an eviction costs the same at 20 entries as at 20,000.
import { LRUCache } from 'lru-cache';

// lru-cache needs keys and values that are not null or undefined.
export class LruMap<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<K, V>;
  /** Entries dropped to stay under the cap since construction. */
  evictions = 0;
  /** The value last dropped to stay under the cap, until taken for reuse. */
  private evicted: V | undefined;

  constructor(readonly maxEntries: number) {
    this.entries = new LRUCache<K, V>({
      max: maxEntries,
      dispose: (value, _key, reason) => {
        if (reason !== 'evict') return;
        this.evictions++;
        this.evicted = value;
      },
    });
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
