// A workflow's folded state as the API's Workflow message.
import { StepStatus, type StepState, type Workflow } from '@omega/proto';
import { awaitedSignals, displayStatus, type WorkflowState } from '@omega/workflow';

const msToNs = (ms: number): bigint => BigInt(ms) * 1_000_000n;

export function workflowMessage(state: WorkflowState): Workflow {
  const steps: StepState[] = [...state.steps.values()].map((run) => ({
    stepId: run.step.id,
    action: run.step.action ?? run.step.kind,
    status: run.status,
    attempt: run.attempt,
    startTimeNs: msToNs(run.startMs),
    endTimeNs: msToNs(run.endMs),
    error: run.status === StepStatus.STEP_STATUS_COMPLETED ? '' : run.error,
    outputs: run.outputs,
    ...(run.outputs['audit_log_index']
      ? {
          audit: {
            logIndex: BigInt(run.outputs['audit_log_index']),
            leafHash: Buffer.alloc(0),
            checkpointSize: 0n,
          },
        }
      : {}),
  }));
  return {
    workflowId: state.workflowId,
    playbookId: state.playbookId,
    playbookVersion: state.playbookVersion,
    status: displayStatus(state),
    ...(state.trigger ? { trigger: state.trigger } : {}),
    inputs: state.inputs,
    startTimeNs: msToNs(state.startMs),
    closeTimeNs: msToNs(state.closeMs),
    steps,
    failureMessage: state.failureMessage || (state.cancelReason ?? ''),
    awaitedSignals: awaitedSignals(state),
    historyLength: BigInt(state.length),
    dryRun: state.dryRun,
  };
}
