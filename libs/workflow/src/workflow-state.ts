// A workflow's state, rebuilt by folding its event history. Pure: every worker that reads the same
// history reaches the same state, which is what makes the history the only truth.
import {
  StepStatus,
  WorkflowEventType,
  WorkflowStatus,
  type Trigger,
  type WorkflowEvent,
} from '@omega/proto';
import { failurePolicy, type PlanStep, type WorkflowPlan } from './plan';

/** Attribute keys the engine itself writes; everything else in WORKFLOW_STARTED is an input. */
export const ATTR = {
  plan: '$plan',
  playbook: '$playbook',
  playbookVersion: '$playbook_version',
  dryRun: '$dry_run',
  queue: '$queue',
  /** STEP_STARTED: the task message that holds the step ("task/<TASKS stream seq>"). */
  lease: '$lease',
  /** STEP_STARTED: the worker that ran the attempt. */
  worker: '$worker',
  /** STEP_FAILED / STEP_TIMED_OUT: when the next attempt runs (ms since epoch). */
  retryAtMs: '$retry_at_ms',
  /** STEP_FAILED: the activity's error code. */
  errorCode: '$error_code',
  /** STEP_SCHEDULED: a durable timer's due time, or an approval's deadline (ms since epoch). */
  dueAtMs: '$due_at_ms',
  /** STEP_SCHEDULED: the signal an approval waits for. */
  awaits: '$awaits',
  /** STEP_STARTED: the resolved parameters the activity ran with. */
  paramPrefix: 'param.',
} as const;

/** main: `steps`; failure: `on_failure`; compensation: steps run when their owner fails. */
export type Phase = 'main' | 'failure' | 'compensation';

export interface StepRun {
  step: PlanStep;
  phase: Phase;
  status: StepStatus;
  attempt: number;
  lease: string;
  startMs: number;
  endMs: number;
  error: string;
  errorCode: string;
  outputs: Record<string, string>;
  /** Retry due time while RETRYING. */
  retryAtMs: number;
  /** Timer due time or approval deadline while SCHEDULED. */
  dueAtMs: number;
  /** The signal an approval waits for, while SCHEDULED. */
  awaits: string;
  approved: boolean;
  params: Record<string, string>;
}

export interface ReceivedSignal {
  name: string;
  stepId: string;
  payload: Record<string, string>;
  timeMs: number;
}

export interface WorkflowState {
  workflowId: string;
  plan: WorkflowPlan;
  playbookId: string;
  playbookVersion: number;
  queue: string;
  dryRun: boolean;
  inputs: Record<string, string>;
  trigger: Trigger | undefined;
  status: WorkflowStatus;
  startMs: number;
  closeMs: number;
  failureMessage: string;
  cancelReason: string | undefined;
  steps: Map<string, StepRun>;
  signals: ReceivedSignal[];
  /** Events folded so far; the next one's `sequence` is this + 1. */
  length: number;
}

export const CLOSED_STATUSES: ReadonlySet<WorkflowStatus> = new Set([
  WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
  WorkflowStatus.WORKFLOW_STATUS_FAILED,
  WorkflowStatus.WORKFLOW_STATUS_CANCELLED,
  WorkflowStatus.WORKFLOW_STATUS_TIMED_OUT,
]);

export const CLOSED_STEP: ReadonlySet<StepStatus> = new Set([
  StepStatus.STEP_STATUS_COMPLETED,
  StepStatus.STEP_STATUS_FAILED,
  StepStatus.STEP_STATUS_SKIPPED,
  StepStatus.STEP_STATUS_CANCELLED,
]);

export const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n);

/** Folds a history that starts with WORKFLOW_STARTED; undefined for an empty history. */
export function foldHistory(events: readonly WorkflowEvent[]): WorkflowState | undefined {
  const first = events[0];
  if (!first) return undefined;
  const state = startedState(first);
  for (let i = 1; i < events.length; i++) applyEvent(state, events[i] as WorkflowEvent);
  return state;
}

