// Playbook YAML: the shipped playbooks compile; malformed ones are rejected with the path, line
// and problem, and nothing is compiled from them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_NAMES } from '../actions/action-registry';
import { SHIPPED_PLAYBOOKS_DIR } from '../orchestrator-config';
import { parsePlaybook } from './playbook-parser';

const parse = (source: string) => parsePlaybook(source, 'spec.yml', ACTION_NAMES);
const problems = (source: string) =>
  parse(source).diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`);

const minimal = `id: p
steps:
  - id: a
    action: annotate
    params: { text: hi }
`;

describe('the shipped playbooks', () => {
  const files = readdirSync(SHIPPED_PLAYBOOKS_DIR).filter((f) => f.endsWith('.yml'));

  it('are the three the issue asks for', () => {
    expect(files.sort()).toEqual(['contain-scan.yml', 'honeytoken-used.yml', 'reverse-shell.yml']);
  });

  it.each(files)('%s compiles without diagnostics', (file) => {
    const result = parsePlaybook(
      readFileSync(join(SHIPPED_PLAYBOOKS_DIR, file), 'utf8'),
      file,
      ACTION_NAMES,
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.playbook?.id).toBe(file.replace('.yml', ''));
  });
});

describe('the example playbook of docs/orchestrator.md', () => {
  it('compiles without diagnostics', () => {
    const doc = readFileSync(
      join(__dirname, '..', '..', '..', '..', 'docs', 'orchestrator.md'),
      'utf8',
    );
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    expect(example).toContain('compensations:');
    expect(parsePlaybook(example, 'docs/orchestrator.md', ACTION_NAMES).diagnostics).toEqual([]);
  });
});

describe('a playbook', () => {
  it('compiles defaults into the plan', () => {
    const { playbook } = parse(minimal);
    expect(playbook?.plan.steps[0]).toMatchObject({
      id: 'a',
      kind: 'action',
      action: 'annotate',
      params: { text: 'hi' },
      timeoutMs: 30_000,
      retry: { maxAttempts: 3 },
      continueOnFailure: false,
    });
    expect(playbook?.manual).toBe(true);
  });

  it('with a misspelt action is rejected naming the step path, line and a suggestion', () => {
    expect(problems(minimal.replace('annotate', 'blok_ip'))).toEqual([
      `4:13 steps[0].action: unknown action 'blok_ip' (did you mean block_ip?); known: ${ACTION_NAMES.join(', ')}`,
    ]);
  });

  it('with an unknown field, a wrong type and a missing id is rejected with each problem', () => {
    const source = `id: p
trigger:
  alert: { min_severity: severe }
steps:
  - action: annotate
    retries: 3
    timeout_ms: soon
`;
    expect(problems(source)).toEqual([
      '3:26 trigger.alert.min_severity: must be one of informational, low, medium, high, critical, fatal',
      "5:5 steps[0].id: missing required field 'id'",
      "6:14 steps[0].retries: unknown field 'retries'",
      '7:17 steps[0].timeout_ms: must be integer',
    ]);
    expect(parse(source).playbook).toBeUndefined();
  });

  it('with a step that names neither action nor sleep is rejected', () => {
    expect(problems('id: p\nsteps:\n  - id: a\n')).toEqual([
      "3:5 steps[0]: a step needs exactly one of 'action' or 'sleep_ms'",
    ]);
  });

  it('with a dependency cycle, an unknown need or a bad reference is rejected', () => {
    const source = `id: p
steps:
  - id: a
    action: annotate
    needs: [b]
    params: { text: '\${steps.nope.out}' }
  - id: b
    action: annotate
    needs: [a, c]
    when: alert.severity ==
    params: { text: '\${secret.x}' }
`;
    expect(problems(source)).toEqual([
      "6:21 steps[0].params.text: ${steps.nope.out} refers to step 'nope', which does not exist",
      "9:16 steps[1].needs[1]: needs 'c', which is not a step of steps",
      '11:21 steps[1].params.text: ${secret.x} is not a reference this playbook can read (alert.*, inputs.*, workflow.*, steps.<id>.*)',
      "10:11 steps[1].when: step 'b' condition: CEL syntax error at 1:16: found = but expecting end of input",
    ]);
    const cycle = `id: p
steps:
  - { id: a, action: annotate, needs: [b], params: { text: x } }
  - { id: b, action: annotate, needs: [a], params: { text: x } }
