// The plan a workflow runs: steps with dependencies, conditions, approvals, durable sleeps and
// retry policies, plus the failure path. It is recorded in the WORKFLOW_STARTED event, so every
// worker runs exactly the plan the workflow started with, whatever was loaded since.
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
  /** Expression; false skips the step (see condition.ts). */
  condition?: string;
  retry: RetryPolicy;
  /** Start-to-close timeout of one attempt. */
  timeoutMs: number;
  /** Fail the attempt when the activity does not heartbeat within this (0 = not required). */
  heartbeatTimeoutMs: number;
  approval?: ApprovalGate;
  sleepMs?: number;
  /** A failure of this step does not fail the workflow; dependants still run. */
  continueOnFailure: boolean;
}

export interface WorkflowPlan {
  steps: PlanStep[];
  /** Run when a step fails the workflow (compensate, escalate); the workflow then ends FAILED. */
  onFailure: PlanStep[];
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
  const all = [...plan.steps, ...plan.onFailure];
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
  for (const [phase, steps] of [
    ['steps', plan.steps],
    ['on_failure', plan.onFailure],
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