function startedState(event: WorkflowEvent): WorkflowState {
  if (event.type !== WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED) {
    throw new Error(`history of ${event.workflowId} does not begin with WORKFLOW_STARTED`);
  }
  const plan = JSON.parse(
    event.attributes[ATTR.plan] ?? '{"steps":[],"onFailure":[],"timeoutMs":0}',
  ) as WorkflowPlan;
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.attributes)) {
    if (!key.startsWith('$')) inputs[key] = value;
  }
  const steps = new Map<string, StepRun>();
  for (const [phase, list] of [
    ['main', plan.steps],
    ['failure', plan.onFailure],
    ['compensation', plan.compensations ?? []],
  ] as const) {
    for (const step of list) steps.set(step.id, newRun(step, phase));
  }
  return {
    workflowId: event.workflowId,
    plan,
    playbookId: event.attributes[ATTR.playbook] ?? '',
    playbookVersion: Number(event.attributes[ATTR.playbookVersion] ?? 0),
    queue: event.attributes[ATTR.queue] ?? 'default',
    dryRun: event.attributes[ATTR.dryRun] === 'true',
    inputs,
    trigger: event.trigger,
    status: WorkflowStatus.WORKFLOW_STATUS_RUNNING,
    startMs: nsToMs(event.timeNs),
    closeMs: 0,
    failureMessage: '',
    cancelReason: undefined,
    steps,
    signals: [],
    length: 1,
  };
}

function newRun(step: PlanStep, phase: Phase): StepRun {
  return {
    step,
    phase,
    status: StepStatus.STEP_STATUS_PENDING,
    attempt: 0,
    lease: '',
    startMs: 0,
    endMs: 0,
    error: '',
    errorCode: '',
    outputs: {},
    retryAtMs: 0,
    dueAtMs: 0,
    awaits: '',
    approved: false,
    params: {},
  };
}

/** Applies one event (in history order). */
export function applyEvent(state: WorkflowState, event: WorkflowEvent): void {
  state.length++;
  const timeMs = nsToMs(event.timeNs);
  const run = state.steps.get(event.stepId);
  const T = WorkflowEventType;
  switch (event.type) {
    case T.WORKFLOW_EVENT_TYPE_STEP_SCHEDULED:
      if (!run) return;
      run.status = StepStatus.STEP_STATUS_SCHEDULED;
      run.dueAtMs = Number(event.attributes[ATTR.dueAtMs] ?? 0);
      run.awaits = event.attributes[ATTR.awaits] ?? '';
      if (!run.startMs) run.startMs = timeMs;
      return;
    case T.WORKFLOW_EVENT_TYPE_STEP_STARTED:
      if (!run) return;
      run.status = StepStatus.STEP_STATUS_RUNNING;
      run.attempt = event.attempt;
      run.lease = event.attributes[ATTR.lease] ?? '';
      run.awaits = '';
      if (!run.startMs) run.startMs = timeMs;
      run.params = {};
      for (const [key, value] of Object.entries(event.attributes)) {
        if (key.startsWith(ATTR.paramPrefix))
          run.params[key.slice(ATTR.paramPrefix.length)] = value;
      }
      return;
    case T.WORKFLOW_EVENT_TYPE_STEP_COMPLETED:
      if (!run) return;
      run.status = StepStatus.STEP_STATUS_COMPLETED;
      run.outputs = { ...event.attributes };
      run.endMs = timeMs;
      run.lease = '';
      return;
    case T.WORKFLOW_EVENT_TYPE_STEP_FAILED:
    case T.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT: {
      if (!run) return;
      const retryAt = event.attributes[ATTR.retryAtMs];
      run.error = event.detail;
      run.errorCode = event.attributes[ATTR.errorCode] ?? '';
      run.lease = '';
      run.awaits = '';
      if (event.attempt) run.attempt = event.attempt;
      if (retryAt !== undefined) {
        run.status = StepStatus.STEP_STATUS_RETRYING;
        run.retryAtMs = Number(retryAt);
      } else {
        run.status = StepStatus.STEP_STATUS_FAILED;
        run.endMs = timeMs;
      }
      return;
    }
    case T.WORKFLOW_EVENT_TYPE_STEP_SKIPPED:
      if (!run) return;
      run.status = StepStatus.STEP_STATUS_SKIPPED;
      run.error = event.detail;
      run.endMs = timeMs;
      run.awaits = '';
      return;
    case T.WORKFLOW_EVENT_TYPE_TIMER_FIRED:
      if (!run) return;
      if (run.step.kind === 'sleep') {
        run.status = StepStatus.STEP_STATUS_COMPLETED;
        run.endMs = timeMs;
      } else {
        // An approval's deadline passed without a signal.
        run.status = StepStatus.STEP_STATUS_FAILED;
        run.error = event.detail;
        run.errorCode = 'approval_timeout';
        run.endMs = timeMs;
      }
      run.awaits = '';
      return;
    case T.WORKFLOW_EVENT_TYPE_SIGNAL_RECEIVED: {
      const signal: ReceivedSignal = {
        name: event.detail,
        stepId: event.stepId,
        payload: { ...event.attributes },
        timeMs,
      };
      state.signals.push(signal);
      if (!run || run.awaits === '') return;
      if (signal.name === run.awaits) {
        run.approved = true;
        run.awaits = '';
      } else if (signal.name === 'reject') {
        run.status = StepStatus.STEP_STATUS_FAILED;
        const by = signal.payload['by'] ? ` by ${signal.payload['by']}` : '';
        const why = signal.payload['reason'] ? `: ${signal.payload['reason']}` : '';
        run.error = `approval rejected${by}${why}`;
        run.errorCode = 'rejected';
        run.endMs = timeMs;
        run.awaits = '';
      }
      return;
    }
    case T.WORKFLOW_EVENT_TYPE_CANCEL_REQUESTED:
      state.cancelReason = event.detail || 'cancelled';
      return;
    case T.WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED:
      close(state, WorkflowStatus.WORKFLOW_STATUS_COMPLETED, timeMs, '');
      return;
    case T.WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED:
      close(state, WorkflowStatus.WORKFLOW_STATUS_FAILED, timeMs, event.detail);
      return;
    case T.WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED:
      close(state, WorkflowStatus.WORKFLOW_STATUS_CANCELLED, timeMs, event.detail);
      return;
    case T.WORKFLOW_EVENT_TYPE_WORKFLOW_TIMED_OUT:
      close(state, WorkflowStatus.WORKFLOW_STATUS_TIMED_OUT, timeMs, event.detail);
      return;
    default:
      return;
  }
}

