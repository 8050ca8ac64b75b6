// A position-carrying view of YAML documents: rule parsing needs line:column for every key and value.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Node as YamlNode,
} from 'yaml';
import { invalidRule, type SourcePosition } from './sigma-rule-error';

export type YamlScalar = string | number | boolean | null;

export type YamlTree =
  | { readonly kind: 'scalar'; readonly value: YamlScalar; readonly pos: SourcePosition }
  | { readonly kind: 'seq'; readonly items: readonly YamlTree[]; readonly pos: SourcePosition }
  | { readonly kind: 'map'; readonly entries: readonly YamlEntry[]; readonly pos: SourcePosition };

export interface YamlEntry {
  readonly key: string;
  readonly keyPos: SourcePosition;
  readonly value: YamlTree;
}

export type YamlMap = Extract<YamlTree, { kind: 'map' }>;

/** Parses every document in `text`; YAML syntax errors are reported with their position. */
export function parseYamlDocuments(text: string): YamlTree[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) {
    // An empty stream: parseAllDocuments answers with an EmptyStream.
    return [];
  }
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const trees: YamlTree[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw invalidRule(`YAML: ${firstLine(error.message)}`, at(error.pos[0]));
    if (doc.contents === null) continue;
    trees.push(toTree(doc.contents as YamlNode, at));
  }
  return trees;
}

function toTree(node: YamlNode, at: (offset: number) => SourcePosition): YamlTree {
  const pos = at(node.range?.[0] ?? 0);
  if (isAlias(node)) throw invalidRule('YAML aliases are not supported in rules', pos);
  if (isScalar(node)) {
    const value = node.value;
    if (value === null || value === undefined) return { kind: 'scalar', value: null, pos };
    if (typeof value === 'string' || typeof value === 'boolean') {
      return { kind: 'scalar', value, pos };
    }
    if (typeof value === 'number') return { kind: 'scalar', value, pos };
    if (typeof value === 'bigint') return { kind: 'scalar', value: Number(value), pos };
    // Timestamps and binary scalars only appear with custom tags; keep their source text.
    return { kind: 'scalar', value: String(node.source ?? value), pos };
  }
  if (isSeq(node)) {
    return { kind: 'seq', items: node.items.map((item) => toTree(item as YamlNode, at)), pos };
  }
  if (isMap(node)) {
    const entries: YamlEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const keyPos = keyNode ? at(keyNode.range?.[0] ?? 0) : pos;
      if (!isScalar(keyNode)) throw invalidRule('map keys must be plain scalars', keyPos);
      const key = keyNode.value === null ? '' : String(keyNode.value);
      const valueNode = pair.value as YamlNode | null;
      const value: YamlTree = valueNode
        ? toTree(valueNode, at)
        : { kind: 'scalar', value: null, pos: keyPos };
      entries.push({ key, keyPos, value });
    }
    return { kind: 'map', entries, pos };
  }
  throw invalidRule('unexpected YAML node', pos);
}

/** The entry named `key` in a map, if any. */
export function entryOf(map: YamlMap, key: string): YamlEntry | undefined {
  return map.entries.find((entry) => entry.key === key);
}

/**
 * Deep merge for Sigma collections (`action: global`): maps merge key by key, the document's own
 * value wins for scalars and sequences.
 */
export function mergeTrees(base: YamlTree, own: YamlTree): YamlTree {
  if (base.kind !== 'map' || own.kind !== 'map') return own;
  const entries: YamlEntry[] = [];
  for (const entry of base.entries) {
    const override = entryOf(own, entry.key);
    entries.push(
      override ? { ...override, value: mergeTrees(entry.value, override.value) } : entry,
    );
  }
  for (const entry of own.entries) {
    if (!entryOf(base, entry.key)) entries.push(entry);
  }
  return { kind: 'map', entries, pos: own.pos };
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}
