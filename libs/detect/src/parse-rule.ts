// Parses and validates Sigma rule YAML (single documents and `action: global` collections).
import { Code } from '@omega/errors';
import {
  matchesIdentifierPattern,
  parseCondition,
  referencedSearches,
  type ConditionNode,
} from './condition-parser';
import { attackTechniquesFromTags, SEVERITY_BY_LEVEL, SIGMA_LEVELS } from './rule-metadata';
import { parseRuleSampleEvents } from './rule-sample-events';
import type {
  SigmaCondition,
  SigmaDetection,
  SigmaFieldClause,
  SigmaLevel,
  SigmaLogsource,
  SigmaRule,
  SigmaSearch,
  SigmaStatus,
  SigmaValue,
} from './sigma-rule';
import {
  invalidRule,
  SigmaRuleError,
  unsupportedFeature,
  type SourcePosition,
} from './sigma-rule-error';
import { entryOf, mergeTrees, parseYamlDocuments, type YamlMap, type YamlTree } from './yaml-tree';

export interface ParseSigmaOptions {
  /** File name or label for error messages and rejections. */
  readonly source?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES: readonly SigmaStatus[] = [
  'stable',
  'test',
  'experimental',
  'deprecated',
  'unsupported',
];

/** Parses a text that must hold exactly one rule (a collection that yields one rule is fine). */
export function parseSigmaRule(text: string, options: ParseSigmaOptions = {}): SigmaRule {
  const rules = parseSigmaRules(text, options);
  if (rules.length !== 1) {
    throw new SigmaRuleError(
      Code.InvalidArgument,
      `expected one rule, found ${rules.length}; use parseSigmaRules for collections`,
      { source: options.source },
    );
  }
  return rules[0]!;
}

/**
 * Parses every rule in a text: one document, several documents, or a Sigma v1 collection whose
 * first document has `action: global` (merged into each following document). `action: reset` and
 * `action: repeat` are rejected by name.
 */
export function parseSigmaRules(text: string, options: ParseSigmaOptions = {}): SigmaRule[] {
  let docs: YamlTree[];
  try {
    docs = parseYamlDocuments(text);
  } catch (err) {
    throw err instanceof SigmaRuleError ? err.withContext(options.source, undefined) : err;
  }
  if (docs.length === 0) {
    throw new SigmaRuleError(Code.InvalidArgument, 'no YAML document', { source: options.source });
  }
  let global: YamlTree | undefined;
  const rules: SigmaRule[] = [];
  for (const doc of docs) {
    const action = doc.kind === 'map' ? entryOf(doc, 'action') : undefined;
    if (action) {
      const name = action.value.kind === 'scalar' ? String(action.value.value) : '';
      if (name === 'global') {
        global = global ? mergeTrees(global, withoutAction(doc)) : withoutAction(doc);
        continue;
      }
      throw unsupportedFeature(
        `collection action '${name}' is not supported (only 'global')`,
        action.keyPos,
      ).withContext(options.source, undefined);
    }
    const merged = global ? mergeTrees(global, doc) : doc;
    rules.push(ruleFromTree(merged, options.source));
  }
  if (rules.length === 0) {
    throw new SigmaRuleError(
      Code.InvalidArgument,
      "collection has only an 'action: global' document",
      {
        source: options.source,
      },
    );
  }
  return rules;
}

function withoutAction(doc: YamlTree): YamlTree {
  if (doc.kind !== 'map') return doc;
  return { ...doc, entries: doc.entries.filter((entry) => entry.key !== 'action') };
}

function ruleFromTree(tree: YamlTree, source: string | undefined): SigmaRule {
  if (tree.kind !== 'map')
    throw invalidRule('a rule must be a YAML map', tree.pos).withContext(source, undefined);
  const idEntry = entryOf(tree, 'id');
  const rawId = idEntry?.value.kind === 'scalar' ? idEntry.value.value : undefined;
  const ruleId = typeof rawId === 'string' ? rawId : undefined;
  try {
    return buildRule(tree, source, ruleId);
  } catch (err) {
    throw err instanceof SigmaRuleError ? err.withContext(source, ruleId) : err;
  }
}

function buildRule(
  tree: YamlMap,
  source: string | undefined,
  ruleId: string | undefined,
): SigmaRule {
  for (const unsupported of ['correlation', 'filter'] as const) {
    const entry = entryOf(tree, unsupported);
    if (entry) {
      throw unsupportedFeature(
        `${unsupported} rules are not supported (Sigma ${unsupported} specification)`,
        entry.keyPos,
      );
    }
  }
  const title = requiredString(tree, 'title');
  if (ruleId === undefined) {
    const entry = entryOf(tree, 'id');
    throw invalidRule(
      entry ? 'id must be a string UUID' : 'missing required field id',
      entry?.value.pos ?? tree.pos,
    );
  }
  if (!UUID.test(ruleId))
    throw invalidRule(`id '${ruleId}' is not a UUID`, entryOf(tree, 'id')!.value.pos);
  const status = optionalEnum(tree, 'status', STATUSES);
  const level = optionalEnum(tree, 'level', SIGMA_LEVELS);
  const tags = optionalStrings(tree, 'tags');
  const logsource = parseLogsource(tree);
  const detection = parseDetection(tree);
  const samples = parseRuleSampleEvents(tree);
  return {
    source,
    id: ruleId,
    title,
    status,
    description: optionalString(tree, 'description'),
    ...authorOf(tree),
    level,
    severityId: level ? SEVERITY_BY_LEVEL[level as SigmaLevel] : 0,
    tags,
    attackTechniques: attackTechniquesFromTags(tags),
    logsource,
    detection,
    falsepositives: optionalStrings(tree, 'falsepositives'),
    ...(samples ? { samples } : {}),
    pos: tree.pos,
  };
}

/** `author` as written (a list joined): kept for attribution, never a reason to reject a rule. */
function authorOf(map: YamlMap): { author?: string } {
  const value = entryOf(map, 'author')?.value;
  if (value?.kind === 'scalar' && typeof value.value === 'string') return { author: value.value };
  if (value?.kind === 'seq') {
    const names = value.items.flatMap((i) =>
      i.kind === 'scalar' && i.value ? [String(i.value)] : [],
    );
    if (names.length > 0) return { author: names.join(', ') };
  }
  return {};
}

function requiredString(map: YamlMap, key: string): string {
  const entry = entryOf(map, key);
  if (!entry) throw invalidRule(`missing required field ${key}`, map.pos);
  if (
    entry.value.kind !== 'scalar' ||
    typeof entry.value.value !== 'string' ||
    entry.value.value.trim() === ''
  ) {
    throw invalidRule(`${key} must be a non-empty string`, entry.value.pos);
  }
  return entry.value.value;
}

function optionalString(map: YamlMap, key: string): string | undefined {
  const entry = entryOf(map, key);
  if (!entry || (entry.value.kind === 'scalar' && entry.value.value === null)) return undefined;
  if (entry.value.kind !== 'scalar' || typeof entry.value.value !== 'string') {
    throw invalidRule(`${key} must be a string`, entry.value.pos);
  }
  return entry.value.value;
}

function optionalEnum<T extends string>(
  map: YamlMap,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(map, key);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidRule(
      `${key} '${value}' is not one of ${allowed.join(', ')}`,
      entryOf(map, key)!.value.pos,
    );
  }
  return value as T;
}

