// Compiles one selection line (`Field|modifiers: values`) into a test over an EventView.
import type { EventView, FieldText } from './event-view';
import type { SigmaFieldMapping, SigmaLogsourceMapping } from './field-mapping';
import { parseIpNetwork } from './ip-network';
import type { SigmaFieldClause, SigmaValue } from './sigma-rule';
import { invalidRule, unsupportedFeature } from './sigma-rule-error';
import { compileLinearRegex, type LinearRegex } from './linear-regex';
import { compileSigmaString } from './sigma-string';
import { parseModifierChain, transformValue, type ModifierChain } from './value-modifiers';

export type ValueTest = (view: EventView) => boolean;

export interface CompiledClause {
  readonly clause: SigmaFieldClause;
  /** The mapped field; undefined for a keyword search over all text fields. */
  readonly field: SigmaFieldMapping | undefined;
  readonly evaluate: (view: EventView) => boolean;
  /** The rule values that matched this event (evidence for explanations; not the hot path). */
  readonly matchedValues: (view: EventView) => SigmaValue[];
}

export function compileClause(
  clause: SigmaFieldClause,
  logsource: SigmaLogsourceMapping,
): CompiledClause {
  const key = [clause.field ?? '', ...clause.modifiers].join('|');
  const where = `'${key}'`;
  const chain = parseModifierChain(clause.modifiers, where, clause.pos);
  let field: SigmaFieldMapping | undefined;
  let keywordFields: SigmaFieldMapping[] = [];
  if (clause.field === null) {
    keywordFields = [...logsource.fields.values()].filter(
      (f) => f.type === 'string' || f.type === 'strings',
    );
    if (
      chain.comparison !== 'equals' &&
      chain.comparison !== 'contains' &&
      chain.comparison !== 'startswith' &&
      chain.comparison !== 'endswith' &&
      chain.comparison !== 're'
    ) {
      throw invalidRule(
        `${where}: keyword searches take string comparisons only, not '${chain.comparison}'`,
        clause.pos,
      );
    }
  } else {
    field = logsource.fields.get(clause.field);
    if (!field) {
      throw unsupportedFeature(
        `field ${clause.field}: Omega ${logsource.category} events do not carry it (mapped: ${[...logsource.fields.keys()].join(', ')})`,
        clause.pos,
      );
    }
  }
  if (chain.all && clause.values.length > 1 && clause.values.includes(null)) {
    throw invalidRule(`${where}: null cannot be combined with other values`, clause.pos);
  }
  const literalList = field ? compileLiteralList(field, clause, chain) : undefined;
  if (literalList) {
    return {
      clause,
      field,
      evaluate: literalList,
      matchedValues: (view) => matchedLiterals(field!, clause, chain, view),
    };
  }
  const tests: ValueTest[] = clause.values.map((value) =>
    field
      ? compileFieldValue(field, value, chain, where, clause, logsource)
      : compileKeyword(keywordFields, value, chain, where, clause),
  );
  const all = chain.all;
  const negated = chain.negated;
  let evaluate: (view: EventView) => boolean;
  if (tests.length === 1) {
    const only = tests[0]!;
    evaluate = negated ? (view) => !only(view) : only;
  } else if (all) {
    evaluate = (view) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i]!(view)) return negated;
      return !negated;
    };
  } else {
    evaluate = (view) => {
      for (let i = 0; i < tests.length; i++) if (tests[i]!(view)) return !negated;
      return negated;
    };
  }
  return {
    clause,
    field,
    evaluate,
    matchedValues: (view) => clause.values.filter((_, i) => tests[i]!(view) !== negated),
  };
}

/** Absent fields read as "" for string comparisons (proto3 has no presence for strings). */
function anyText(text: FieldText, test: (s: string) => boolean): boolean {
  if (text === undefined) return test('');
  if (typeof text === 'string') return test(text);
  for (let i = 0; i < text.length; i++) if (test(text[i]!)) return true;
  return false;
}

function present(text: FieldText): boolean {
  return text !== undefined && text !== '' && !(Array.isArray(text) && text.length === 0);
}