`;
    expect(problems(cycle)).toEqual([
      '3:3 steps: playbook p: steps steps depend on each other in a cycle: a -> b -> a',
    ]);
  });

  it('with a condition that is not well-typed CEL is refused naming the step and the position', () => {
    const withWhen = (when: string, phase = 'steps') =>
      problems(
        `id: p\n${phase === 'steps' ? '' : 'steps: [{ id: a, action: annotate, params: { text: x } }]\n'}${phase}:\n  - id: s-1\n    action: annotate\n    params: { text: x }\n    when: '${when}'\n`,
      );
    expect(withWhen('alert.severity > 3')).toEqual([
      "6:11 steps[0].when: step 's-1' condition: at 1:16: found no matching overload for '_>_' applied to '(string, int)'",
    ]);
    expect(withWhen('alert.pod')).toEqual([
      "6:11 steps[0].when: step 's-1' condition: a condition must be a bool, this one is a string",
    ]);
    expect(withWhen('steps.nope.status == "completed"')).toEqual([
      `6:11 steps[0].when: step 's-1' condition: at 1:6: steps["nope"] names no step of this playbook`,
    ]);
    expect(withWhen('steps.s-1.status == "completed"')).toEqual([
      `6:11 steps[0].when: step 's-1' condition: at 1:10: type 'int' has no field 'status' (a step id with '-' is written steps["s-1"])`,
    ]);
    expect(withWhen('failure.step == "a"')).toEqual([
      "6:11 steps[0].when: step 's-1' condition: at 1:1: undeclared reference to 'failure' (known: alert, inputs, workflow, steps)",
    ]);
    expect(withWhen('failure.step == "a"', 'on_failure')).toEqual([]);
    expect(
      withWhen('alert.severity in ["high", "critical"] && steps["s-1"].status != "failed"'),
    ).toEqual([]);
  });

  it('compiles failure policies, with continue_on_failure as the alias of continue', () => {
    const { playbook, diagnostics } = parse(`id: p
steps:
  - { id: a, action: annotate, params: { text: x } }
  - { id: b, action: annotate, params: { text: x }, continue_on_failure: true }
  - { id: c, action: notify, params: { text: x }, on_failure: compensate, compensate: [c-note] }
compensations:
  - { id: c-note, action: annotate, params: { text: '\${failure.error}' } }
`);
    expect(diagnostics).toEqual([]);
    expect(playbook?.plan.version).toBe(2);
    expect(playbook?.plan.steps.map((s) => [s.id, s.onFailure, s.continueOnFailure])).toEqual([
      ['a', 'fail', false],
      ['b', 'continue', true],
      ['c', 'compensate', true],
    ]);
    expect(playbook?.plan.steps[2]?.compensate).toEqual(['c-note']);
    expect(playbook?.plan.compensations?.map((s) => s.id)).toEqual(['c-note']);
  });

  it('with an unknown policy, an unknown compensation or contradicting policies is refused', () => {
    const source = `id: p
steps:
  - { id: a, action: annotate, params: { text: x }, on_failure: ignore }
  - { id: b, action: annotate, params: { text: x }, on_failure: compensate }
  - { id: c, action: annotate, params: { text: x }, compensate: [a, nope] }
  - { id: d, action: annotate, params: { text: x }, on_failure: fail, continue_on_failure: true }
compensations:
  - { id: spare, action: annotate, params: { text: x } }
`;
    expect(problems(source.replace('on_failure: ignore', 'on_failure: fail'))).toEqual([
      "4:65 steps[1].on_failure: on_failure: compensate needs 'compensate: [<step id>, ...]' naming steps of compensations",
      "5:66 steps[2].compensate[0]: compensate names 'a', a step of steps or on_failure; compensation steps are listed under compensations",
      "5:69 steps[2].compensate[1]: compensate names 'nope', which is not a step of compensations",
      '6:92 steps[3].continue_on_failure: continue_on_failure: true contradicts on_failure: fail (continue_on_failure is the old spelling of on_failure: continue; keep one)',
      "8:11 compensations[0].id: compensation step 'spare' is named by no step's compensate",
    ]);
    expect(problems(source)).toEqual([
      '3:65 steps[0].on_failure: must be one of fail, continue, compensate',
    ]);
  });

  it('that is not YAML is rejected with the line', () => {
    expect(problems('id: p\nsteps: [\n')[0]).toMatch(/^\d+:\d+ : YAML: /);
  });
});
