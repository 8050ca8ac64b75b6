// Compiles a parsed Sigma rule once into a predicate over Omega events, plus match evidence.
import type { Event } from '@omega/proto';
import { matchesIdentifierPattern, type ConditionNode } from './condition-parser';
import { EventView } from './event-view';
import type { SigmaLogsourceMapping } from './field-mapping';
import { compileClause, type CompiledClause } from './field-clause';
import { resolveLogsource } from './logsource';
import type { SigmaRule, SigmaValue } from './sigma-rule';
import { SigmaRuleError } from './sigma-rule-error';

type ViewTest = (view: EventView) => boolean;

/** Why a rule matched: per search, whether it matched and which values of which clauses did. */
export interface SigmaMatchEvidence {
  readonly ruleId: string;
  readonly matched: boolean;
  readonly searches: readonly SearchEvidence[];
}

export interface SearchEvidence {
  readonly name: string;
  readonly matched: boolean;
  /**
   * Whether this search is one of those that made the condition true: matched, and not under a
   * `not` or in an `and` whose other operands failed. Only these explain an alert (a search can
   * match and still have no part in the verdict).
   */
  readonly contributed: boolean;
  /** Clauses of the first alternative that matched (all clauses of the first one when none did). */
  readonly clauses: readonly ClauseEvidence[];
}

export interface ClauseEvidence {
  /** `Field|modifiers` as written; `|modifiers` alone for keywords. */
  readonly key: string;
  /** The Omega event field it reads; "*" for keyword searches. */
  readonly omegaField: string;
  readonly matched: boolean;
  readonly matchedValues: readonly SigmaValue[];
  /** The event's value of the field (keywords: omitted). */
  readonly eventValue?: string | number | boolean | readonly string[];
}

export interface CompiledSigmaRule {
  readonly rule: SigmaRule;
  readonly logsource: SigmaLogsourceMapping;
  /** Whether the rule matches the event (allocates one EventView per call; see matchesView). */
  matches(event: Event): boolean;
  /** The hot path: the view caches field reads across every rule evaluated on one event. */
  matchesView(view: EventView): boolean;
  /** Re-evaluates with evidence recording, for alert explanations. */
  explain(event: Event): SigmaMatchEvidence;
}

interface CompiledSearch {
  readonly name: string;
  readonly alternatives: readonly (readonly CompiledClause[])[];
  readonly test: ViewTest;
}

/** Compiles a rule; throws SigmaRuleError (InvalidArgument or Unimplemented) naming what failed. */
export function compileSigmaRule(rule: SigmaRule): CompiledSigmaRule {
  try {
    return compile(rule);
  } catch (err) {
    throw err instanceof SigmaRuleError ? err.withContext(rule.source, rule.id) : err;
  }
}

function compile(rule: SigmaRule): CompiledSigmaRule {
  const logsource = resolveLogsource(rule);
  const searches = new Map<string, CompiledSearch>();
  for (const search of rule.detection.searches) {
    const alternatives = search.alternatives.map((clauses) =>
      clauses.map((clause) => compileClause(clause, logsource)),
    );
    searches.set(search.name, {
      name: search.name,
      alternatives,
      test: anyOfAlternatives(alternatives),
    });
  }
  const conditions = rule.detection.conditions.map((condition) =>
    compileCondition(condition.tree, searches),
  );
  const condition: ViewTest =
    conditions.length === 1 ? conditions[0]! : (view) => conditions.some((test) => test(view));
  const accepts = logsource.accepts;
  const matchesView = (view: EventView): boolean => accepts(view.event) && condition(view);
  return {
    rule,
    logsource,
    matchesView,
    matches: (event) => matchesView(new EventView().reset(event)),
    explain: (event) => {
      const view = new EventView().reset(event);
      const matched = matchesView(view);
      const evidence = [...searches.values()].map((search) => searchEvidence(search, view));
      const matchedNames = new Set(evidence.filter((e) => e.matched).map((e) => e.name));
      const contributing = new Set<string>();
      if (matched) {
        for (const condition of rule.detection.conditions) {
          for (const name of contributorsOf(condition.tree, matchedNames, searches) ?? []) {
            contributing.add(name);
          }
        }
      }
      return {
        ruleId: rule.id,
        matched,
        searches: evidence.map((e) => ({ ...e, contributed: contributing.has(e.name) })),
      };
    },
  };
}

