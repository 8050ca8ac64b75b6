// Rule YAML validation, metadata, collections and the condition grammar.
import { Code } from '@omega/errors';
import {
  compileSigmaRule,
  eventFromSigmaFields,
  parseCondition,
  parseSigmaRule,
  parseSigmaRules,
  SigmaRuleError,
} from './index';

const ID = '5d5b7a7e-6f2e-4a39-9d41-0f3d2a1c9b10';

function rule(detection: string[], extra: string[] = []): string {
  return [
    'title: t',
    `id: ${ID}`,
    'level: medium',
    'tags: [attack.execution, attack.t1059.004, attack.t1105]',
    ...extra,
    'logsource: { category: process_creation, product: linux }',
    'detection:',
    ...detection.map((l) => `    ${l}`),
  ].join('\n');
}

function failure(text: string): SigmaRuleError {
  try {
    compileSigmaRule(parseSigmaRule(text, { source: 'r.yml' }));
  } catch (err) {
    if (err instanceof SigmaRuleError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const SEARCHES = [
  "sel_a: { Image|endswith: '/a' }",
  "sel_b: { Image|endswith: '/b' }",
  "filter_x: { User: 'root' }",
  "_hidden: { User: 'nobody' }",
];

function conditionMatches(condition: string, fields: Record<string, string>): boolean {
  const compiled = compileSigmaRule(parseSigmaRule(rule([...SEARCHES, `condition: ${condition}`])));
  return compiled.matches(eventFromSigmaFields('process_creation', fields));
}

describe('rule metadata', () => {
  it('maps level to OCSF severity and attack.tNNNN tags to technique ids', () => {
    const parsed = parseSigmaRule(rule(["sel: { Image: '/x' }", 'condition: sel']));
    expect(parsed.severityId).toBe(3);
    expect(parsed.attackTechniques).toEqual(['T1059.004', 'T1105']);
  });

  it('keeps the author for attribution: a list is joined, a value of another type never rejects the rule', () => {
    const sel = ["sel: { Image|endswith: '/a' }", 'condition: sel'];
    expect(parseSigmaRule(rule(sel, ['author: Jane Doe'])).author).toBe('Jane Doe');
    expect(parseSigmaRule(rule(sel, ['author: [Jane Doe, Omega]'])).author).toBe('Jane Doe, Omega');
    expect(parseSigmaRule(rule(sel, ['author: 42'])).author).toBeUndefined();
    expect(parseSigmaRule(rule(sel)).author).toBeUndefined();
  });

  it('rejects a missing title, a non-UUID id, an unknown level, each with rule id and line', () => {
    const noTitle = failure(
      rule(["sel: { Image: '/x' }", 'condition: sel']).replace('title: t\n', ''),
    );
    expect(noTitle.reason).toBe('missing required field title');
    expect(noTitle.ruleId).toBe(ID);
    const badId = failure(
      rule(["sel: { Image: '/x' }", 'condition: sel']).replace(ID, 'not-a-uuid'),
    );
    expect(badId.reason).toBe("id 'not-a-uuid' is not a UUID");
    expect(badId.line).toBe(2);
    expect(badId.message).toBe("r.yml:2:5: rule not-a-uuid: id 'not-a-uuid' is not a UUID");
    const badLevel = failure(
      rule(["sel: { Image: '/x' }", 'condition: sel']).replace('level: medium', 'level: severe'),
    );
    expect(badLevel.reason).toContain("level 'severe' is not one of");
    expect(badLevel.line).toBe(3);
  });

  it('reports YAML syntax errors with their position', () => {
    const error = failure('title: t\nid: [unclosed\n');
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.reason).toMatch(/^YAML:/);
    expect(error.line).toBeGreaterThan(0);
  });

  it('merges an action: global document into each following rule and rejects action: repeat by name', () => {
    const text = [
      'action: global',
      'title: shared',
      'level: high',
      'logsource: { category: process_creation, product: linux }',
      'detection: { condition: sel }',
      '---',
      `id: ${ID}`,
      "detection: { sel: { Image: '/a' } }",
      '---',
      'id: 6d5b7a7e-6f2e-4a39-9d41-0f3d2a1c9b10',
      "detection: { sel: { Image: '/b' } }",
    ].join('\n');
    const rules = parseSigmaRules(text);
    expect(rules.map((r) => [r.title, r.level, r.detection.conditions[0]!.text])).toEqual([
      ['shared', 'high', 'sel'],
      ['shared', 'high', 'sel'],
    ]);
    expect(() => parseSigmaRules('action: repeat\n---\ntitle: x')).toThrow(
      /collection action 'repeat' is not supported/,
    );
  });

  it('rejects logsources Omega cannot see, by name', () => {
    const imageLoad = failure(
      rule(["sel: { ImageLoaded: '/x' }", 'condition: sel']).replace(
        'process_creation',
        'image_load',
      ),
    );
    expect(imageLoad.code).toBe(Code.Unimplemented);
    expect(imageLoad.reason).toBe(
      'logsource category image_load: Omega events carry no library loads',
    );
  });
});

describe('condition grammar', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('a or b and not c')).toEqual({
      kind: 'or',
      operands: [
        { kind: 'search', name: 'a', offset: 0 },
        {
          kind: 'and',
          operands: [
            { kind: 'search', name: 'b', offset: 5 },
            { kind: 'not', operand: { kind: 'search', name: 'c', offset: 15 } },
          ],
        },
      ],
    });
    expect(conditionMatches('sel_a or sel_b and not filter_x', { Image: '/a', User: 'root' })).toBe(
      true,
    );
    expect(
      conditionMatches('(sel_a or sel_b) and not filter_x', { Image: '/a', User: 'root' }),
    ).toBe(false);
  });

  it('supports 1 of / all of with wildcards and them (them skips _-prefixed identifiers)', () => {
    expect(conditionMatches('1 of sel_*', { Image: '/b' })).toBe(true);
    expect(conditionMatches('all of sel_*', { Image: '/b' })).toBe(false);
    expect(
      conditionMatches('1 of sel_* and not 1 of filter_*', { Image: '/b', User: 'root' }),
    ).toBe(false);
    expect(conditionMatches('1 of them', { User: 'nobody' })).toBe(false);
    expect(conditionMatches('1 of them', { User: 'root' })).toBe(true);
    expect(conditionMatches('all of them', { Image: '/a' })).toBe(false);
  });

  it('ORs a list of conditions', () => {
    const compiled = compileSigmaRule(
      parseSigmaRule(rule([...SEARCHES, 'condition: [sel_a, sel_b]'])),
    );
    expect(compiled.matches(eventFromSigmaFields('process_creation', { Image: '/b' }))).toBe(true);
  });

  it('reports errors with their offset', () => {
    expect(() => parseCondition('sel and (a or b')).toThrow(/expected "\)" at offset 15/);
    expect(() => parseCondition('sel and')).toThrow(/expected a search identifier/);
    expect(() => parseCondition('sel*')).toThrow(/only allowed after "1 of"/);
    expect(() => parseCondition('2 of sel*')).toThrow(/quantifier '2'/);
    expect(() => parseCondition('sel | count() > 5')).toThrow(/aggregation expressions/);
    const undefinedSearch = failure(rule([...SEARCHES, 'condition: sel_a and nope']));
    expect(undefinedSearch.reason).toContain("undefined search 'nope'");
    const noMatch = failure(rule([...SEARCHES, 'condition: 1 of zz*']));
    expect(noMatch.reason).toContain("'zz*' matches no search identifier");
  });
});

describe('evidence', () => {
  it('names the matched selections, the Omega field and the values that matched', () => {
    const compiled = compileSigmaRule(
      parseSigmaRule(rule([...SEARCHES, 'condition: sel_a and not filter_x'])),
    );
    const evidence = compiled.explain(
      eventFromSigmaFields('process_creation', { Image: '/usr/bin/a', User: 'app' }),
    );
    expect(evidence.matched).toBe(true);
    expect(evidence.searches.find((s) => s.name === 'sel_a')).toEqual({
      name: 'sel_a',
      matched: true,
      // sel_a made `sel_a and not filter_x` true (explain-contributors.spec.ts covers the rest).
      contributed: true,
      clauses: [
        {
          key: 'Image|endswith',
          omegaField: 'process_activity.process.executable_path',
          matched: true,
          matchedValues: ['/a'],
          eventValue: '/usr/bin/a',
        },
      ],
    });
  });
});
