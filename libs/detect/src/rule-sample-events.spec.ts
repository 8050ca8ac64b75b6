// A rule's `samples:` block is read with positions, checked through the compiled rule, and every
// missing, malformed or wrong sample is named.
import {
  checkRuleSampleEvents,
  compileSigmaRule,
  loadRulePack,
  parseSigmaRule,
  RuleSetMatcher,
  SigmaRuleError,
} from './index';

const ID = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

function ruleText(samples: string[]): string {
  return [
    'title: Shadow read',
    `id: ${ID}`,
    'level: high',
    'tags: [attack.credential-access, attack.t1003.008]',
    'logsource: { category: process_creation, product: linux }',
    'detection:',
    "  selection: { CommandLine|contains: '/etc/shadow' }",
    '  condition: selection',
    ...samples,
  ].join('\n');
}

const GOOD = [
  'samples:',
  '  match:',
  '    - { Image: /bin/cat, CommandLine: cat /etc/shadow }',
  '  nomatch:',
  '    - { Image: /bin/cat, CommandLine: cat /etc/passwd, ProcessId: 42 }',
];

describe('rule sample events', () => {
  it('reads the match and nomatch events as Sigma fields, numbers kept as numbers', () => {
    const rule = parseSigmaRule(ruleText(GOOD));
    expect(rule.samples).toEqual({
      match: [{ Image: '/bin/cat', CommandLine: 'cat /etc/shadow' }],
      nomatch: [{ Image: '/bin/cat', CommandLine: 'cat /etc/passwd', ProcessId: 42 }],
    });
  });

  it('finds nothing wrong when the positive matches and the negative does not', () => {
    const compiled = compileSigmaRule(parseSigmaRule(ruleText(GOOD)));
    expect(checkRuleSampleEvents(compiled)).toEqual([]);
    const matcher = new RuleSetMatcher([compiled]);
    expect(checkRuleSampleEvents(compiled, (event) => matcher.match(event) > 0)).toEqual([]);
  });

  it('names a rule without samples, and one with only a positive', () => {
    const none = compileSigmaRule(parseSigmaRule(ruleText([])));
    expect(checkRuleSampleEvents(none).map((p) => [p.list, p.reason])).toEqual([
      ['match', 'no samples.match event'],
      ['nomatch', 'no samples.nomatch event'],
    ]);
    const half = compileSigmaRule(parseSigmaRule(ruleText(GOOD.slice(0, 3))));
    expect(checkRuleSampleEvents(half).map((p) => p.reason)).toEqual(['no samples.nomatch event']);
  });

  it('names a positive that misses, a negative that matches, and a field the category lacks', () => {
    const wrong = [
      'samples:',
      '  match:',
      '    - { CommandLine: cat /etc/group }',
      '    - { Nope: x }',
      '  nomatch:',
      '    - { CommandLine: less /etc/shadow }',
    ];
    const compiled = compileSigmaRule(parseSigmaRule(ruleText(wrong)));
    const problems = checkRuleSampleEvents(compiled);
    expect(problems.map((p) => [p.list, p.index, p.reason])).toEqual([
      ['match', 0, 'did not match'],
      ['match', 1, "category process_creation has no field 'Nope'"],
      ['nomatch', 0, 'matched, but is listed under nomatch'],
    ]);
    expect(problems.every((p) => p.ruleId === ID)).toBe(true);
  });

  it('rejects a malformed samples block with the line it is on', () => {
    const cases: [string[], RegExp][] = [
      [['samples: [1]'], /samples must be a map/],
      [['samples:', '  maybe: []'], /samples\.maybe: unknown key/],
      [['samples:', '  match: { Image: x }'], /samples\.match must be a list/],
      [['samples:', '  match: [ x ]'], /samples\.match\[0\] must be a map/],
      [['samples:', '  match:', '    - { Image: [a, b] }'], /samples\.match\[0\]\.Image must be/],
    ];
    for (const [lines, message] of cases) {
      const pack = loadRulePack([{ source: 'r.yml', text: ruleText(lines) }]);
      expect(pack.rules).toHaveLength(0);
      const error = pack.rejected[0]!.error;
      expect(error).toBeInstanceOf(SigmaRuleError);
      expect(error.message).toMatch(message);
      expect(error.line).toBeGreaterThanOrEqual(9);
    }
  });
});
