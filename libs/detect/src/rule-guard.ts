// A rule's guard: literal field tests of which at least one holds whenever the rule matches.
//
// The guard is derived from the condition tree: a search needs one of its alternatives, an
// alternative needs every clause (so any one clause's literals suffice), `and` needs every operand,
// `or` needs one. A clause yields literals only when its test implies them exactly (string
// comparisons without negation or transforms); anything else (`not`, regexes, keywords, null
// values, numeric and network tests) yields no guard, and the rule is then always evaluated.
import type { ConditionNode } from './condition-parser';
import { matchesIdentifierPattern } from './condition-parser';
import type { CompiledSigmaRule } from './compile-rule';
import type { SigmaFieldMapping } from './field-mapping';
import type { SigmaFieldClause, SigmaSearch } from './sigma-rule';
import { parseSigmaString } from './sigma-string';
import { parseModifierChain } from './value-modifiers';

export type GuardKind = 'equals' | 'startswith' | 'endswith' | 'contains';

/** One literal test on one field: `cased` false compares against the lower-cased field text. */
export interface GuardLiteral {
  readonly field: SigmaFieldMapping;
  readonly cased: boolean;
  readonly kind: GuardKind;
  readonly literal: string;
}

/** Literals of which one holds whenever the rule matches; undefined when none can be derived. */
export type RuleGuard = readonly GuardLiteral[] | undefined;

export function ruleGuard(compiled: CompiledSigmaRule): RuleGuard {
  const { rule, logsource } = compiled;
  const searches = new Map(rule.detection.searches.map((s) => [s.name, s]));
  const clauseGuard = (clause: SigmaFieldClause): RuleGuard => {
    const field = clause.field === null ? undefined : logsource.fields.get(clause.field);
    return field ? literalsOfClause(clause, field) : undefined;
  };
  const searchGuard = (search: SigmaSearch): RuleGuard => {
    if (search.alternatives.length === 0) return undefined;
    return union(search.alternatives.map((clauses) => best(clauses.map(clauseGuard))));
  };
  const nodeGuard = (node: ConditionNode): RuleGuard => {
    switch (node.kind) {
      case 'search': {
        const search = searches.get(node.name);
        return search ? searchGuard(search) : undefined;
      }
      case 'not':
        return undefined;
      case 'and':
        return best(node.operands.map(nodeGuard));
      case 'or':
        return union(node.operands.map(nodeGuard));
      case 'of': {
        const pattern = node.pattern;
        const selected = rule.detection.searches.filter((search) =>
          pattern === null
            ? !search.name.startsWith('_')
            : matchesIdentifierPattern(pattern, search.name),
        );
        if (selected.length === 0) return undefined;
        const guards = selected.map(searchGuard);
        return node.quantifier === 'one' ? union(guards) : best(guards);
      }
    }
  };
  return union(rule.detection.conditions.map((condition) => nodeGuard(condition.tree)));
}

function literalsOfClause(clause: SigmaFieldClause, field: SigmaFieldMapping): RuleGuard {
  const chain = parseModifierChain(clause.modifiers, clause.field ?? '', clause.pos);
  const { comparison } = chain;
  if (chain.negated || chain.transforms.length > 0 || clause.values.length === 0) return undefined;
  if (
    comparison !== 'equals' &&
    comparison !== 'contains' &&
    comparison !== 'startswith' &&
    comparison !== 'endswith'
  )
    return undefined;
  const literals: GuardLiteral[] = [];
  for (const value of clause.values) {
    if (value === null) return undefined;
    const text = String(value);
    // Backslashes interact with the `*` the compiler appends (trailingEscapeSafe): left unguarded.
    if (text.includes('\\')) return undefined;
    const cased = chain.cased;
    const norm = (s: string): string => (cased ? s : s.toLowerCase());
    const parts = parseSigmaString(text);
    let literal: GuardLiteral;
    if (parts.every((part) => typeof part === 'string')) {
      literal = { field, cased, kind: comparison, literal: norm(text) };
    } else {
      // With wildcards, every literal run must occur somewhere in the text: the longest is kept.
      const runs = parts.filter((part): part is string => typeof part === 'string');
      if (runs.length === 0) return undefined;
      const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
      literal = { field, cased, kind: 'contains', literal: norm(longest) };
    }
    // `all`: every value must match, so any one of them is a guard on its own.
    if (chain.all) return [literal];
    literals.push(literal);
  }
  return literals;
}

/** A guard for "every operand holds": the most selective operand's guard. */
function best(guards: readonly RuleGuard[]): RuleGuard {
  let chosen: RuleGuard;
  let chosenScore = -Infinity;
  for (const guard of guards) {
    if (!guard) continue;
    const score = selectivity(guard);
    if (score > chosenScore) {
      chosen = guard;
      chosenScore = score;
    }
  }
  return chosen;
}

/** A guard for "one operand holds": all operands' literals, or none if one operand has none. */
function union(guards: readonly RuleGuard[]): RuleGuard {
  if (guards.length === 0) return undefined;
  const literals: GuardLiteral[] = [];
  for (const guard of guards) {
    if (!guard) return undefined;
    literals.push(...guard);
  }
  return literals;
}

/** Higher is rarer: anchored and long literals pass fewer events than short substrings. */
function selectivity(guard: readonly GuardLiteral[]): number {
  let weakest = Infinity;
  for (const { kind, literal } of guard) {
    const bonus = kind === 'equals' ? 8 : kind === 'contains' ? 0 : 4;
    weakest = Math.min(weakest, literal.length + bonus);
  }
  return weakest - guard.length / 16;
}
