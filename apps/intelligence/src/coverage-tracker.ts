// Telemetry coverage per sender: EventBatch carries the sender's cumulative counts of records the
// kernel lost and events it dropped. When they grew since the sender's previous batch, events are
// missing around that time, and an alert raised from that sender's events within the window after
// it says so (detection may have missed related activity, or scored on partial evidence).

interface SenderCoverage {
  session: string;
  lost: bigint;
  dropped: bigint;
  /** Batch time of the last increase, and by how much. */
  lastLossNs: bigint;
  lastLostDelta: bigint;
  lastDroppedDelta: bigint;
}

export interface CoverageBatch {
  readonly senderId: string;
  readonly sessionId: string;
  readonly createdTimeNs: bigint;
  readonly lostRecords: bigint;
  readonly droppedEvents: bigint;
}

export class CoverageTracker {
  private readonly senders = new Map<string, SenderCoverage>();

  constructor(
    private readonly windowMs: number,
    private readonly maxSenders = 10_000,
  ) {}

  /** Records a batch's counts; returns the coverage note for alerts from it ('' when complete). */
  observe(batch: CoverageBatch): string {
    const key = batch.senderId;
    let state = this.senders.get(key);
    if (state === undefined || state.session !== batch.sessionId) {
      // A new session restarts the counts; what it lost before its first batch still counts.
      state = {
        session: batch.sessionId,
        lost: 0n,
        dropped: 0n,
        lastLossNs: 0n,
        lastLostDelta: 0n,
        lastDroppedDelta: 0n,
      };
      this.senders.delete(key);
      this.senders.set(key, state);
      if (this.senders.size > this.maxSenders)
        this.senders.delete(this.senders.keys().next().value!);
    }
    const lostDelta = batch.lostRecords > state.lost ? batch.lostRecords - state.lost : 0n;
    const droppedDelta =
      batch.droppedEvents > state.dropped ? batch.droppedEvents - state.dropped : 0n;
    if (lostDelta > 0n || droppedDelta > 0n) {
      state.lastLossNs = batch.createdTimeNs;
      state.lastLostDelta = lostDelta;
      state.lastDroppedDelta = droppedDelta;
    }
    if (batch.lostRecords > state.lost) state.lost = batch.lostRecords;
    if (batch.droppedEvents > state.dropped) state.dropped = batch.droppedEvents;
    if (state.lastLossNs === 0n) return '';
    if (batch.createdTimeNs - state.lastLossNs > BigInt(this.windowMs) * 1_000_000n) return '';
    const parts: string[] = [];
    if (state.lastLostDelta > 0n) {
      parts.push(`${state.lastLostDelta} kernel record(s) lost before they were read`);
    }
    if (state.lastDroppedDelta > 0n) {
      parts.push(`${state.lastDroppedDelta} event(s) dropped by the sentinel (buffer full)`);
    }
    return `Coverage: ${batch.senderId} reported ${parts.join(' and ')} at ${new Date(Number(state.lastLossNs / 1_000_000n)).toISOString()}; related activity may be missing from this alert's evidence.`;
  }
}