function compileFieldValue(
  field: SigmaFieldMapping,
  value: SigmaValue,
  chain: ModifierChain,
  where: string,
  clause: SigmaFieldClause,
  logsource: SigmaLogsourceMapping,
): ValueTest {
  const pos = clause.pos;
  switch (chain.comparison) {
    case 'exists': {
      if (typeof value !== 'boolean')
        throw invalidRule(`${where}: 'exists' takes true or false`, pos);
      return value ? (view) => present(view.text(field)) : (view) => !present(view.text(field));
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const bound =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(bound))
        throw invalidRule(
          `${where}: '${chain.comparison}' needs a number, got ${JSON.stringify(value)}`,
          pos,
        );
      const compare = numericComparison(chain.comparison, bound);
      return (view) => {
        const actual = view.value(field);
        if (typeof actual === 'number') return compare(actual);
        const text = view.text(field);
        if (typeof text !== 'string' || text.trim() === '') return false;
        const parsed = Number(text);
        return Number.isFinite(parsed) && compare(parsed);
      };
    }
    case 'cidr': {
      if (typeof value !== 'string')
        throw invalidRule(`${where}: 'cidr' needs a network string`, pos);
      const network = parseIpNetwork(value.trim());
      if (!network)
        throw invalidRule(`${where}: '${value}' is not an IPv4 or IPv6 CIDR network`, pos);
      return (view) => {
        const text = view.text(field);
        if (text === undefined) return false;
        if (typeof text === 'string') return network.contains(text);
        return text.some((t) => network.contains(t));
      };
    }
    case 'fieldref': {
      if (typeof value !== 'string')
        throw invalidRule(`${where}: 'fieldref' needs a field name`, pos);
      const other = logsource.fields.get(value);
      if (!other)
        throw unsupportedFeature(
          `field ${value} (fieldref): Omega ${logsource.category} events do not carry it`,
          pos,
        );
      const cased = chain.cased;
      return (view) => {
        const left = cased ? view.text(field) : view.lower(field);
        const right = cased ? view.text(other) : view.lower(other);
        if (!present(left) || !present(right)) return false;
        const rights = typeof right === 'string' ? [right] : (right as readonly string[]);
        return anyText(left, (l) => rights.includes(l));
      };
    }
    case 're': {
      if (value === null || typeof value === 'boolean')
        throw invalidRule(`${where}: 're' needs a pattern`, pos);
      const regex = compileRegex(String(value), chain.regexFlags, where, clause);
      return (view) => {
        const text = view.text(field);
        return text !== undefined && anyText(text, (s) => regex.test(s));
      };
    }
    default:
      break;
  }
  if (value === null) return (view) => !present(view.text(field));
  const tests = stringTests(value, chain, where, clause);
  const cased = chain.cased;
  if (tests.length === 1) {
    const test = tests[0]!;
    return cased
      ? (view) => anyText(view.text(field), test)
      : (view) => anyText(view.lower(field), test);
  }
  const any = (s: string): boolean => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(s)) return true;
    return false;
  };
  return cased
    ? (view) => anyText(view.text(field), any)
    : (view) => anyText(view.lower(field), any);
}

function compileKeyword(
  fields: readonly SigmaFieldMapping[],
  value: SigmaValue,
  chain: ModifierChain,
  where: string,
  clause: SigmaFieldClause,
): ValueTest {
  if (value === null) throw invalidRule(`${where}: a keyword cannot be null`, clause.pos);
  let test: (s: string) => boolean;
  if (chain.comparison === 're') {
    const regex = compileRegex(String(value), chain.regexFlags, where, clause);
    test = (s) => regex.test(s);
  } else {
    // A keyword is searched anywhere in the event's text: an implicit `contains`.
    const keywordChain: ModifierChain =
      chain.comparison === 'equals' ? { ...chain, comparison: 'contains' } : chain;
    const tests = stringTests(value, keywordChain, where, clause);
    test = (s) => tests.some((t) => t(s));
  }
  const cased = chain.cased || chain.comparison === 're';
  return (view) => {
    for (const field of fields) {
      const text = cased ? view.text(field) : view.lower(field);
      if (text !== undefined && anyText(text, test)) return true;
    }
    return false;
  };
}

function stringTests(
  value: string | number | boolean,
  chain: ModifierChain,
  where: string,
  clause: SigmaFieldClause,
): ((s: string) => boolean)[] {
  const base = typeof value === 'string' ? value : String(value);
  const variants =
    chain.transforms.length > 0
      ? transformValue(base, chain.transforms, where, clause.pos)
      : [base];
  return variants.map((variant) => {
    const pattern =
      chain.comparison === 'contains'
        ? `*${trailingEscapeSafe(variant)}*`
        : chain.comparison === 'startswith'
          ? `${trailingEscapeSafe(variant)}*`
          : chain.comparison === 'endswith'
            ? `*${variant}`
            : variant;
    return compileSigmaString(pattern, chain.cased).test;
  });
}

