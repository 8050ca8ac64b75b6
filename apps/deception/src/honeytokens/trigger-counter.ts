// Counts honeytoken uses into the stored record (TRIGGERED, trigger_count, last_trigger_time_ns)
// with a revision check, at most one write per honeytoken per interval: a flood of uses becomes a
// few writes whose counts add up, and replicas counting the same token never lose each other's.
import type { KV } from '@omega/bus';
import { HoneytokenStatus } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import { decodeRecord, encodeRecord, type HoneytokenRecord } from './honeytoken-record';

const MAX_ATTEMPTS = 5;

interface Pending {
  count: number;
  lastMs: number;
}

export interface TriggerCounterOptions {
  readonly kv: KV;
  readonly intervalMs: number;
  /** The record and revision this replica knows. */
  current(id: string): { record: HoneytokenRecord; revision: number } | undefined;
  /** Called with what was written. */
  stored(id: string, record: HoneytokenRecord, revision: number): void;
  readonly logger: Logger;
  readonly clock: () => number;
}

export class TriggerCounter {
  readonly #pending = new Map<string, Pending>();
  readonly #lastWriteMs = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #writes = new Set<Promise<void>>();
  readonly #inFlight = new Set<string>();
  #stopped = false;

  constructor(private readonly options: TriggerCounterOptions) {}

  /** One use of `id`, now. */
  add(id: string): void {
    const nowMs = this.options.clock();
    const pending = this.#pending.get(id) ?? { count: 0, lastMs: 0 };
    pending.count += 1;
    pending.lastMs = Math.max(pending.lastMs, nowMs);
    this.#pending.set(id, pending);
    this.#schedule(id);
  }

  #schedule(id: string): void {
    if (this.#timers.has(id)) return;
    const last = this.#lastWriteMs.get(id);
    const waitMs =
      last === undefined ? 0 : Math.max(0, last + this.options.intervalMs - this.options.clock());
    this.#timers.set(
      id,
      setTimeout(() => this.#start(id), waitMs),
    );
  }

  #start(id: string): void {
    this.#inFlight.add(id);
    const write = this.#write(id).finally(() => {
      this.#writes.delete(write);
      this.#inFlight.delete(id);
      this.#lastWriteMs.set(id, this.options.clock());
      this.#timers.delete(id);
      if (!this.#pending.has(id)) return;
      if (this.#stopped) this.#start(id);
      else this.#schedule(id);
    });
    this.#writes.add(write);
  }

  async #write(id: string): Promise<void> {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (pending === undefined) return;
    let known = this.options.current(id);
    for (let attempt = 1; known !== undefined; attempt++) {
      const before = known.record.honeytoken;
      const record: HoneytokenRecord = {
        ...known.record,
        honeytoken: {
          ...before,
          // A revoked token stays revoked; its uses are still counted.
          status:
            before.status === HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED
              ? before.status
              : HoneytokenStatus.HONEYTOKEN_STATUS_TRIGGERED,
          triggerCount: before.triggerCount + BigInt(pending.count),
          lastTriggerTimeNs: bigMax(before.lastTriggerTimeNs, BigInt(pending.lastMs) * 1_000_000n),
        },
      };
      try {
        const revision = await this.options.kv.update(id, encodeRecord(record), known.revision);
        this.options.stored(id, record, revision);
        return;
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) {
          this.options.logger.error(
            { err, honeytoken: id, uses: pending.count },
            `honeytoken ${id}: ${pending.count} use(s) not counted after ${attempt} attempts: ${errorMessage(err)}`,
          );
          return;
        }
        // Someone else wrote it (another replica's count, a revocation): count on top of theirs.
        try {
          const entry = await this.options.kv.get(id);
          known =
            entry === null || entry.operation !== 'PUT'
              ? undefined
              : { record: decodeRecord(entry.value, id), revision: entry.revision };
        } catch (readErr) {
          this.options.logger.error(
            { err: readErr, honeytoken: id },
            `honeytoken ${id}: ${pending.count} use(s) not counted, re-reading the record failed: ${errorMessage(readErr)}`,
          );
          return;
        }
      }
    }
  }

  /** Resolves once every use added so far is written (or failed, logged). */
  async settled(): Promise<void> {
    while (this.#timers.size > 0 || this.#writes.size > 0) {
      await Promise.all([...this.#writes]);
      if (this.#writes.size === 0 && this.#timers.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  /** Writes what is pending now, without waiting for the interval; nothing is scheduled after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const [id, timer] of this.#timers) {
      if (this.#inFlight.has(id)) continue;
      clearTimeout(timer);
      this.#timers.delete(id);
      this.#start(id);
    }
    while (this.#writes.size > 0) await Promise.all([...this.#writes]);
  }
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
