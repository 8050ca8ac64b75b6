// The indexed RuleSetMatcher reports exactly the matches of evaluating every rule on every event.
import { sigmahqLinuxRules } from '../test-support/sigmahq-corpus';
import {
  eventFromSigmaFields,
  loadRulePack,
  RuleSetMatcher,
  sampleEventsForRule,
  seededRandom,
  type CompiledSigmaRule,
} from './index';
import type { Event } from '@omega/proto';

function naiveMatches(rules: readonly CompiledSigmaRule[], event: Event): string[] {
  return rules.filter((rule) => rule.matches(event)).map((rule) => rule.rule.id);
}

function indexedMatches(matcher: RuleSetMatcher, event: Event): string[] {
  const ids: string[] = [];
  matcher.match(event, (rule) => ids.push(rule.rule.id));
  return ids;
}

describe('RuleSetMatcher over the SigmaHQ Linux corpus', () => {
  const pack = loadRulePack(sigmahqLinuxRules());
  const matcher = new RuleSetMatcher(pack.rules);

  it('matches the same rules, in the same order, as evaluating every rule on every sample event', () => {
    const events: Event[] = [];
    pack.rules.forEach((rule, index) => {
      for (const seed of [index, 7919 + index, 104729 + index]) {
        for (const sample of sampleEventsForRule(rule, seed)) {
          // Each rule's samples, read as events of every loaded category.
          for (const category of new Set(pack.rules.map((r) => r.logsource.category))) {
            const fields = Object.fromEntries(
              Object.entries(sample.fields).filter(([name]) =>
                pack.rules
                  .find((r) => r.logsource.category === category)!
                  .logsource.fields.has(name),
              ),
            );
            events.push(eventFromSigmaFields(category, fields));
          }
        }
      }
    });
    let matchedEvents = 0;
    let matches = 0;
    for (const event of events) {
      const expected = naiveMatches(pack.rules, event);
      expect(indexedMatches(matcher, event)).toEqual(expected);
      if (expected.length > 0) matchedEvents++;
      matches += expected.length;
    }
    // The samples exercise the rules: most selections' samples match their rule.
    expect(matchedEvents).toBeGreaterThan(pack.rules.length);
    console.log(`${events.length} events, ${matchedEvents} matched, ${matches} rule matches`);
  });

  it('matches the same rules on events that mix values from many rules', () => {
    const random = seededRandom(42);
    const samples = pack.rules.flatMap((rule, index) =>
      sampleEventsForRule(rule, 31 + index).map((sample) => ({ rule, fields: sample.fields })),
    );
    for (let n = 0; n < 5000; n++) {
      const first = samples[Math.floor(random() * samples.length)]!;
      const second = samples[Math.floor(random() * samples.length)]!;
      const fields = { ...first.fields };
      for (const [name, value] of Object.entries(second.fields))
        if (first.rule.logsource.fields.has(name) && random() < 0.5) fields[name] = value;
      const event = eventFromSigmaFields(first.rule.logsource.category, fields);
      expect(indexedMatches(matcher, event)).toEqual(naiveMatches(pack.rules, event));
    }
  });
});

const HAND_RULES: readonly (readonly [name: string, selection: string])[] = [
  ['all only', "    CommandLine|contains|all: ['wget ', 'chmod +x']"],
  ['wildcards', "    CommandLine|contains: ['-c * /dev/tcp/*', 'nc?-e']\n    Image: '*/ba?h'"],
  ['all and cased', "    CommandLine|contains|all: ['curl', '| sh']\n    User|cased: Root"],
  [
    'startswith and equals',
    "    Image|startswith: ['/tmp/', '/dev/shm/']\n    CurrentDirectory: /srv/App",
  ],
  [
    'negation only',
    '    Image|endswith: /sleep\n  filter:\n    User: root\n  condition: not selection and not filter',
  ],
  [
    'one of',
    "    Image|endswith: /wget\n  selection_b:\n    ParentImage|endswith: ['/python3', '/perl']\n  condition: 1 of selection*",
  ],
  [
    'all of with regex',
    "    CommandLine|re: '(?i)base64 -d'\n  selection_b:\n    Image|endswith: /sh\n  condition: all of selection*",
  ],
  ['null and empty', "    ParentCommandLine: null\n    CommandLine|endswith: ''"],
  [
    'list of maps',
    "    - Image|endswith: /socat\n    - CommandLine|contains: 'exec:'\n      User: nobody",
  ],
];

describe('RuleSetMatcher on hand-written rules that exercise each guard form', () => {
  const texts = HAND_RULES.map(([name, selection], index) => ({
    source: `${name}.yml`,
    text: [
      `title: ${name}`,
      `id: 00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      'logsource:',
      '  product: linux',
      '  category: process_creation',
      'detection:',
      '  selection:',
      selection.includes('condition:') ? selection : `${selection}\n  condition: selection`,
      'level: high',
      '',
    ].join('\n'),
  }));
  const pack = loadRulePack(texts);
  const matcher = new RuleSetMatcher(pack.rules);

  it('loads every hand-written rule', () => {
    expect(pack.rejected).toEqual([]);
    expect(pack.rules.length).toBe(HAND_RULES.length);
  });

  it('matches the same rules as evaluating every rule, on samples, near misses and mixtures', () => {
    const random = seededRandom(5);
    const samples = pack.rules.flatMap((rule, index) =>
      [1, 2, 3, 4, 5].flatMap((round) => sampleEventsForRule(rule, 97 * round + index)),
    );
    let matched = 0;
    for (let n = 0; n < 4000; n++) {
      const fields = { ...samples[Math.floor(random() * samples.length)]!.fields };
      if (n % 2 === 1)
        Object.assign(fields, samples[Math.floor(random() * samples.length)]!.fields);
      const event = eventFromSigmaFields('process_creation', fields);
      const expected = naiveMatches(pack.rules, event);
      expect(indexedMatches(matcher, event)).toEqual(expected);
      if (expected.length > 0) matched++;
    }
    expect(matched).toBeGreaterThan(400);
  });
});
