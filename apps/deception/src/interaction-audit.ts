// Interactions in trust's audit log: every interaction on DECEPTION that can raise an alert (a
// login, command, query, request, honeytoken use; not a bare connect or disconnect) is appended,
// read from the stream by a durable consumer so that every channel (decoys, canary URLs, channels
// added later) is covered once. A flood cannot fill the log: per minute at most
// `maxEntriesPerMinute` entries one by one, the rest counted and appended as one summary entry
// naming the decoys and honeytokens touched and how often.
import { ack, consume, type Bus, type ConsumerHandle } from '@omega/bus';
import { AuditEntry, AuditEntryKind, Event, InteractionKind, type IdentityRef } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import type { AuditClient } from '@omega/trust-client';
import { INTERACTIONS_STREAM } from './interaction-query';

export const AUDIT_CONSUMER = 'deception-interaction-audit';
const WINDOW_MS = 60_000;
/** Targets a summary names at most (the rest are counted together). */
const MAX_SUMMARY_TARGETS = 20;

/** True for interactions deception-touch makes an alert of (pure). */
export function alertCapable(event: Event): boolean {
  if (event.payload?.$case !== 'deceptionInteraction') return false;
  const touch = event.payload.value;
  if (touch.honeytokenId !== '') return true;
  return (
    touch.kind !== InteractionKind.INTERACTION_KIND_CONNECT &&
    touch.kind !== InteractionKind.INTERACTION_KIND_DISCONNECT &&
    touch.kind !== InteractionKind.INTERACTION_KIND_UNSPECIFIED
  );
}

function targetOf(event: Event): string {
  const touch = event.payload?.$case === 'deceptionInteraction' ? event.payload.value : undefined;
  return touch?.honeytokenId ? `honeytoken/${touch.honeytokenId}` : `decoy/${touch?.decoyId ?? ''}`;
}

/** What a minute lets through: `max` entries, the rest counted per target (pure, clock passed in). */
export class AuditBudget {
  #window = -1;
  #used = 0;
  #suppressed = new Map<string, number>();

  constructor(private readonly maxPerWindow: number) {}

  /**
   * Whether an interaction on `target` at `nowMs` is appended on its own; when a new minute
   * starts, `closed` holds the counts suppressed in the minute before (to summarise).
   */
  take(target: string, nowMs: number): { append: boolean; closed?: Map<string, number> } {
    const closed = this.roll(nowMs);
    if (this.#used < this.maxPerWindow) {
      this.#used += 1;
      return { append: true, ...(closed ? { closed } : {}) };
    }
    const key =
      this.#suppressed.has(target) || this.#suppressed.size < MAX_SUMMARY_TARGETS
        ? target
        : 'other';
    this.#suppressed.set(key, (this.#suppressed.get(key) ?? 0) + 1);
    return { append: false, ...(closed ? { closed } : {}) };
  }

  /** Starts the minute of `nowMs` if it is a new one; returns the last one's suppressed counts. */
  roll(nowMs: number): Map<string, number> | undefined {
    const window = Math.floor(nowMs / WINDOW_MS);
    if (window === this.#window) return undefined;
    this.#window = window;
    this.#used = 0;
    const closed = this.#suppressed;
    this.#suppressed = new Map();
    return closed.size > 0 ? closed : undefined;
  }
}

export interface InteractionAuditOptions {
  readonly bus: Bus;
  readonly audit: AuditClient;
  readonly self: () => IdentityRef;
  readonly maxEntriesPerMinute: number;
  readonly logger: Logger;
  readonly onAudited: (how: 'entry' | 'summarized', count: number) => void;
  readonly onFailure: () => void;
  readonly clock?: () => number;
}

export class InteractionAudit {
  readonly #budget: AuditBudget;
  readonly #clock: () => number;
  #consumer?: ConsumerHandle;
  #timer?: NodeJS.Timeout;

  constructor(private readonly options: InteractionAuditOptions) {
    this.#budget = new AuditBudget(options.maxEntriesPerMinute);
    this.#clock = options.clock ?? Date.now;
  }

  async start(): Promise<void> {
    this.#consumer = await consume(this.options.bus, {
      stream: INTERACTIONS_STREAM,
      durable: AUDIT_CONSUMER,
      type: Event,
      // What cannot be decoded is intelligence's to dead-letter (it reads DECEPTION too): here
      // it is only logged and skipped.
      deadLetter: false,
      handler: async (event) => {
        if (!alertCapable(event)) return ack();
        const { append, closed } = this.#budget.take(targetOf(event), this.#clock());
        if (closed) await this.#summarize(closed);
        if (append) await this.#entry(event);
        return ack();
      },
    });
    // A quiet minute after a flood still gets its summary.
    this.#timer = setInterval(() => {
      const closed = this.#budget.roll(this.#clock());
      if (closed) void this.#summarize(closed);
    }, WINDOW_MS / 4);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#consumer?.stop();
  }

  async #entry(event: Event): Promise<void> {
    const summary = `deception interaction: ${event.message.slice(0, 300)}`;
    // The event id de-duplicates a redelivered message's append.
    await this.#append(
      AuditEntry.fromPartial({
        kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
        timeNs: event.timeNs,
        actor: this.options.self(),
        subject: targetOf(event),
        summary,
        payloadType: 'omega.v1.Event',
        payload: Buffer.from(Event.encode(event).finish()),
      }),
      `interaction-${event.id}`,
      1,
      'entry',
    );
  }

  async #summarize(counts: Map<string, number>): Promise<void> {
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const named = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([target, n]) => `${target} ×${n}`)
      .join(', ');
    const nowMs = this.#clock();
    await this.#append(
      AuditEntry.fromPartial({
        kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
        timeNs: BigInt(nowMs) * 1_000_000n,
        actor: this.options.self(),
        subject: 'deception/interactions',
        summary: `deception interactions past the audit budget of ${this.options.maxEntriesPerMinute}/min, counted: ${total} (${named}); each is on the DECEPTION stream`,
      }),
      `interaction-summary-${Math.floor(nowMs / WINDOW_MS)}`,
      total,
      'summarized',
    );
  }

  async #append(
    entry: AuditEntry,
    requestId: string,
    count: number,
    how: 'entry' | 'summarized',
  ): Promise<void> {
    try {
      await this.options.audit.append(entry, { requestId });
      this.options.onAudited(how, count);
    } catch (err) {
      // The interaction stays on DECEPTION (and in its alert); the log misses it: counted, logged.
      this.options.onFailure();
      this.options.logger.error(
        { err, subject: entry.subject },
        `audit append of ${entry.subject} failed: ${errorMessage(err)}`,
      );
    }
  }
}