function optionalStrings(map: YamlMap, key: string): string[] {
  const entry = entryOf(map, key);
  if (!entry || (entry.value.kind === 'scalar' && entry.value.value === null)) return [];
  if (entry.value.kind !== 'seq')
    throw invalidRule(`${key} must be a list of strings`, entry.value.pos);
  return entry.value.items.map((item) => {
    if (item.kind !== 'scalar' || item.value === null || typeof item.value === 'object') {
      throw invalidRule(`${key} must be a list of strings`, item.pos);
    }
    return String(item.value);
  });
}

function parseLogsource(rule: YamlMap): SigmaLogsource {
  const entry = entryOf(rule, 'logsource');
  if (!entry) throw invalidRule('missing required field logsource', rule.pos);
  if (entry.value.kind !== 'map') throw invalidRule('logsource must be a map', entry.value.pos);
  const logsource: SigmaLogsource = {
    category: optionalString(entry.value, 'category'),
    product: optionalString(entry.value, 'product'),
    service: optionalString(entry.value, 'service'),
    definition: optionalString(entry.value, 'definition'),
  };
  if (!logsource.category && !logsource.product && !logsource.service) {
    throw invalidRule(
      'logsource needs at least one of category, product, service',
      entry.value.pos,
    );
  }
  return logsource;
}

