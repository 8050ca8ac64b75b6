// Public entry of @omega/workflow: durable workflows on JetStream (Temporal's model on nothing but
// NATS). A workflow's history is an append-only list of WorkflowEvents on omega.wf.<id>, appended
// with expected-last-subject-sequence; WorkflowTasks on the TASKS work queue hand workflows to
// workers; activities run with retries, timeouts, heartbeats and an idempotency key.
export { ActivityError, type Activity, type ActivityContext } from './activity';
export { CEL_LIMITS, compileExpression, type CelLimits, type CelProgram } from './cel-expression';
export {
  checkCondition,
  conditionVariables,
  evaluateCondition,
  type ConditionContext,
} from './condition';
export { decide, type Decision, type DecideContext, type EventDraft } from './decide';
export { HistoryStore, WORKFLOWS_STREAM, type History } from './history-store';
export { JetStreamOps, OP_KINDS, type OpKind } from './jetstream-ops';
export {
  DEFAULT_RETRY,
  FAILURE_POLICIES,
  PLAN_VERSION,
  checkPlan,
  failurePolicy,
  type ApprovalGate,
  type FailurePolicy,
  type PlanStep,
  type RetryPolicy,
  type WorkflowPlan,
} from './plan';
export { retryDelayMs } from './retry-policy';
export { requireWorkflowServer } from './server-requirements';
export { DEFAULT_WORKER_DURABLE, TASKS_STREAM, publishTask } from './task-queue';
export { referencesOf, resolveParams, resolveTemplate, type Scope } from './template';
export { WorkflowClient, type StartWorkflowOptions, type StartedWorkflow } from './workflow-client';
export {
  ATTR,
  CLOSED_STATUSES,
  awaitedSignals,
  applyEvent,
  displayStatus,
  foldHistory,
  stepStatusName,
  type StepRun,
  type WorkflowState,
} from './workflow-state';
export { conditionBindings, scopeOf } from './workflow-scope';
export { WorkflowWorker, type StepOutcome, type WorkflowWorkerOptions } from './workflow-worker';
export { WorkflowEngine, type WorkflowEngineOptions } from './workflow-engine';
