// Differential test: libs/detect and bradleyjkemp/sigma-go (tools/sigma-diff) agree on generated
// events for every loaded SigmaHQ Linux rule, except where sigma-go v0.6.6 is known to differ.
import { sigmahqLinuxRules } from '../test-support/sigmahq-corpus';
import {
  ensureSigmaDiffBinary,
  runSigmaGo,
  SIGMA_GO_VERSION,
  type SigmaGoCase,
} from '../test-support/sigma-go';
import {
  eventFromSigmaFields,
  loadRulePack,
  sampleEventsForRule,
  sigmaFieldsOfEvent,
  type CompiledSigmaRule,
} from './index';

/**
 * Where sigma-go v0.6.6 departs from the Sigma specification; a disagreement on a rule that uses
 * one of these is expected and counted, any other disagreement fails the test.
 */
const SIGMA_GO_DIFFERENCES: readonly {
  name: string;
  reason: string;
  applies: (rule: CompiledSigmaRule) => boolean;
}[] = [
  {
    name: 'wildcards',
    reason: 'sigma-go v0.6.6 compares `*` and `?` in values literally (no wildcard matching)',
    applies: (rule) =>
      rule.rule.detection.searches.some((s) =>
        s.alternatives.some((a) =>
          a.some((c) => c.values.some((v) => typeof v === 'string' && /(^|[^\\])[*?]/.test(v))),
        ),
      ),
  },
  {
    name: 'keywords',
    reason: 'sigma-go v0.6.6 answers "keywords unsupported" for field-less keyword searches',
    applies: (rule) =>
      rule.rule.detection.searches.some((s) =>
        s.alternatives.some((a) => a.some((c) => c.field === null)),
      ),
  },
  {
    name: 'modifiers',
    reason:
      'sigma-go v0.6.6 lacks windash, base64offset, exists, fieldref, cased, neq and the re sub-modifiers i/m/s',
    applies: (rule) =>
      rule.rule.detection.searches.some((s) =>
        s.alternatives.some((a) =>
          a.some((c) =>
            c.modifiers.some((m) =>
              [
                'windash',
                'base64offset',
                'exists',
                'fieldref',
                'cased',
                'neq',
                'i',
                'm',
                's',
              ].includes(m),
            ),
          ),
        ),
      ),
  },
];

const SEED = 20261123;

describe(`libs/detect against sigma-go ${SIGMA_GO_VERSION}`, () => {
  let binary: string;

  beforeAll(() => {
    const built = ensureSigmaDiffBinary();
    binary = built.path;
    if (built.builtMs !== undefined)
      console.log(`built ${binary} in ${(built.builtMs / 1000).toFixed(1)} s`);
  }, 300_000);

  it('agrees on every generated (rule, event) pair, apart from the listed sigma-go differences', () => {
    const texts = sigmahqLinuxRules();
    const bySource = new Map(texts.map((t) => [t.source, t.text]));
    const pack = loadRulePack(texts);
    const cases: SigmaGoCase[] = [];
    const ours: boolean[] = [];
    const caseRules: CompiledSigmaRule[] = [];
    const labels: string[] = [];
    pack.rules.forEach((rule, index) => {
      for (const sample of sampleEventsForRule(rule, SEED + index)) {
        const category = rule.logsource.category;
        const event = eventFromSigmaFields(category, sample.fields);
        // Both engines see the same values: what the Omega event carries, read back through the mapping.
        cases.push({ rule: rule.rule.id, event: sigmaFieldsOfEvent(category, event) });
        ours.push(rule.matches(event));
        caseRules.push(rule);
        labels.push(sample.label);
      }
    });
    const rules = pack.rules.map((r) => ({ key: r.rule.id, yaml: bySource.get(r.rule.source!)! }));
    const theirs = runSigmaGo(binary, rules, cases);
    expect(Object.keys(theirs.ruleErrors)).toEqual([]);
    expect(theirs.results.length).toBe(cases.length);

    const explained = new Map<string, number>();
    const unexplained: string[] = [];
    let agreed = 0;
    let matches = 0;
    theirs.results.forEach((result, i) => {
      if (ours[i]) matches++;
      if (!result.error && result.match === ours[i]) {
        agreed++;
        return;
      }
      const rule = caseRules[i]!;
      const difference = SIGMA_GO_DIFFERENCES.find((d) => d.applies(rule));
      if (difference) {
        explained.set(difference.name, (explained.get(difference.name) ?? 0) + 1);
      } else {
        unexplained.push(
          `${rule.rule.source} [${labels[i]}] ours=${ours[i]} sigma-go=${result.error ?? result.match} event=${JSON.stringify(cases[i]!.event)}`,
        );
      }
    });
    console.log(
      `differential: ${pack.rules.length} rules, ${cases.length} (rule, event) pairs, ${matches} matching; ` +
        `agreed ${agreed}, explained differences ${JSON.stringify(Object.fromEntries(explained))}, unexplained ${unexplained.length}`,
    );
    expect(unexplained.slice(0, 20)).toEqual([]);
    // The generator must exercise both outcomes, or agreement means little.
    expect(matches).toBeGreaterThan(pack.rules.length);
    expect(cases.length - matches).toBeGreaterThan(pack.rules.length);
  }, 120_000);
});
