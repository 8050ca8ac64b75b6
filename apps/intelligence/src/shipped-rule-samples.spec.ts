// Every shipped rule carries a positive and a negative sample event, and the pack as the service
// runs it (one RuleSetMatcher over every rule) fires the rule on the first and not on the second.
// docs/rules.md names exactly the shipped rules.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRuleSampleEvents, generateRichScenario, type SampleMismatch } from '@omega/detect';
import { entityKeyOfEvent } from './alert-builder';
import { RuleCatalog, readRuleDirectory } from './rule-catalog';

const APP_DIR = join(__dirname, '..');
const RULES_DIR = join(APP_DIR, 'rules');
const RULES_DOC = join(APP_DIR, '..', '..', 'docs', 'rules.md');

describe('the shipped rule pack samples', () => {
  let catalog: RuleCatalog;
  beforeAll(async () => {
    catalog = await RuleCatalog.fromDirectory(RULES_DIR, 1n);
  });

  it('every rule has a positive and a negative sample, each doing what it says through the whole pack', () => {
    expect(catalog.sigmaRules.length).toBe(67);
    const problems: (SampleMismatch & { file: string })[] = [];
    for (const { compiled, sourceName } of catalog.sigmaRules) {
      const fired = (event: Parameters<typeof catalog.matcher.match>[0]): boolean => {
        let hit = false;
        catalog.matcher.match(event, (rule) => {
          if (rule === compiled) hit = true;
        });
        return hit;
      };
      for (const problem of checkRuleSampleEvents(compiled, fired))
        problems.push({ ...problem, file: sourceName });
    }
    expect(problems).toEqual([]);
  });

  it('every rule has ATT&CK techniques, a level and known false positives', () => {
    const incomplete = catalog.sigmaRules
      .filter(
        ({ compiled: { rule } }) =>
          rule.attackTechniques.length === 0 ||
          rule.level === undefined ||
          rule.falsepositives.length === 0,
      )
      .map((r) => r.sourceName);
    expect(incomplete).toEqual([]);
  });
});

describe('the shipped rule pack on benign look-alike traffic', () => {
  it('raises no rule alert on any benign host of the richer labelled scenario, and fires on its attackers', async () => {
    const catalog = await RuleCatalog.fromDirectory(RULES_DIR, 1n);
    const scenario = generateRichScenario({
      seed: 3,
      durationSec: 2 * 3600,
      backgroundPerSecond: 4,
    });
    const benign = new Set(Object.values(scenario.benign).flat());
    const attackers = new Set(scenario.truths.map((t) => t.entityKey));
    const onBenign: string[] = [];
    let processLaunches = 0;
    let onAttackers = 0;
    for (const event of scenario.events()) {
      if (event.payload?.$case === 'processActivity') processLaunches++;
      catalog.matcher.match(event, (rule) => {
        const entity = entityKeyOfEvent(event);
        if (benign.has(entity)) onBenign.push(`${rule.rule.title} on ${entity}: ${event.id}`);
        if (attackers.has(entity)) onAttackers++;
      });
    }
    expect(processLaunches).toBeGreaterThan(1000);
    expect(onAttackers).toBeGreaterThan(0);
    expect(onBenign).toEqual([]);
  }, 60_000);
});

describe('docs/rules.md', () => {
  it('lists every shipped rule file and names no rule that does not exist', async () => {
    const doc = await readFile(RULES_DOC, 'utf8');
    const named = new Set([...doc.matchAll(/`([a-z-]+\/[a-z0-9_.-]+\.yml)`/g)].map((m) => m[1]!));
    const files = new Set((await readRuleDirectory(RULES_DIR)).map((t) => t.source));
    expect(files.size).toBe(67);
    expect([...files].filter((name) => !named.has(name))).toEqual([]);
    expect([...named].filter((name) => !files.has(name))).toEqual([]);
  });
});
