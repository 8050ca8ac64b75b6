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

  constructor(readonly maxEntries: number) {
    this.entries = new LRUCache<K, V>({
      max: maxEntries,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.evictions++;
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

  /** Values, most recently used first. */
  values(): IterableIterator<V> {
    return this.entries.values();
  }
}
