// rule.explain() marks as `contributed` exactly the searches that made the condition true, by the
// condition semantics of the Sigma specification (and, or, not, 1 of, all of).
import { compileSigmaRule, eventFromSigmaFields, parseSigmaRule } from './index';

function explain(condition: string, commandLine: string) {
  const rule = compileSigmaRule(
    parseSigmaRule(
      [
        'title: test',
        'id: 7a1c9a0e-2b4d-4c61-9f1e-3d5b6a7c8d9e',
        'level: high',
        'logsource:',
        '    category: process_creation',
        '    product: linux',
        'detection:',
        '    sel_a:',
        "        CommandLine|contains: 'alpha'",
        '    sel_b:',
        "        CommandLine|contains: 'beta'",
        '    sel_c:',
        "        CommandLine|contains: 'gamma'",
        '    filter:',
        "        CommandLine|contains: 'delta'",
        `    condition: ${condition}`,
      ].join('\n'),
    ),
  );
  const evidence = rule.explain(
    eventFromSigmaFields('process_creation', { CommandLine: commandLine }),
  );
  return {
    matched: evidence.matched,
    cited: evidence.searches.filter((s) => s.contributed).map((s) => s.name),
    matchedSearches: evidence.searches.filter((s) => s.matched).map((s) => s.name),
  };
}

describe('contributing searches', () => {
  it('an or cites each true operand; an and whose partner failed cites nothing of its own', () => {
    expect(explain('sel_a or (sel_b and sel_c)', 'alpha beta')).toEqual({
      matched: true,
      cited: ['sel_a'],
      matchedSearches: ['sel_a', 'sel_b'],
    });
    expect(explain('sel_a or (sel_b and sel_c)', 'alpha beta gamma').cited).toEqual([
      'sel_a',
      'sel_b',
      'sel_c',
    ]);
  });

  it('a held `not` cites nothing, and a filter that matched is never cited', () => {
    expect(explain('sel_a and not filter', 'alpha').cited).toEqual(['sel_a']);
    expect(explain('sel_a or not filter', 'alpha delta').cited).toEqual(['sel_a']);
  });

  it('1 of cites the matching ones; all of cites all of them only when all match', () => {
    expect(explain('1 of sel_*', 'beta gamma').cited).toEqual(['sel_b', 'sel_c']);
    expect(explain('all of sel_* or filter', 'alpha beta delta').cited).toEqual(['filter']);
  });

  it('cites nothing when the rule does not match', () => {
    expect(explain('sel_a and sel_b', 'alpha')).toMatchObject({ matched: false, cited: [] });
  });
});
