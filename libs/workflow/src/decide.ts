// What a worker holding a workflow does next, decided from its state alone (no I/O, time passed
// in). The worker applies one decision, folds the event it appended, and asks again, so the
// history records every choice and any worker can pick up where another stopped.
import { StepStatus, WorkflowEventType } from '@omega/proto';
import { errorMessage } from '@omega/errors';
import { evaluateCondition } from './condition';
import { evaluateLegacyCondition } from './legacy-condition';
import { PLAN_VERSION, compensatedStep, failurePolicy } from './plan';
import { retryDelayMs } from './retry-policy';
import { resolveParams } from './template';
import { conditionBindings, scopeOf } from './workflow-scope';
import {
  ATTR,
  CLOSED_STATUSES,
  CLOSED_STEP,
  failingStep,
  type StepRun,
  type WorkflowState,
} from './workflow-state';

/** An event to append; the store adds workflow id, sequence and time. */
export interface EventDraft {
  type: WorkflowEventType;
  stepId?: string;
  attempt?: number;
  detail?: string;
  attributes?: Record<string, string>;
}

export type Decision =
  | { kind: 'closed' }
  | { kind: 'append'; event: EventDraft }
  /** Append STEP_STARTED with this worker's lease, then run the activity. */
  | { kind: 'start'; stepId: string; attempt: number; params: Record<string, string> }
  /**
   * Nothing to do now. `localRunning`: activities of this worker are in flight; `foreign`: another
   * task delivery holds a running step (it continues the workflow); `wakeAtMs`: a timer, retry or
   * deadline comes due then.
   */
  | { kind: 'wait'; localRunning: boolean; foreign: boolean; wakeAtMs: number | undefined };

export interface DecideContext {
  nowMs: number;
  /** The task message this worker holds ("task/<seq>"). */
  lease: string;
  /** Steps whose activity this worker is running now. */
  running: ReadonlySet<string>;
}

const T = WorkflowEventType;

export function decide(state: WorkflowState, ctx: DecideContext): Decision {
  if (CLOSED_STATUSES.has(state.status)) return { kind: 'closed' };
  if (state.cancelReason !== undefined) {
    return {
      kind: 'append',
      event: { type: T.WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED, detail: state.cancelReason },
    };
  }
  const timeoutMs = state.plan.timeoutMs;
  if (timeoutMs > 0 && ctx.nowMs >= state.startMs + timeoutMs) {
    return {
      kind: 'append',
      event: {
        type: T.WORKFLOW_EVENT_TYPE_WORKFLOW_TIMED_OUT,
        detail: `workflow exceeded its timeout of ${timeoutMs} ms`,
      },
    };
  }
  const failing = failingStep(state);
  const phase = failing ? 'failure' : 'main';
  let localRunning = false;
  let foreign = false;
  let wakeAtMs = timeoutMs > 0 ? state.startMs + timeoutMs : Infinity;
  let open = 0;

  for (const run of state.steps.values()) {
    if (CLOSED_STEP.has(run.status)) continue;
    if (run.status === StepStatus.STEP_STATUS_RUNNING) {
      open++;
      if (run.lease !== ctx.lease) foreign = true;
      else if (ctx.running.has(run.step.id)) localRunning = true;
      else return { kind: 'append', event: leaseLost(run, ctx.nowMs) };
      continue;
    }
    // Compensations answer their own step's failure, whichever phase the workflow is in.
    if (run.phase !== phase && run.phase !== 'compensation') {
      if (run.phase === 'main') {
        return {
          kind: 'append',
          event: {
            type: T.WORKFLOW_EVENT_TYPE_STEP_SKIPPED,
            stepId: run.step.id,
            detail: `not run: step ${failing?.step.id} failed the workflow`,
          },
        };
      }
      continue;
    }
    open++;
    const next = stepDecision(state, run, ctx.nowMs);
    if (next.kind !== 'wait') return next;
    if (next.wakeAtMs !== undefined) wakeAtMs = Math.min(wakeAtMs, next.wakeAtMs);
  }
  if (open > 0 || localRunning || foreign) {
    return {
      kind: 'wait',
      localRunning,
      foreign,
      wakeAtMs: Number.isFinite(wakeAtMs) ? wakeAtMs : undefined,
    };
  }
  if (!failing)
    return { kind: 'append', event: { type: T.WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED } };
  const failedCleanup = [...state.steps.values()]
    .filter((r) => r.phase === 'failure' && r.status === StepStatus.STEP_STATUS_FAILED)
    .map((r) => `; on_failure step ${r.step.id} also failed: ${r.error}`)
    .join('');
  return {
    kind: 'append',
    event: {
      type: T.WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED,
      stepId: failing.step.id,
      detail: `step ${failing.step.id} failed${failing.attempt > 0 ? ` after ${failing.attempt} attempt(s)` : ''}: ${failing.error}${failedCleanup}`,
    },
  };
}

