// Workflow histories on JetStream: one subject per workflow in WORKFLOWS (omega.wf.<id>), read
// with batched direct gets and appended with an expected-last-subject-sequence check, so two
// workers can never both advance the same history. Recently used histories stay in memory and
// are refreshed from their last known sequence.
import { publish, subjects, type Bus } from '@omega/bus';
import { WorkflowEvent } from '@omega/proto';
import { Code, OmegaError } from '@omega/errors';
import type { EventDraft } from './decide';
import type { JetStreamOps } from './jetstream-ops';
import { applyEvent, foldHistory, type WorkflowState } from './workflow-state';

export const WORKFLOWS_STREAM = 'WORKFLOWS';
const READ_BATCH = 256;

/** One workflow's history as this process last saw it. */
export interface History {
  readonly workflowId: string;
  readonly subject: string;
  events: WorkflowEvent[];
  /** Stream sequence of the last event (0: none), the expected value for the next append. */
  lastSeq: number;
  state: WorkflowState | undefined;
}

export class HistoryStore {
  private readonly cache = new Map<string, History>();

  constructor(
    private readonly bus: Bus,
    private readonly ops: JetStreamOps,
    private readonly cacheSize = 10_000,
  ) {}

  /** The history, brought up to date with what the stream holds. */
  async load(workflowId: string): Promise<History> {
    const history = this.cached(workflowId);
    await this.refresh(history);
    return history;
  }

  /** The cached history without reading (may be stale; an append's check catches that). */
  cached(workflowId: string): History {
    let history = this.cache.get(workflowId);
    if (history) {
      // Most recently used last, so eviction takes the oldest.
      this.cache.delete(workflowId);
      this.cache.set(workflowId, history);
      return history;
    }
    history = {
      workflowId,
      subject: subjects.workflow(workflowId),
      events: [],
      lastSeq: 0,
      state: undefined,
    };
    this.cache.set(workflowId, history);
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    return history;
  }

  /** Reads the events appended after `history.lastSeq`. */
  async refresh(history: History): Promise<void> {
    for (;;) {
      this.ops.count('read');
      let received = 0;
      let pending = 0;
      try {
        const batch = await this.bus.jsm.direct.getBatch(WORKFLOWS_STREAM, {
          seq: history.lastSeq + 1,
          next_by_subj: history.subject,
          batch: READ_BATCH,
        });
        for await (const msg of batch) {
          received++;
          pending = msg.pending;
          this.add(history, WorkflowEvent.decode(msg.data), msg.seq);
        }
      } catch (err) {
        // The server answers "no message found" when nothing follows lastSeq.
        if (isNoMessage(err)) return;
        throw OmegaError.wrap(
          err,
          `reading history of workflow ${history.workflowId}`,
          Code.Unavailable,
        );
      }
      if (received === 0 || pending === 0) return;
    }
  }

  /**
   * Appends one event if nothing was appended since `history.lastSeq`; resolves false (after
   * re-reading the history) when another writer got there first.
   */
  async append(history: History, draft: EventDraft, msgId?: string): Promise<boolean> {
    const event = WorkflowEvent.fromPartial({
      workflowId: history.workflowId,
      sequence: BigInt(history.events.length + 1),
      timeNs: BigInt(Date.now()) * 1_000_000n,
      type: draft.type,
      stepId: draft.stepId ?? '',
      attempt: draft.attempt ?? 0,
      detail: draft.detail ?? '',
      attributes: draft.attributes ?? {},
    });
    return this.appendEvent(history, event, msgId);
  }

  /** Appends a complete event (WORKFLOW_STARTED carries its trigger) under the same check. */
  async appendEvent(history: History, event: WorkflowEvent, msgId?: string): Promise<boolean> {
    this.ops.count('append');
    try {
      const ack = await publish(this.bus, history.subject, WorkflowEvent, event, {
        expectedLastSubjectSeq: history.lastSeq,
        ...(msgId ? { msgId } : {}),
      });
      if (ack.duplicate) {
        // Already stored by an earlier try of this same append: read it back rather than guess.
        await this.refresh(history);
        return true;
      }
      this.add(history, event, ack.seq);
      return true;
    } catch (err) {
      if (err instanceof OmegaError && err.code === Code.Aborted) {
        await this.refresh(history);
        return false;
      }
      throw err;
    }
  }

  private add(history: History, event: WorkflowEvent, seq: number): void {
    if (seq <= history.lastSeq) return;
    history.events.push(event);
    history.lastSeq = seq;
    if (!history.state) history.state = foldHistory(history.events);
    else applyEvent(history.state, event);
  }
}

function isNoMessage(err: unknown): boolean {
  const text =
    err instanceof Error
      ? `${err.message} ${String((err as { code?: unknown }).code ?? '')}`
      : String(err);
  return /no message found|404/i.test(text);
}