function parseDetection(rule: YamlMap): SigmaDetection {
  const entry = entryOf(rule, 'detection');
  if (!entry) throw invalidRule('missing required field detection', rule.pos);
  const detection = entry.value;
  if (detection.kind !== 'map') throw invalidRule('detection must be a map', detection.pos);
  const searches: SigmaSearch[] = [];
  let conditionEntry: (typeof detection.entries)[number] | undefined;
  for (const item of detection.entries) {
    if (item.key === 'condition') {
      conditionEntry = item;
    } else if (item.key === 'timeframe') {
      throw unsupportedFeature(
        'detection.timeframe (aggregation windows) is not supported',
        item.keyPos,
      );
    } else {
      searches.push(parseSearch(item.key, item.value, item.keyPos));
    }
  }
  if (!conditionEntry) throw invalidRule('detection has no condition', detection.pos);
  if (searches.length === 0)
    throw invalidRule('detection has no search identifiers', detection.pos);
  const conditions = parseConditions(conditionEntry.value);
  const names = new Set(searches.map((search) => search.name));
  for (const condition of conditions) checkReferences(condition, names);
  return { searches, conditions };
}

function parseConditions(value: YamlTree): SigmaCondition[] {
  const items = value.kind === 'seq' ? value.items : [value];
  if (items.length === 0) throw invalidRule('condition list is empty', value.pos);
  return items.map((item) => {
    if (item.kind !== 'scalar' || typeof item.value !== 'string') {
      throw invalidRule('condition must be a string or a list of strings', item.pos);
    }
    return { text: item.value, tree: parseCondition(item.value, item.pos), pos: item.pos };
  });
}

function checkReferences(condition: SigmaCondition, names: ReadonlySet<string>): void {
  for (const name of referencedSearches(condition.tree)) {
    if (!names.has(name)) {
      throw invalidRule(
        `condition '${condition.text}' refers to undefined search '${name}'`,
        condition.pos,
      );
    }
  }
  const visit = (node: ConditionNode): void => {
    if (node.kind === 'and' || node.kind === 'or') node.operands.forEach(visit);
    else if (node.kind === 'not') visit(node.operand);
    else if (node.kind === 'of' && node.pattern !== null) {
      const pattern = node.pattern;
      if (![...names].some((name) => matchesIdentifierPattern(pattern, name))) {
        throw invalidRule(
          `condition '${condition.text}': '${pattern}' matches no search identifier`,
          condition.pos,
        );
      }
    }
  };
  visit(condition.tree);
}

function parseSearch(name: string, value: YamlTree, pos: SourcePosition): SigmaSearch {
  if (value.kind === 'map') return { name, alternatives: [parseClauses(value)], pos };
  if (value.kind === 'seq') {
    if (value.items.length === 0) throw invalidRule(`search '${name}' is an empty list`, value.pos);
    if (value.items.every((item) => item.kind === 'map')) {
      return { name, alternatives: value.items.map((item) => parseClauses(item as YamlMap)), pos };
    }
    if (value.items.every((item) => item.kind === 'scalar')) {
      const values = value.items.map((item) => scalarValue(item, `search '${name}'`));
      return {
        name,
        alternatives: [[{ field: null, modifiers: [], values, listed: true, pos: value.pos }]],
        pos,
      };
    }
    throw invalidRule(`search '${name}' mixes maps and plain values in one list`, value.pos);
  }
  throw invalidRule(`search '${name}' must be a map or a list`, value.pos);
}

function parseClauses(map: YamlMap): SigmaFieldClause[] {
  if (map.entries.length === 0) throw invalidRule('empty selection map', map.pos);
  return map.entries.map((entry) => {
    const [field = '', ...modifiers] = entry.key.split('|');
    const where = `'${entry.key}'`;
    let values: SigmaValue[];
    let listed = false;
    if (entry.value.kind === 'seq') {
      listed = true;
      if (entry.value.items.length === 0)
        throw invalidRule(`${where} has an empty value list`, entry.value.pos);
      values = entry.value.items.map((item) => scalarValue(item, where));
      if (values.length > 1 && values.includes(null)) {
        throw invalidRule(
          `${where}: null cannot be part of a list of values (use its own selection)`,
          entry.value.pos,
        );
      }
    } else {
      values = [scalarValue(entry.value, where)];
    }
    return { field: field === '' ? null : field, modifiers, values, listed, pos: entry.keyPos };
  });
}

function scalarValue(tree: YamlTree, where: string): SigmaValue {
  if (tree.kind !== 'scalar') throw invalidRule(`${where}: values must be scalars`, tree.pos);
  return tree.value;
}