function close(
  state: WorkflowState,
  status: WorkflowStatus,
  timeMs: number,
  message: string,
): void {
  state.status = status;
  state.closeMs = timeMs;
  state.failureMessage = message;
  for (const run of state.steps.values()) {
    if (!CLOSED_STEP.has(run.status) && run.status !== StepStatus.STEP_STATUS_PENDING) {
      run.status = StepStatus.STEP_STATUS_CANCELLED;
    }
  }
}

/** The status a reader sees: WAITING while an approval is pending. */
export function displayStatus(state: WorkflowState): WorkflowStatus {
  if (state.status !== WorkflowStatus.WORKFLOW_STATUS_RUNNING) return state.status;
  for (const run of state.steps.values())
    if (run.awaits) return WorkflowStatus.WORKFLOW_STATUS_WAITING;
  return state.status;
}

/** Signals the workflow waits for now. */
export function awaitedSignals(state: WorkflowState): string[] {
  const names = new Set<string>();
  for (const run of state.steps.values()) {
    if (run.awaits) {
      names.add(run.awaits);
      names.add('reject');
    }
  }
  return [...names];
}

/** The step that failed the workflow, if one did: a step or compensation whose policy is fail. */
export function failingStep(state: WorkflowState): StepRun | undefined {
  for (const run of state.steps.values()) {
    if (
      run.phase !== 'failure' &&
      run.status === StepStatus.STEP_STATUS_FAILED &&
      failurePolicy(run.step) === 'fail'
    ) {
      return run;
    }
  }
  return undefined;
}

/** "completed", "failed", ... as conditions compare them. */
export function stepStatusName(status: StepStatus): string {
  return StepStatus[status].replace('STEP_STATUS_', '').toLowerCase();
}
