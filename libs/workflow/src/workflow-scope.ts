// What a step's parameters and condition can read of its workflow: the inputs (the alert), the
// workflow's own fields, earlier steps (status, error, attempt, outputs) and, in on_failure and
// compensation steps, the failure they answer. One view, two shapes: dotted names for `${...}`
// templates, and maps for CEL conditions.
import type { Scope } from './template';
import { compensatedStep } from './plan';
import { failingStep, type StepRun, type WorkflowState } from './workflow-state';
import { stepStatusName } from './workflow-state';

/** The failure a step answers: its owner's for a compensation, the workflow's otherwise. */
function failureOf(state: WorkflowState, run: StepRun | undefined): StepRun | undefined {
  if (run?.phase === 'compensation') {
    const owner = compensatedStep(state.plan, run.step.id);
    return owner === undefined ? undefined : state.steps.get(owner);
  }
  return failingStep(state);
}

/** Looks references up for templates (and conditions of version-1 plans). */
export function scopeOf(state: WorkflowState, run?: StepRun): Scope {
  return (name) => {
    if (name === 'workflow.id') return state.workflowId;
    if (name === 'workflow.playbook') return state.playbookId;
    if (name === 'workflow.dry_run') return String(state.dryRun);
    if (name === 'failure.step') return failureOf(state, run)?.step.id ?? '';
    if (name === 'failure.error') return failureOf(state, run)?.error ?? '';
    if (name.startsWith('steps.')) {
      const rest = name.slice('steps.'.length);
      const dot = rest.indexOf('.');
      if (dot < 0) return undefined;
      const step = state.steps.get(rest.slice(0, dot));
      if (!step) return undefined;
      const field = rest.slice(dot + 1);
      if (field === 'status') return stepStatusName(step.status);
      if (field === 'error') return step.error;
      if (field === 'attempt') return String(step.attempt);
      return step.outputs[field];
    }
    if (name.startsWith('inputs.')) return state.inputs[name.slice('inputs.'.length)];
    return state.inputs[name];
  };
}

/** The variables of a CEL condition (condition.ts declares their types). */
export function conditionBindings(
  state: WorkflowState,
  run?: StepRun,
): Record<string, Record<string, string> | Record<string, Record<string, string>>> {
  const alert: Record<string, string> = {};
  for (const [key, value] of Object.entries(state.inputs)) {
    if (key.startsWith('alert.')) alert[key.slice('alert.'.length)] = value;
  }
  const steps: Record<string, Record<string, string>> = {};
  for (const [id, step] of state.steps) {
    steps[id] = {
      ...step.outputs,
      status: stepStatusName(step.status),
      error: step.error,
      attempt: String(step.attempt),
    };
  }
  const failure = failureOf(state, run);
  return {
    alert,
    inputs: { ...state.inputs },
    workflow: {
      id: state.workflowId,
      playbook: state.playbookId,
      dry_run: String(state.dryRun),
    },
    steps,
    failure: { step: failure?.step.id ?? '', error: failure?.error ?? '' },
  };
}
