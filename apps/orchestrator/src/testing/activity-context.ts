// Test-only: an ActivityContext for calling an action directly, as the action specs do.
import type { ActivityContext } from '@omega/workflow';

export function context(
  params: Record<string, string>,
  overrides: Partial<ActivityContext> = {},
): ActivityContext {
  return {
    workflowId: 'wf-1',
    stepId: 'step-1',
    attempt: 1,
    idempotencyKey: 'wf-1/step-1',
    params,
    inputs: { 'alert.id': 'alert-1' },
    dryRun: false,
    signal: new AbortController().signal,
    heartbeat: () => undefined,
    ...overrides,
  };
}