/**
 * A value ending in a single backslash would escape the `*` that contains/startswith append:
 * double it so it stays a plain backslash (`C:\dir\` + `*` must not become `C:\dir*`).
 */
function trailingEscapeSafe(value: string): string {
  let run = 0;
  for (let i = value.length - 1; i >= 0 && value[i] === '\\'; i--) run++;
  return run % 2 === 1 ? `${value}\\` : value;
}

function numericComparison(op: 'lt' | 'lte' | 'gt' | 'gte', bound: number): (n: number) => boolean {
  switch (op) {
    case 'lt':
      return (n) => n < bound;
    case 'lte':
      return (n) => n <= bound;
    case 'gt':
      return (n) => n > bound;
    case 'gte':
      return (n) => n >= bound;
  }
}

/**
 * Compiles a Sigma `re` value on RE2 (linear time in the text); a leading `(?i)`/`(?s)`/`(?m)`
 * group joins the sub-modifiers. A pattern RE2 cannot run is refused at load, naming the rule.
 */
export function compileRegex(
  pattern: string,
  subModifiers: string,
  where: string,
  clause: SigmaFieldClause,
): LinearRegex {
  let source = pattern;
  let flags = subModifiers;
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const flag of inline[1]!) if (!flags.includes(flag)) flags += flag;
  }
  try {
    return compileLinearRegex(source, flags);
  } catch (err) {
    throw invalidRule(
      `${where}: invalid regular expression '${pattern}': ${(err as Error).message}`,
      clause.pos,
    );
  }
}

/**
 * The common case, compiled without a closure per value: a list of plain strings (no wildcards,
 * no transforms) compared by equality (a Set), prefix, suffix or substring, any or all.
 */
function compileLiteralList(
  field: SigmaFieldMapping,
  clause: SigmaFieldClause,
  chain: ModifierChain,
): ValueTest | undefined {
  const { comparison } = chain;
  if (chain.transforms.length > 0 || chain.negated) return undefined;
  if (
    comparison !== 'equals' &&
    comparison !== 'contains' &&
    comparison !== 'startswith' &&
    comparison !== 'endswith'
  )
    return undefined;
  if (clause.values.length < 2) return undefined;
  const literals: string[] = [];
  for (const value of clause.values) {
    if (typeof value !== 'string' || /[*?\\]/.test(value)) return undefined;
    literals.push(chain.cased ? value : value.toLowerCase());
  }
  const read = chain.cased
    ? (view: EventView) => view.text(field)
    : (view: EventView) => view.lower(field);
  let test: (text: string) => boolean;
  if (comparison === 'equals') {
    const set = new Set(literals);
    test = chain.all ? (text) => literals.every((l) => l === text) : (text) => set.has(text);
  } else if (chain.all) {
    test =
      comparison === 'contains'
        ? (text) => {
            for (let i = 0; i < literals.length; i++)
              if (!text.includes(literals[i]!)) return false;
            return true;
          }
        : comparison === 'startswith'
          ? (text) => literals.every((l) => text.startsWith(l))
          : (text) => literals.every((l) => text.endsWith(l));
  } else {
    test =
      comparison === 'contains'
        ? (text) => {
            for (let i = 0; i < literals.length; i++) if (text.includes(literals[i]!)) return true;
            return false;
          }
        : comparison === 'startswith'
          ? (text) => {
              for (let i = 0; i < literals.length; i++)
                if (text.startsWith(literals[i]!)) return true;
              return false;
            }
          : (text) => {
              for (let i = 0; i < literals.length; i++)
                if (text.endsWith(literals[i]!)) return true;
              return false;
            };
  }
  return (view) => anyText(read(view), test);
}

function matchedLiterals(
  field: SigmaFieldMapping,
  clause: SigmaFieldClause,
  chain: ModifierChain,
  view: EventView,
): SigmaValue[] {
  const text = chain.cased ? view.text(field) : view.lower(field);
  return clause.values.filter((value) => {
    const literal = chain.cased ? String(value) : String(value).toLowerCase();
    const one = (s: string): boolean =>
      chain.comparison === 'equals'
        ? s === literal
        : chain.comparison === 'contains'
          ? s.includes(literal)
          : chain.comparison === 'startswith'
            ? s.startsWith(literal)
            : s.endsWith(literal);
    return anyText(text, one);
  });
}
