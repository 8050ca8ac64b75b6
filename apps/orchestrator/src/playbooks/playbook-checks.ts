// What a playbook's JSON schema cannot say, checked before a plan is compiled: actions exist,
// needs resolve, `${...}` parameter references name something, `when:` conditions are CEL that
// parses and type-checks, and each step's failure policy names real compensation steps. Every
// problem is reported at its field path.
import { errorMessage } from '@omega/runtime';
import { checkCondition, referencesOf, type FailurePolicy } from '@omega/workflow';

export interface RawStep {
  id: string;
  action?: string;
  sleep_ms?: number;
  params?: Record<string, string | number | boolean>;
  needs?: string[];
  when?: string;
  retry?: {
    max_attempts?: number;
    initial_backoff_ms?: number;
    backoff_coefficient?: number;
    max_backoff_ms?: number;
    non_retryable?: string[];
  };
  timeout_ms?: number;
  heartbeat_timeout_ms?: number;
  approval?: { signal?: string; timeout_ms: number };
  continue_on_failure?: boolean;
  on_failure?: FailurePolicy;
  compensate?: string[];
}

export interface RawPlaybook {
  id: string;
  name?: string;
  description?: string;
  enabled?: boolean;
  timeout_ms?: number;
  trigger?: {
    manual?: boolean;
    alert?: {
      min_severity?: string;
      rule_ids?: string[];
      attack_technique_ids?: string[];
      detector_kinds?: string[];
      labels?: Record<string, string>;
    };
  };
  steps: RawStep[];
  on_failure?: RawStep[];
  compensations?: RawStep[];
}

const REFERENCE_ROOTS = ['alert.', 'inputs.', 'workflow.'];

export type Report = (path: (string | number)[], message: string, code: string) => void;

export function checkSteps(
  playbook: RawPlaybook,
  actions: readonly string[],
  report: Report,
): void {
  const phases: [Phase, RawStep[]][] = [
    ['steps', playbook.steps],
    ['on_failure', playbook.on_failure ?? []],
    ['compensations', playbook.compensations ?? []],
  ];
  const allIds = new Set<string>();
  for (const [phase, steps] of phases) {
    steps.forEach((step, index) => {
      if (allIds.has(step.id))
        report([phase, index, 'id'], `step id '${step.id}' is used twice`, 'duplicate-step');
      allIds.add(step.id);
    });
  }
  for (const [phase, steps] of phases) {
    const local = new Set(steps.map((s) => s.id));
    steps.forEach((step, index) => {
      if (step.action !== undefined && !actions.includes(step.action)) {
        const near = closest(step.action, actions);
        report(
          [phase, index, 'action'],
          `unknown action '${step.action}'${near ? ` (did you mean ${near}?)` : ''}; known: ${actions.join(', ')}`,
          'unknown-action',
        );
      }
      (step.needs ?? []).forEach((need, n) => {
        if (!local.has(need)) {
          report(
            [phase, index, 'needs', n],
            `needs '${need}', which is not a step of ${phase}`,
            'unknown-need',
          );
        }
      });
      const checkRef = (ref: string, path: (string | number)[]): void => {
        if (ref.startsWith('steps.')) {
          const id = ref.slice('steps.'.length).split('.')[0] ?? '';
          if (!allIds.has(id))
            report(
              path,
              `\${${ref}} refers to step '${id}', which does not exist`,
              'unknown-reference',
            );
          return;
        }
        if (ref.startsWith('failure.') && phase !== 'steps') return;
        if (!REFERENCE_ROOTS.some((root) => ref.startsWith(root))) {
          report(
            path,
            `\${${ref}} is not a reference this playbook can read (alert.*, inputs.*, workflow.*, steps.<id>.*${phase !== 'steps' ? ', failure.*' : ''})`,
            'unknown-reference',
          );
        }
      };
      for (const [key, value] of Object.entries(step.params ?? {})) {
        for (const ref of referencesOf(String(value))) checkRef(ref, [phase, index, 'params', key]);
      }
      if (step.when !== undefined) {
        try {
          checkCondition(step.when, `step '${step.id}' condition`, {
            stepIds: allIds,
            failure: phase !== 'steps',
          });
        } catch (err) {
          report([phase, index, 'when'], errorMessage(err), 'invalid-condition');
        }
      }
      checkPolicy(phase, step, [phase, index], playbook, report);
    });
  }
  (playbook.compensations ?? []).forEach((compensation, index) => {
    const owners = playbook.steps.filter((s) => s.compensate?.includes(compensation.id));
    if (owners.length !== 1) {
      report(
        ['compensations', index, 'id'],
        owners.length === 0
          ? `compensation step '${compensation.id}' is named by no step's compensate`
          : `compensation step '${compensation.id}' is named by ${owners.map((o) => `'${o.id}'`).join(' and ')}; one step owns a compensation`,
        'unused-compensation',
      );
    }
  });
}

type Phase = 'steps' | 'on_failure' | 'compensations';

/** on_failure, continue_on_failure (its alias) and compensate agree, and name real steps. */
function checkPolicy(
  phase: Phase,
  step: RawStep,
  at: (string | number)[],
  playbook: RawPlaybook,
  report: Report,
): void {
  const policy: FailurePolicy | undefined = step.on_failure;
  if (step.continue_on_failure !== undefined && policy !== undefined) {
    const alias: FailurePolicy = step.continue_on_failure ? 'continue' : 'fail';
    if (alias !== policy) {
      report(
        [...at, 'continue_on_failure'],
        `continue_on_failure: ${step.continue_on_failure} contradicts on_failure: ${policy} (continue_on_failure is the old spelling of on_failure: continue; keep one)`,
        'failure-policy',
      );
    }
  }
  if (step.compensate === undefined) {
    if (policy === 'compensate') {
      report(
        [...at, 'on_failure'],
        "on_failure: compensate needs 'compensate: [<step id>, ...]' naming steps of compensations",
        'failure-policy',
      );
    }
    return;
  }
  if (phase !== 'steps') {
    report([...at, 'compensate'], `only steps of steps can name compensations`, 'failure-policy');
    return;
  }
  if (policy !== undefined && policy !== 'compensate') {
    report(
      [...at, 'compensate'],
      `compensate names steps but on_failure is '${policy}' (use on_failure: compensate)`,
      'failure-policy',
    );
  }
  const compensations = new Set((playbook.compensations ?? []).map((s) => s.id));
  step.compensate.forEach((id, n) => {
    if (compensations.has(id)) return;
    const elsewhere = [...playbook.steps, ...(playbook.on_failure ?? [])].some((s) => s.id === id);
    report(
      [...at, 'compensate', n],
      elsewhere
        ? `compensate names '${id}', a step of steps or on_failure; compensation steps are listed under compensations`
        : `compensate names '${id}', which is not a step of compensations`,
      'unknown-compensation',
    );
  });
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] as number;
}
