// A Map with a hard entry cap and approximate-LRU eviction (CLOCK / second chance).
//
// A true LRU refreshes the entry on every read (a Map delete + set, the hottest line in the detector
// bench); here a read only sets a flag, and eviction gives flagged entries a second chance by moving
// them to the young end. Entries never read since they were last passed over are evicted first.

interface Slot<V> {
  value: V;
  referenced: boolean;
}

export class LruMap<K, V> {
  private readonly entries = new Map<K, Slot<V>>();
  /** Entries dropped to stay under the cap since construction. */
  evictions = 0;

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value, marked as recently used. */
  get(key: K): V | undefined {
    const slot = this.entries.get(key);
    if (slot === undefined) return undefined;
    slot.referenced = true;
    return slot.value;
  }

  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    const slot = this.entries.get(key);
    if (slot !== undefined) {
      slot.value = value;
      slot.referenced = true;
      return;
    }
    if (this.entries.size >= this.maxEntries) this.evictOne();
    this.entries.set(key, { value, referenced: false });
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  *values(): IterableIterator<V> {
    for (const slot of this.entries.values()) yield slot.value;
  }

  private evictOne(): void {
    // Each pass clears a flag, so this ends within size + 1 steps.
    for (;;) {
      const oldest = this.entries.entries().next();
      if (oldest.done) return;
      const [key, slot] = oldest.value;
      this.entries.delete(key);
      if (!slot.referenced) {
        this.evictions++;
        return;
      }
      slot.referenced = false;
      this.entries.set(key, slot);
    }
  }
}
