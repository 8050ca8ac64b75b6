// The audit log's own de-duplication index: request id → leaf index over JetStream's 120 s window.
import { DeliverPolicy } from '@nats-io/jetstream';
import { subjects, type Bus } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { leavesOfMessage, STREAM } from './audit-stream';

/** Request ids kept at least (the newest), and at most even when younger than the window. */
const REMEMBERED_IDS = 1_000_000;
const MAX_REMEMBERED_IDS = 5_000_000;
/** How far back a restart re-reads request ids: the stream's Nats-Msg-Id window, as before. */
export const DEDUPE_WINDOW_MS = 120_000;

/**
 * Atomic batches carry no Nats-Msg-Id (the server does not de-duplicate inside them), so the log
 * recognises retries itself: a retry within the window answers with its first index.
 */
export class DedupeIndex {
  /** Request id → leaf index and when it was remembered (ms), oldest first. */
  private readonly indexById = new Map<string, { index: number; atMs: number }>();

  /** The leaf index of the append with this request id, if still remembered. */
  indexOf(requestId: string): number | undefined {
    return this.indexById.get(requestId)?.index;
  }

  /**
   * Keeps every id of the de-duplication window (as Nats-Msg-Id did), and at least the newest
   * REMEMBERED_IDS; MAX_REMEMBERED_IDS bounds memory (120 s at 40,000 appends/s).
   */
  remember(requestId: string, index: number, nowMs = Date.now()): void {
    this.indexById.delete(requestId);
    this.indexById.set(requestId, { index, atMs: nowMs });
    while (this.indexById.size > REMEMBERED_IDS) {
      const [oldestId, oldest] = this.indexById.entries().next().value!;
      if (this.indexById.size <= MAX_REMEMBERED_IDS && nowMs - oldest.atMs < DEDUPE_WINDOW_MS)
        break;
      this.indexById.delete(oldestId);
    }
  }

  /**
   * Re-reads the request ids of the leaves published in the last DEDUPE_WINDOW_MS up to
   * `untilSeq` (the tree already holds the leaves), so a retry after a restart answers with its
   * first index. Packed messages carry their ids in the body, so bodies are read too.
   */
  async rememberRecent(bus: Bus, untilSeq: number): Promise<void> {
    let from: number;
    try {
      const first = await bus.jsm.direct.getMessage(STREAM, {
        start_time: new Date(Date.now() - DEDUPE_WINDOW_MS),
      });
      if (!first) return;
      from = first.seq;
    } catch (err) {
      if (/no message found/i.test(errorMessage(err))) return;
      throw OmegaError.wrap(err, 'audit log: finding the de-duplication window', Code.Unavailable);
    }
    if (from > untilSeq) return;
    const consumer = await bus.js.consumers.get(STREAM, {
      filter_subjects: [subjects.auditLeaves],
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
    });
    const messages = await consumer.consume({ max_messages: 8192 });
    try {
      for await (const message of messages) {
        if (message.seq > untilSeq) break;
        let read;
        try {
          read = leavesOfMessage(message);
        } catch {
          // Junk in the window: syncTail skips and reports it; it holds no id of the log's.
          if (message.seq >= untilSeq) break;
          continue;
        }
        const { firstIndex, requestIds } = read;
        const nowMs = Date.now();
        requestIds.forEach((id, i) => id && this.remember(id, firstIndex + i, nowMs));
        if (message.seq >= untilSeq) break;
      }
    } finally {
      await messages.close();
    }
  }
}
