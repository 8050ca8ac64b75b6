// Records the twin keeps across restarts in its KV bucket (omega_twin), one key per record under a
// prefix (`flow.<hash>`, `alert.<hash>`): at most `max` of them, the oldest dropped first. Changes
// are written in batches (flush), so a burst of telemetry is one write per record, not per event.
import { createHash } from 'node:crypto';
import type { KV } from '@omega/bus';
import { errorMessage, type Logger } from '@omega/runtime';

export interface KeptRecord {
  /** Orders records for eviction: the smallest goes first. */
  readonly lastNs: bigint;
}

export interface RecordCodec<T> {
  encode(record: T): unknown;
  /** undefined for a value that is not a record (skipped on load). */
  decode(json: unknown): T | undefined;
}

export class KeptRecords<T extends KeptRecord> {
  private readonly records = new Map<string, T>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private changes = 0;

  constructor(
    private readonly prefix: string,
    private readonly max: number,
    private readonly codec: RecordCodec<T>,
  ) {}

  /** Grows with every change. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.records.size;
  }

  get(id: string): T | undefined {
    return this.records.get(id);
  }

  values(): IterableIterator<T> {
    return this.records.values();
  }

  entries(): IterableIterator<[string, T]> {
    return this.records.entries();
  }

  set(id: string, record: T): void {
    if (!this.records.has(id) && this.records.size >= this.max) this.evictOldest();
    this.records.set(id, record);
    this.dirty.add(id);
    this.removed.delete(id);
    this.changes++;
  }

  delete(id: string): void {
    if (!this.records.delete(id)) return;
    this.dirty.delete(id);
    this.removed.add(id);
    this.changes++;
  }

  private evictOldest(): void {
    let oldest: [string, T] | undefined;
    for (const entry of this.records) {
      if (!oldest || entry[1].lastNs < oldest[1].lastNs) oldest = entry;
    }
    if (oldest) this.delete(oldest[0]);
  }

  private key(id: string): string {
    return `${this.prefix}.${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
  }

  /** Reads every kept record (at most `max`; the oldest beyond are dropped). */
  async load(kv: KV, logger: Logger): Promise<void> {
    const keys: string[] = [];
    for await (const key of await kv.keys(`${this.prefix}.>`)) keys.push(key);
    for (const key of keys) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      try {
        const json = entry.json<{ id?: unknown; record?: unknown }>();
        const record = this.codec.decode(json.record);
        if (typeof json.id !== 'string' || !record) throw new Error('not a record');
        this.set(json.id, record);
      } catch (err) {
        logger.warn(
          { key, err: errorMessage(err) },
          `twin: KV key ${key} skipped: ${errorMessage(err)}`,
        );
      }
    }
    this.dirty.clear();
  }

  /** Writes what changed since the last flush. */
  async flush(kv: KV): Promise<void> {
    const dirty = [...this.dirty];
    const removed = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    try {
      for (const id of dirty) {
        const record = this.records.get(id);
        if (record)
          await kv.put(this.key(id), JSON.stringify({ id, record: this.codec.encode(record) }));
      }
      for (const id of removed) await kv.delete(this.key(id));
    } catch (err) {
      for (const id of dirty) this.dirty.add(id);
      for (const id of removed) if (!this.records.has(id)) this.removed.add(id);
      throw err;
    }
  }
}
