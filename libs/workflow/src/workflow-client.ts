// Starting and steering workflows: start (idempotent on the workflow id), signal, cancel and
// describe. Each call that changes a history queues a task afterwards, so a worker always follows
// up; a crash between the two is repaired by the caller's retry (the start or signal is found
// already recorded and the task is queued again).
import { WorkflowEvent, WorkflowEventType, type Trigger } from '@omega/proto';
import { Code, OmegaError } from '@omega/errors';
import type { History, HistoryStore } from './history-store';
import type { JetStreamOps } from './jetstream-ops';
import { checkPlan, type WorkflowPlan } from './plan';
import { publishTask } from './task-queue';
import { ATTR, CLOSED_STATUSES, awaitedSignals, type WorkflowState } from './workflow-state';
import type { Bus } from '@omega/bus';
import { subjectToken } from '@omega/bus';

export interface StartWorkflowOptions {
  /** Unique per workflow; starting an existing id returns that workflow. */
  workflowId: string;
  plan: WorkflowPlan;
  /** Available to templates by name (e.g. `alert.src_ip`). */
  inputs: Record<string, string>;
  trigger?: Trigger;
  playbookId: string;
  playbookVersion: number;
  dryRun?: boolean;
  /** The TASKS subject token (omega.tasks.<queue>); default the playbook id. */
  queue?: string;
}

export interface StartedWorkflow {
  state: WorkflowState;
  /** True when the id already existed and nothing new was started. */
  alreadyStarted: boolean;
}

export class WorkflowClient {
  constructor(
    private readonly bus: Bus,
    private readonly store: HistoryStore,
    private readonly ops: JetStreamOps,
  ) {}

  /** Starts a workflow, or returns the one that already has this id. */
  async start(options: StartWorkflowOptions): Promise<StartedWorkflow> {
    subjectToken(options.workflowId, 'workflowId');
    checkPlan(options.plan, `workflow ${options.workflowId}`);
    const queue = subjectToken(options.queue ?? options.playbookId, 'queue');
    const reserved = Object.keys(options.inputs).find((key) => key.startsWith('$'));
    if (reserved !== undefined) {
      throw new OmegaError(
        Code.InvalidArgument,
        `workflow ${options.workflowId}: input '${reserved}' starts with '$', which the engine reserves for its own attributes`,
      );
    }
    const history = this.store.cached(options.workflowId);
    let alreadyStarted = history.events.length > 0;
    if (!alreadyStarted) {
      const started = WorkflowEvent.fromPartial({
        workflowId: options.workflowId,
        sequence: 1n,
        timeNs: BigInt(Date.now()) * 1_000_000n,
        type: WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED,
        attributes: {
          ...options.inputs,
          [ATTR.plan]: JSON.stringify(options.plan),
          [ATTR.playbook]: options.playbookId,
          [ATTR.playbookVersion]: String(options.playbookVersion),
          [ATTR.dryRun]: String(options.dryRun ?? false),
          [ATTR.queue]: queue,
        },
        ...(options.trigger ? { trigger: options.trigger } : {}),
      });
      // Expected last subject sequence 0: only the first start of this id can store it.
      alreadyStarted = !(await this.store.appendEvent(
        history,
        started,
        `${options.workflowId}:started`,
      ));
    }
    const state = history.state;
    if (!state)
      throw new OmegaError(
        Code.Internal,
        `workflow ${options.workflowId}: started but no history read back`,
      );
    if (!CLOSED_STATUSES.has(state.status)) {
      await publishTask(
        this.bus,
        this.ops,
        state.queue,
        options.workflowId,
        'start',
        `${options.workflowId}:start`,
      );
    }
    return { state, alreadyStarted };
  }

  /**
   * Delivers `name` to a workflow waiting for it (the approval of a step); `requestId` makes a
   * repeated call deliver it once.
   */
  async signal(
    workflowId: string,
    name: string,
    payload: Record<string, string>,
    requestId: string,
  ): Promise<WorkflowState> {
    const history = await this.existing(workflowId);
    const msgId = `${workflowId}:signal:${requestId}`;
    for (;;) {
      const state = history.state!;
      if (requestId && state.signals.some((s) => s.payload['$request_id'] === requestId))
        return state;
      if (CLOSED_STATUSES.has(state.status)) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `workflow ${workflowId} is closed; signal '${name}' not delivered`,
        );
      }
      const awaited = awaitedSignals(state);
      if (!awaited.includes(name)) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `workflow ${workflowId} is not waiting for '${name}' (waiting for: ${awaited.join(', ') || 'no signal'})`,
        );
      }
      const waiting = [...state.steps.values()].find((r) => r.awaits !== '');
      const appended = await this.store.append(
        history,
        {
          type: WorkflowEventType.WORKFLOW_EVENT_TYPE_SIGNAL_RECEIVED,
          stepId: waiting?.step.id ?? '',
          detail: name,
          attributes: requestId ? { ...payload, $request_id: requestId } : payload,
        },
        requestId ? msgId : undefined,
      );
      if (appended) break;
    }
    // Without a request id, the signal's own position keeps two signals' tasks apart.
    const taskId = requestId ? msgId : `${workflowId}:signal:@${history.lastSeq}`;
    await publishTask(this.bus, this.ops, history.state!.queue, workflowId, 'signal', taskId);
    return history.state!;
  }

  /** Requests cancellation: running activities are aborted, nothing new starts. */
  async cancel(workflowId: string, reason: string, requestId: string): Promise<WorkflowState> {
    const history = await this.existing(workflowId);
    for (;;) {
      const state = history.state!;
      if (CLOSED_STATUSES.has(state.status) || state.cancelReason !== undefined) return state;
      const appended = await this.store.append(history, {
        type: WorkflowEventType.WORKFLOW_EVENT_TYPE_CANCEL_REQUESTED,
        detail: reason || 'cancelled',
      });
      if (appended) break;
    }
    await publishTask(
      this.bus,
      this.ops,
      history.state!.queue,
      workflowId,
      'cancel',
      `${workflowId}:cancel:${requestId}`,
    );
    return history.state!;
  }

  /** The workflow's state and full history, read from the stream. */
  async describe(workflowId: string): Promise<{ state: WorkflowState; events: WorkflowEvent[] }> {
    const history = await this.existing(workflowId);
    return { state: history.state!, events: history.events };
  }

  private async existing(workflowId: string): Promise<History> {
    subjectToken(workflowId, 'workflowId');
    const history = await this.store.load(workflowId);
    if (!history.state) throw new OmegaError(Code.NotFound, `no workflow ${workflowId}`);
    return history;
  }
}
