// CEL step conditions: what a playbook can write, what is refused at load (with the position and
// CEL's reason), the bounds, and evaluation against a workflow's values.
import { checkCondition, evaluateCondition } from './condition';

const context = { stepIds: new Set(['what-if', 'block']), failure: false };
const bindings = {
  alert: { pod: 'shop/web', severity: 'high', 'labels.team': 'payments' },
  inputs: { 'alert.pod': 'shop/web' },
  workflow: { id: 'w-1', playbook: 'contain-scan', dry_run: 'false' },
  steps: {
    'what-if': { status: 'failed', error: 'UNIMPLEMENTED', attempt: '1' },
    block: { status: 'completed', error: '', attempt: '2', cidr: '10.0.3.7/32' },
  },
  failure: { step: '', error: '' },
};
const refusal = (source: string, ctx = context) => {
  try {
    checkCondition(source, 'when', ctx);
    return 'accepted';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('a CEL step condition', () => {
  it.each([
    ['has(alert.pod) && alert.severity in ["high", "critical"]', true],
    ['alert["labels.team"] == "payments" && !has(alert.src_ip)', true],
    ['steps["what-if"].status != "completed" || steps["what-if"].broken_flows == "0"', true],
    ['steps.block.cidr.startsWith("10.") && int(steps.block.attempt) > 1', true],
    ['workflow.dry_run == "true"', false],
    ['size(steps) == 2 && steps.exists(id, steps[id].status == "failed")', true],
    ['alert.pod.matches("^shop/") ? alert.severity == "low" : true', false],
  ])('%s is accepted and evaluates to %s', (source, expected) => {
    expect(refusal(source)).toBe('accepted');
    expect(evaluateCondition(source, bindings, 'when')).toBe(expected);
  });

  it.each([
    ['alert.pod ==', 'when: CEL syntax error at 1:11: found = but expecting end of input'],
    [
      'alert.severity > 3',
      "when: at 1:16: found no matching overload for '_>_' applied to '(string, int)'",
    ],
    ['alert.pod', 'when: a condition must be a bool, this one is a string'],
    [
      'pod == "x"',
      "when: at 1:1: undeclared reference to 'pod' (known: alert, inputs, workflow, steps)",
    ],
    ['lower(alert.pod) == "x"', "when: at 1:1: undeclared reference to 'lower'"],
    ['steps.nope.status == "x"', 'when: at 1:6: steps["nope"] names no step of this playbook'],
    ['steps["nope"].status == "x"', 'when: at 1:6: steps["nope"] names no step of this playbook'],
    [
      'failure.error != ""',
      "when: at 1:1: undeclared reference to 'failure' (known: alert, inputs, workflow, steps)",
    ],
  ])('%s is refused: %s', (source, message) => {
    expect(refusal(source)).toBe(message);
  });

  it('reads failure only in on_failure and compensation steps', () => {
    expect(refusal('failure.step == "block"', { ...context, failure: true })).toBe('accepted');
  });

  it('points a playbook written in the retired `${...}` language at the CEL form', () => {
    expect(refusal('${alert.pod} != ""')).toMatch(
      /^when: CEL syntax error at 1:1: found \$ .* \(conditions are CEL: write alert\.pod, not \$\{alert\.pod\}; see docs\/orchestrator\.md\)$/,
    );
    expect(refusal('steps.what-if.status == "completed"')).toBe(
      'when: CEL syntax error at 1:12: reserved identifier (a step id with \'-\' is written steps["what-if"])',
    );
  });

  it('is bounded: length, size, nesting and comprehensions', () => {
    expect(refusal(`alert.pod == "${'x'.repeat(1024)}"`)).toBe(
      'when: expression is 1039 characters, over the limit of 1024',
    );
    expect(refusal(`size([${'1,'.repeat(300)}1]) > 0`)).toMatch(
      /^when: at 1:\d+: expression has over 256 nodes$/,
    );
    expect(refusal(`size(${'['.repeat(40)}1${']'.repeat(40)}) > 0`)).toMatch(
      /^when: at 1:\d+: expression nests deeper than 32$/,
    );
    expect(refusal('steps.all(a, steps.exists(b, a == b))')).toBe(
      'when: at 1:19: a comprehension inside another is not allowed',
    );
    expect(
      refusal(Array.from({ length: 5 }, () => 'alert.exists(k, k == "pod")').join(' && ')),
    ).toBe('when: at 1:130: expression has over 4 comprehensions');
  });

  it('fails, not guesses, when it reads a key that is not there', () => {
    expect(() =>
      evaluateCondition('alert.src_ip == ""', bindings, 'step isolate.condition'),
    ).toThrow(
      'step isolate.condition: field not found: src_ip (guard a key that may be missing with has(), e.g. has(alert.pod))',
    );
  });
});
