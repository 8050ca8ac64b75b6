// Every workflow's current state, for ListWorkflows and WatchWorkflow: an ordered consumer over
// WORKFLOWS folds each history as it grows. Rebuilt from the stream at start, so it is a view, not
// state of its own.
import type { ConsumerMessages } from '@nats-io/jetstream';
import type { Bus } from '@omega/bus';
import { WorkflowEvent } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import { applyEvent, foldHistory, WORKFLOWS_STREAM, type WorkflowState } from '@omega/workflow';

type Listener = (state: WorkflowState, event: WorkflowEvent) => void;

export class WorkflowIndex {
  private readonly states = new Map<string, WorkflowState>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private messages: ConsumerMessages | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const consumer = await this.bus.js.consumers.get(WORKFLOWS_STREAM, {
      filter_subjects: ['omega.wf.>'],
    });
    const messages = await consumer.consume();
    this.messages = messages;
    void (async () => {
      for await (const msg of messages) {
        try {
          this.add(WorkflowEvent.decode(msg.data));
        } catch (err) {
          this.logger.error(
            { err, seq: msg.seq },
            `WORKFLOWS ${msg.seq} is not a WorkflowEvent: ${errorMessage(err)}`,
          );
        }
      }
    })();
  }

  stop(): void {
    void this.messages?.close();
  }

  list(): WorkflowState[] {
    return [...this.states.values()].sort(
      (a, b) => b.startMs - a.startMs || a.workflowId.localeCompare(b.workflowId),
    );
  }

  get(workflowId: string): WorkflowState | undefined {
    return this.states.get(workflowId);
  }

  /** Calls `listener` after each event of the workflow; returns the unsubscribe function. */
  subscribe(workflowId: string, listener: Listener): () => void {
    let set = this.listeners.get(workflowId);
    if (!set) this.listeners.set(workflowId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private add(event: WorkflowEvent): void {
    let state = this.states.get(event.workflowId);
    if (!state) {
      const first = foldHistory([event]);
      if (!first) return;
      state = first;
      this.states.set(event.workflowId, state);
    } else {
      applyEvent(state, event);
    }
    for (const listener of this.listeners.get(event.workflowId) ?? []) listener(state, event);
  }
}
