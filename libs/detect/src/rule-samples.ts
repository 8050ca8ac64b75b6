// Sample events for a rule, as Sigma-field maps: for each selection, one that should match and
// near misses that should not. Deterministic for a seed; used to test rules (the differential test,
// the benchmark, and later rule management's "test a rule").
import type { CompiledSigmaRule } from './compile-rule';
import type { SigmaFieldMapping } from './field-mapping';
import type { SigmaFieldClause, SigmaValue } from './sigma-rule';
import { ANY_CHAR, ANY_RUN, parseSigmaString } from './sigma-string';
import { parseModifierChain, transformValue } from './value-modifiers';

export type SigmaFields = Record<string, string | number | boolean>;

export interface RuleSample {
  /** What the sample was built to exercise, e.g. "selection#0" or "near-miss selection#0 CommandLine". */
  readonly label: string;
  readonly fields: SigmaFields;
}

/** A small deterministic PRNG (mulberry32); the caller owns the seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Samples for every alternative of every search, their union, and near misses of each. */
export function sampleEventsForRule(compiled: CompiledSigmaRule, seed: number): RuleSample[] {
  const random = seededRandom(seed);
  const token = (length: number): string =>
    Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]!).join('');
  const samples: RuleSample[] = [];
  const union: SigmaFields = {};
  for (const search of compiled.rule.detection.searches) {
    search.alternatives.forEach((clauses, index) => {
      const fields: SigmaFields = {};
      for (const clause of clauses) fillClause(clause, fields, compiled, random, token);
      const label = `${search.name}#${index}`;
      samples.push({ label, fields });
      Object.assign(union, fields);
      for (const name of Object.keys(fields)) {
        samples.push({
          label: `near-miss ${label} ${name}`,
          fields: nearMiss(fields, name, random, token),
        });
      }
    });
  }
  samples.push({ label: 'all searches', fields: union });
  samples.push({ label: 'unrelated', fields: { [firstStringField(compiled)]: token(12) } });
  return samples;
}

function firstStringField(compiled: CompiledSigmaRule): string {
  for (const [name, field] of compiled.logsource.fields) if (field.type === 'string') return name;
  return 'omega.node';
}

function fillClause(
  clause: SigmaFieldClause,
  fields: SigmaFields,
  compiled: CompiledSigmaRule,
  random: () => number,
  token: (length: number) => string,
): void {
  if (clause.field === null) {
    const value = clause.values[Math.floor(random() * clause.values.length)];
    const target = firstStringField(compiled);
    fields[target] = `${token(3)} ${instantiate(String(value), random, token)} ${token(3)}`;
    return;
  }
  const mapping = compiled.logsource.fields.get(clause.field);
  if (!mapping) return;
  const chain = parseModifierChain(clause.modifiers, clause.field, clause.pos);
  const pick = (): SigmaValue => clause.values[Math.floor(random() * clause.values.length)] ?? null;
  const chosen = chain.all ? clause.values : [pick()];
  const parts: string[] = [];
  for (const value of chosen) {
    if (value === null) return; // null: leave the field absent
    switch (chain.comparison) {
      case 'exists':
        if (value === true)
          assign(
            fields,
            mapping,
            mapping.type === 'number' ? 1 + Math.floor(random() * 999) : token(6),
          );
        return;
      case 'lt':
      case 'lte':
        assign(fields, mapping, Number(value) - (chain.comparison === 'lt' ? 1 : 0));
        return;
      case 'gt':
      case 'gte':
        assign(fields, mapping, Number(value) + (chain.comparison === 'gt' ? 1 : 0));
        return;
      case 'cidr':
        assign(fields, mapping, hostInNetwork(String(value)));
        return;
      case 'fieldref': {
        const other = fields[String(value)] ?? token(6);
        fields[String(value)] = other;
        assign(fields, mapping, other);
        return;
      }
      case 're':
        parts.push(token(8));
        continue;
      default:
        break;
    }
    const variants =
      chain.transforms.length > 0
        ? transformValue(String(value), chain.transforms, clause.field, clause.pos)
        : [String(value)];
    let text = instantiate(variants[Math.floor(random() * variants.length)]!, random, token);
    if (!chain.cased && random() < 0.5) text = flipCase(text, random);
    parts.push(text);
  }
  const body = parts.join(' ');
  if (typeof chosen[0] === 'number' && parts.length === 1 && chain.comparison === 'equals') {
    assign(fields, mapping, Number(chosen[0]));
    return;
  }
  const wrapped =
    chain.comparison === 'contains'
      ? `${token(4)} ${body} ${token(4)}`
      : chain.comparison === 'startswith'
        ? `${body}${token(5)}`
        : chain.comparison === 'endswith'
          ? `/${token(5)}${body}`
          : body;
  assign(fields, mapping, wrapped);
}

function assign(
  fields: SigmaFields,
  mapping: SigmaFieldMapping,
  value: string | number | boolean,
): void {
  if (mapping.type === 'number') {
    const number = Number(value);
    if (Number.isInteger(number) && number > 0) fields[mapping.sigmaField] = number;
    return;
  }
  fields[mapping.sigmaField] = typeof value === 'string' ? value : String(value);
}

/** A Sigma value with its wildcards filled in and escapes resolved. */
function instantiate(
  value: string,
  random: () => number,
  token: (length: number) => string,
): string {
  return parseSigmaString(value)
    .map((part) =>
      part === ANY_RUN ? token(Math.floor(random() * 4)) : part === ANY_CHAR ? token(1) : part,
    )
    .join('');
}

function flipCase(text: string, random: () => number): string {
  return [...text].map((ch) => (random() < 0.5 ? ch.toUpperCase() : ch.toLowerCase())).join('');
}

function hostInNetwork(network: string): string {
  const base = network.split('/')[0]!;
  if (base.includes(':')) return base.endsWith('::') ? `${base}1` : base;
  const octets = base.split('.').map(Number);
  octets[3] = Math.min(254, (octets[3] ?? 0) + 1);
  return octets.join('.');
}

/** The sample with one field changed so that, most likely, it no longer satisfies its clause. */
function nearMiss(
  fields: SigmaFields,
  name: string,
  random: () => number,
  token: (length: number) => string,
): SigmaFields {
  const copy = { ...fields };
  const value = copy[name]!;
  const roll = random();
  if (typeof value === 'number') {
    copy[name] = value + 1 + Math.floor(random() * 100);
  } else if (typeof value === 'boolean' || roll < 0.25) {
    delete copy[name];
  } else if (roll < 0.6 && String(value).length > 1) {
    const text = String(value);
    const at = Math.floor(random() * text.length);
    copy[name] = text.slice(0, at) + text.slice(at + 1);
  } else {
    copy[name] = token(10);
  }
  return copy;
}
