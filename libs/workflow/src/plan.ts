// The plan a workflow runs: steps with dependencies, conditions, approvals, durable sleeps, retry
// and failure policies, compensations, plus the failure path. It is recorded in the
// WORKFLOW_STARTED event, so every worker runs exactly the plan the workflow started with,
// whatever was loaded since (a plan recorded by an older release replays as it began).
import { Code, OmegaError } from '@omega/errors';

/** How an activity is retried. Delays double (by `backoffCoefficient`) from `initialBackoffMs`. */
export interface RetryPolicy {
  /** Attempts before the step fails (1 = no retry). */
  maxAttempts: number;
  initialBackoffMs: number;
  backoffCoefficient: number;
  maxBackoffMs: number;
  /** Error codes (ActivityError.code) that fail the step at once. */
  nonRetryableCodes: string[];
}

/** Human (or API) approval before a step runs: the named signals, with a deadline. */
export interface ApprovalGate {
  /** Approving signal name (default "approve"); "reject" always refuses. */
  signal: string;
  /** No signal by then fails the step as rejected ("approval timed out"). */
  timeoutMs: number;
}

export interface PlanStep {
  id: string;
  /**
   * `action`: run the named activity; `sleep`: a durable timer of `sleepMs`.
   */
  kind: 'action' | 'sleep';
  /** Activity name for kind `action`. */
  action?: string;
  /** Parameter templates, resolved when the step starts (`${alert.src_ip}`, `${steps.x.rule}`). */
  params: Record<string, string>;
  /** Steps that must be closed (completed, skipped, or failed with continueOnFailure) first. */
  needs: string[];
  /**
   * Expression; false skips the step. CEL (condition.ts) in plans of version 2; the retired
   * `${ref}` language (legacy-condition.ts) in plans recorded without a version.
   */
  condition?: string;
  retry: RetryPolicy;
  /** Start-to-close timeout of one attempt. */
  timeoutMs: number;
  /** Fail the attempt when the activity does not heartbeat within this (0 = not required). */
  heartbeatTimeoutMs: number;
  approval?: ApprovalGate;
  sleepMs?: number;
  /**
   * A failure of this step does not fail the workflow; dependants still run. Plans of version 2
   * set it for `continue` and `compensate` too, so a worker of an older release reading one
   * during an upgrade at least never fails the workflow where the new one would not.
   */
  continueOnFailure: boolean;
  /** What a failure of this step does (version 2; older plans: from continueOnFailure). */
  onFailure?: FailurePolicy;
  /** With `compensate`: the compensation steps (plan.compensations) run when this step fails. */
  compensate?: string[];
}

/**
 * `fail`: the workflow fails and its on_failure steps run; `continue`: the step is recorded as
 * failed and the workflow goes on; `compensate`: as `continue`, and this step's compensation
 * steps run (only they: nothing else is undone).
 */
export type FailurePolicy = 'fail' | 'continue' | 'compensate';
export const FAILURE_POLICIES: readonly FailurePolicy[] = ['fail', 'continue', 'compensate'];

/** The version of plans this release records: 2 = CEL conditions, failure policies. */
export const PLAN_VERSION = 2;

/** A step's failure policy, for plans of any version. */
export function failurePolicy(step: PlanStep): FailurePolicy {
  return step.onFailure ?? (step.continueOnFailure ? 'continue' : 'fail');
}

export interface WorkflowPlan {
  /** PLAN_VERSION when recorded by this release; absent in plans of older releases (version 1). */
  version?: number;
  steps: PlanStep[];
  /** Run when a step fails the workflow (compensate, escalate); the workflow then ends FAILED. */
  onFailure: PlanStep[];
  /** Steps run only when the step naming them in `compensate` fails (absent before version 2). */
  compensations?: PlanStep[];
  /** Whole-workflow timeout; 0 = none. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 1000,
  backoffCoefficient: 2,
  maxBackoffMs: 60_000,
  nonRetryableCodes: [],
};

/** Checks what the engine relies on (ids unique, needs known and acyclic); throws InvalidArgument. */
export function checkPlan(plan: WorkflowPlan, where: string): void {
  const compensations = plan.compensations ?? [];
  const all = [...plan.steps, ...plan.onFailure, ...compensations];
  const ids = new Set<string>();
  for (const step of all) {
    if (!step.id) throw new OmegaError(Code.InvalidArgument, `${where}: a step has no id`);
    if (ids.has(step.id)) {
      throw new OmegaError(Code.InvalidArgument, `${where}: step id '${step.id}' is used twice`);
    }
    ids.add(step.id);
    if (step.kind === 'action' && !step.action) {
      throw new OmegaError(Code.InvalidArgument, `${where}: step '${step.id}' names no action`);
    }
    if (step.retry.maxAttempts < 1) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${where}: step '${step.id}': retry.maxAttempts must be at least 1`,
      );
    }
  }
  checkCompensations(plan, where);
  for (const [phase, steps] of [
    ['steps', plan.steps],
    ['on_failure', plan.onFailure],
    ['compensations', compensations],
  ] as const) {
    const local = new Map(steps.map((s) => [s.id, s]));
    for (const step of steps) {
      for (const need of step.needs) {
        if (!local.has(need)) {
          throw new OmegaError(
            Code.InvalidArgument,
            `${where}: ${phase} step '${step.id}' needs '${need}', which is not a step of ${phase}`,
          );
        }
      }
    }
    const cycle = findCycle(steps);
    if (cycle) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${where}: ${phase} steps depend on each other in a cycle: ${cycle.join(' -> ')}`,
      );
    }
  }
}

function checkCompensations(plan: WorkflowPlan, where: string): void {
  const fail = (message: string): never => {
    throw new OmegaError(Code.InvalidArgument, `${where}: ${message}`);
  };
  const owners = new Map<string, string>();
  const compensations = new Set((plan.compensations ?? []).map((s) => s.id));
  for (const [phase, steps] of [
    ['steps', plan.steps],
    ['on_failure', plan.onFailure],
    ['compensations', plan.compensations ?? []],
  ] as const) {
    for (const step of steps) {
      const policy = failurePolicy(step);
      const named = step.compensate ?? [];
      if (!FAILURE_POLICIES.includes(policy)) {
        fail(`step '${step.id}': unknown failure policy '${String(policy)}'`);
      }
      if (phase !== 'steps' && named.length > 0) {
        fail(`${phase} step '${step.id}' names compensations; only steps of steps can`);
      }
      if (policy === 'compensate' && named.length === 0) {
        fail(`step '${step.id}': on_failure is 'compensate' but it names no compensation step`);
      }
      if (policy !== 'compensate' && named.length > 0) {
        fail(`step '${step.id}' names compensations but its on_failure is '${policy}'`);
      }
      for (const id of named) {
        if (!compensations.has(id)) {
          fail(`step '${step.id}' compensates with '${id}', which is not a step of compensations`);
        }
        const owner = owners.get(id);
        if (owner) fail(`compensation step '${id}' is named by both '${owner}' and '${step.id}'`);
        owners.set(id, step.id);
      }
    }
  }
  for (const id of compensations) {
    if (!owners.has(id)) fail(`compensation step '${id}' is named by no step's compensate`);
  }
}

/** The step whose failure a compensation step answers. */
export function compensatedStep(plan: WorkflowPlan, compensationId: string): string | undefined {
  return plan.steps.find((s) => s.compensate?.includes(compensationId))?.id;
}

function findCycle(steps: PlanStep[]): string[] | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const need of byId.get(id)?.needs ?? []) {
      const found = visit(need);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of steps) {
    const found = visit(step.id);
    if (found) return found;
  }
  return undefined;
}