/** The next move for one open (not running) step of the active phase. */
function stepDecision(state: WorkflowState, run: StepRun, nowMs: number): Decision {
  const step = run.step;
  const wait = (at: number): Decision => ({
    kind: 'wait',
    localRunning: false,
    foreign: false,
    wakeAtMs: at,
  });
  switch (run.status) {
    case StepStatus.STEP_STATUS_PENDING: {
      if (run.phase === 'compensation') {
        const owner = state.steps.get(compensatedStep(state.plan, step.id) ?? '');
        if (owner && !CLOSED_STEP.has(owner.status)) return wait(Infinity);
        if (owner?.status !== StepStatus.STEP_STATUS_FAILED) {
          return skip(run, `not needed: ${owner?.step.id ?? 'its step'} did not fail`);
        }
      }
      for (const need of step.needs) {
        const dep = state.steps.get(need);
        if (!dep || !CLOSED_STEP.has(dep.status)) return wait(Infinity);
        if (dep.status === StepStatus.STEP_STATUS_FAILED && failurePolicy(dep.step) === 'fail') {
          return skip(run, `needs ${need}, which failed`);
        }
      }
      const where = `step ${step.id}`;
      if (step.condition) {
        let holds: boolean;
        try {
          holds = conditionHolds(state, run, `${where}.condition`);
        } catch (err) {
          return failNow(run, errorMessage(err), 'invalid_condition');
        }
        if (!holds) return skip(run, `condition is false: ${step.condition}`);
      }
      if (step.approval) {
        return {
          kind: 'append',
          event: {
            type: T.WORKFLOW_EVENT_TYPE_STEP_SCHEDULED,
            stepId: step.id,
            detail: `awaiting signal '${step.approval.signal}' (or 'reject') for ${step.approval.timeoutMs} ms`,
            attributes: {
              [ATTR.awaits]: step.approval.signal,
              [ATTR.dueAtMs]: String(nowMs + step.approval.timeoutMs),
            },
          },
        };
      }
      return beginWork(state, run, nowMs);
    }
    case StepStatus.STEP_STATUS_SCHEDULED:
      if (run.awaits) {
        if (nowMs < run.dueAtMs) return wait(run.dueAtMs);
        return {
          kind: 'append',
          event: {
            type: T.WORKFLOW_EVENT_TYPE_TIMER_FIRED,
            stepId: step.id,
            detail: `approval timed out: no '${run.awaits}' signal within ${step.approval?.timeoutMs ?? 0} ms`,
          },
        };
      }
      if (step.kind === 'sleep') {
        if (nowMs < run.dueAtMs) return wait(run.dueAtMs);
        return {
          kind: 'append',
          event: {
            type: T.WORKFLOW_EVENT_TYPE_TIMER_FIRED,
            stepId: step.id,
            detail: `slept ${step.sleepMs ?? 0} ms`,
          },
        };
      }
      // Approved: the gate is open.
      return start(state, run, 1);
    case StepStatus.STEP_STATUS_RETRYING:
      if (nowMs < run.retryAtMs) return wait(run.retryAtMs);
      return start(state, run, run.attempt + 1);
    default:
      return wait(Infinity);
  }
}

function beginWork(state: WorkflowState, run: StepRun, nowMs: number): Decision {
  if (run.step.kind === 'sleep') {
    const sleepMs = run.step.sleepMs ?? 0;
    return {
      kind: 'append',
      event: {
        type: T.WORKFLOW_EVENT_TYPE_STEP_SCHEDULED,
        stepId: run.step.id,
        detail: `durable timer of ${sleepMs} ms`,
        attributes: { [ATTR.dueAtMs]: String(nowMs + sleepMs) },
      },
    };
  }
  return start(state, run, 1);
}

function start(state: WorkflowState, run: StepRun, attempt: number): Decision {
  try {
    const params = resolveParams(run.step.params, scopeOf(state, run), `step ${run.step.id}`);
    return { kind: 'start', stepId: run.step.id, attempt, params };
  } catch (err) {
    return failNow(run, errorMessage(err), 'invalid_params');
  }
}

/** CEL for plans of this release; the retired language for plans recorded before it. */
function conditionHolds(state: WorkflowState, run: StepRun, where: string): boolean {
  const source = run.step.condition ?? '';
  if ((state.plan.version ?? 1) >= PLAN_VERSION) {
    return evaluateCondition(source, conditionBindings(state, run), where);
  }
  return evaluateLegacyCondition(source, scopeOf(state, run), where);
}

function skip(run: StepRun, detail: string): Decision {
  return {
    kind: 'append',
    event: { type: T.WORKFLOW_EVENT_TYPE_STEP_SKIPPED, stepId: run.step.id, detail },
  };
}

function failNow(run: StepRun, detail: string, code: string): Decision {
  return {
    kind: 'append',
    event: {
      type: T.WORKFLOW_EVENT_TYPE_STEP_FAILED,
      stepId: run.step.id,
      attempt: Math.max(1, run.attempt),
      detail,
      attributes: { [ATTR.errorCode]: code },
    },
  };
}

/** The lease of a running step's holder ran out (it died or stopped heartbeating). */
function leaseLost(run: StepRun, nowMs: number): EventDraft {
  return attemptEnded(
    run,
    T.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT,
    `attempt ${run.attempt} lost its lease: the worker holding it stopped before finishing`,
    'lease_lost',
    true,
    nowMs,
  );
}

/** STEP_FAILED or STEP_TIMED_OUT for the running attempt, with the retry time if one is left. */
export function attemptEnded(
  run: StepRun,
  type: WorkflowEventType,
  detail: string,
  code: string,
  retryable: boolean,
  nowMs: number,
): EventDraft {
  const attributes: Record<string, string> = { [ATTR.errorCode]: code };
  const delay = retryDelayMs(run.step.retry, run.attempt, retryable, code);
  if (delay !== undefined) attributes[ATTR.retryAtMs] = String(nowMs + delay);
  return { type, stepId: run.step.id, attempt: run.attempt, detail, attributes };
}
