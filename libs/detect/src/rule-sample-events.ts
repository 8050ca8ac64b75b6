// A rule's own test events (its `samples:` block): events it must match and events it must not,
// written as Sigma fields of the rule's logsource category, so the pack can be checked through
// the real engine and a rule shipped without them can be refused by CI.
import type { Event } from '@omega/proto';
import type { CompiledSigmaRule } from './compile-rule';
import { eventFromSigmaFields } from './field-mapping';
import type { SigmaFields } from './rule-samples';
import { invalidRule } from './sigma-rule-error';
import { entryOf, type YamlMap, type YamlTree } from './yaml-tree';

/**
 * `samples: { match: [ {Field: value, ...}, ... ], nomatch: [ ... ] }` in a rule. Sigma allows
 * custom top-level attributes; other Sigma tools ignore this one.
 */
export interface RuleSampleEvents {
  /** Events of the rule's category the rule must match. */
  readonly match: readonly SigmaFields[];
  /** Near neighbours (benign look-alikes) the rule must not match. */
  readonly nomatch: readonly SigmaFields[];
}

/** Each sample gets a bounded number of fields and characters: samples are documentation. */
const MAX_SAMPLES = 32;
const MAX_FIELDS = 32;

/** Reads a rule's `samples` entry; undefined when it has none. Throws naming the bad line. */
export function parseRuleSampleEvents(tree: YamlMap): RuleSampleEvents | undefined {
  const entry = entryOf(tree, 'samples');
  if (!entry) return undefined;
  if (entry.value.kind !== 'map')
    throw invalidRule('samples must be a map with match and nomatch lists', entry.value.pos);
  for (const { key, keyPos } of entry.value.entries) {
    if (key !== 'match' && key !== 'nomatch')
      throw invalidRule(`samples.${key}: unknown key (match, nomatch)`, keyPos);
  }
  return {
    match: sampleList(entry.value, 'match'),
    nomatch: sampleList(entry.value, 'nomatch'),
  };
}

function sampleList(samples: YamlMap, key: 'match' | 'nomatch'): SigmaFields[] {
  const entry = entryOf(samples, key);
  if (!entry) return [];
  if (entry.value.kind !== 'seq')
    throw invalidRule(`samples.${key} must be a list of events`, entry.value.pos);
  if (entry.value.items.length > MAX_SAMPLES)
    throw invalidRule(
      `samples.${key}: ${entry.value.items.length} events, at most ${MAX_SAMPLES}`,
      entry.value.pos,
    );
  return entry.value.items.map((item, index) => sampleFields(item, `samples.${key}[${index}]`));
}

function sampleFields(item: YamlTree, where: string): SigmaFields {
  if (item.kind !== 'map') throw invalidRule(`${where} must be a map of Sigma fields`, item.pos);
  if (item.entries.length > MAX_FIELDS)
    throw invalidRule(`${where}: ${item.entries.length} fields, at most ${MAX_FIELDS}`, item.pos);
  const fields: SigmaFields = {};
  for (const { key, value } of item.entries) {
    if (value.kind !== 'scalar' || value.value === null)
      throw invalidRule(`${where}.${key} must be a string, number or boolean`, value.pos);
    fields[key] = value.value;
  }
  return fields;
}

/** One sample that did not do what its list says, with the reason. */
export interface SampleMismatch {
  readonly ruleId: string;
  readonly list: 'match' | 'nomatch';
  readonly index: number;
  readonly reason: string;
}

/**
 * Runs a compiled rule's samples through `matched` (the caller's engine: the rule alone, or a
 * whole pack's RuleSetMatcher) and names every sample that is missing, malformed or wrong.
 */
export function checkRuleSampleEvents(
  compiled: CompiledSigmaRule,
  matched: (event: Event) => boolean = (event) => compiled.matches(event),
): SampleMismatch[] {
  const { rule } = compiled;
  const samples = rule.samples;
  const problems: SampleMismatch[] = [];
  for (const list of ['match', 'nomatch'] as const) {
    const events = samples?.[list] ?? [];
    if (events.length === 0)
      problems.push({ ruleId: rule.id, list, index: -1, reason: `no samples.${list} event` });
    events.forEach((fields, index) => {
      let event: Event;
      try {
        event = eventFromSigmaFields(compiled.logsource.category, fields);
      } catch (err) {
        problems.push({ ruleId: rule.id, list, index, reason: (err as Error).message });
        return;
      }
      const hit = matched(event);
      if (hit !== (list === 'match'))
        problems.push({
          ruleId: rule.id,
          list,
          index,
          reason: hit ? 'matched, but is listed under nomatch' : 'did not match',
        });
    });
  }
  return problems;
}