function anyOfAlternatives(alternatives: readonly (readonly CompiledClause[])[]): ViewTest {
  const tests = alternatives.map((clauses) => {
    const evaluators = clauses.map((clause) => clause.evaluate);
    if (evaluators.length === 1) return evaluators[0]!;
    return (view: EventView): boolean => {
      for (let i = 0; i < evaluators.length; i++) if (!evaluators[i]!(view)) return false;
      return true;
    };
  });
  if (tests.length === 1) return tests[0]!;
  return (view) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(view)) return true;
    return false;
  };
}

function compileCondition(
  node: ConditionNode,
  searches: ReadonlyMap<string, CompiledSearch>,
): ViewTest {
  switch (node.kind) {
    case 'search':
      return searches.get(node.name)!.test;
    case 'not': {
      const operand = compileCondition(node.operand, searches);
      return (view) => !operand(view);
    }
    case 'and': {
      const operands = node.operands.map((operand) => compileCondition(operand, searches));
      return (view) => {
        for (let i = 0; i < operands.length; i++) if (!operands[i]!(view)) return false;
        return true;
      };
    }
    case 'or': {
      const operands = node.operands.map((operand) => compileCondition(operand, searches));
      return (view) => {
        for (let i = 0; i < operands.length; i++) if (operands[i]!(view)) return true;
        return false;
      };
    }
    case 'of': {
      const pattern = node.pattern;
      // `them` leaves out identifiers starting with "_" (Sigma rules specification, "Condition").
      const selected = [...searches.values()].filter((search) =>
        pattern === null
          ? !search.name.startsWith('_')
          : matchesIdentifierPattern(pattern, search.name),
      );
      const tests = selected.map((search) => search.test);
      if (node.quantifier === 'one') {
        return (view) => {
          for (let i = 0; i < tests.length; i++) if (tests[i]!(view)) return true;
          return false;
        };
      }
      return (view) => {
        for (let i = 0; i < tests.length; i++) if (!tests[i]!(view)) return false;
        return true;
      };
    }
  }
}

/**
 * The searches that make `node` true, or undefined when it is false. A `not` that holds is true
 * through searches that did not match, so it cites none; an `or` cites each true operand.
 */
function contributorsOf(
  node: ConditionNode,
  matched: ReadonlySet<string>,
  searches: ReadonlyMap<string, CompiledSearch>,
): readonly string[] | undefined {
  switch (node.kind) {
    case 'search':
      return matched.has(node.name) ? [node.name] : undefined;
    case 'not':
      return contributorsOf(node.operand, matched, searches) === undefined ? [] : undefined;
    case 'and': {
      const all: string[] = [];
      for (const operand of node.operands) {
        const names = contributorsOf(operand, matched, searches);
        if (names === undefined) return undefined;
        all.push(...names);
      }
      return all;
    }
    case 'or': {
      const parts = node.operands.map((operand) => contributorsOf(operand, matched, searches));
      if (parts.every((names) => names === undefined)) return undefined;
      return parts.flatMap((names) => names ?? []);
    }
    case 'of': {
      const pattern = node.pattern;
      const selected = [...searches.keys()].filter((name) =>
        pattern === null ? !name.startsWith('_') : matchesIdentifierPattern(pattern, name),
      );
      const hits = selected.filter((name) => matched.has(name));
      if (node.quantifier === 'one') return hits.length > 0 ? hits : undefined;
      return hits.length === selected.length ? hits : undefined;
    }
  }
}

function searchEvidence(
  search: CompiledSearch,
  view: EventView,
): Omit<SearchEvidence, 'contributed'> {
  const matchedAlternative = search.alternatives.find((clauses) =>
    clauses.every((clause) => clause.evaluate(view)),
  );
  const shown = matchedAlternative ?? search.alternatives[0] ?? [];
  return {
    name: search.name,
    matched: matchedAlternative !== undefined,
    clauses: shown.map((clause) => {
      const eventValue = clause.field ? view.value(clause.field) : undefined;
      return {
        key: [clause.clause.field ?? '', ...clause.clause.modifiers].join('|'),
        omegaField: clause.field?.omegaField ?? '*',
        matched: clause.evaluate(view),
        matchedValues: clause.matchedValues(view),
        ...(eventValue !== undefined ? { eventValue } : {}),
      };
    }),
  };
}
