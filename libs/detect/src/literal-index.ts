// One field's guard literals in matchers that visit the field's text once: a Map for equality,
// tries for prefixes and suffixes, Aho–Corasick for substrings. Each reports the ids of the
// literals' owners (rule positions) whose literal holds.
import type { EventView, FieldText } from './event-view';
import type { SigmaFieldMapping } from './field-mapping';
import type { GuardKind } from './rule-guard';

interface TrieNode {
  readonly next: Map<number, TrieNode>;
  /** Owners whose literal ends at this node. */
  owners: number[];
  /** Aho–Corasick: longest proper suffix that is also a path from the root. */
  fail: TrieNode | undefined;
  /** Aho–Corasick: owners of this node and of every node on its fail chain. */
  output: number[];
}

function newNode(): TrieNode {
  return { next: new Map(), owners: [], fail: undefined, output: [] };
}

function insert(root: TrieNode, literal: string, owner: number, reversed: boolean): void {
  let node = root;
  for (let k = 0; k < literal.length; k++) {
    const code = literal.charCodeAt(reversed ? literal.length - 1 - k : k);
    let child = node.next.get(code);
    if (!child) {
      child = newNode();
      node.next.set(code, child);
    }
    node = child;
  }
  if (!node.owners.includes(owner)) node.owners.push(owner);
}

/** Fills fail links and outputs breadth-first (Aho & Corasick 1975). */
function linkAhoCorasick(root: TrieNode): void {
  root.output = root.owners;
  const queue: TrieNode[] = [];
  for (const child of root.next.values()) {
    child.fail = root;
    child.output = [...child.owners, ...root.output];
    queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const [code, child] of node.next) {
      let fail = node.fail;
      while (fail && !fail.next.has(code)) fail = fail.fail;
      child.fail = fail ? fail.next.get(code)! : root;
      child.output = [...new Set([...child.owners, ...child.fail.output])];
      queue.push(child);
    }
  }
}

export class FieldLiteralIndex {
  private readonly equals = new Map<string, number[]>();
  private readonly prefixes = newNode();
  private readonly suffixes = newNode();
  private readonly substrings = newNode();
  private hasPrefixes = false;
  private hasSuffixes = false;
  private hasSubstrings = false;

  constructor(
    readonly field: SigmaFieldMapping,
    readonly cased: boolean,
  ) {}

  add(kind: GuardKind, literal: string, owner: number): void {
    switch (kind) {
      case 'equals': {
        const owners = this.equals.get(literal) ?? [];
        if (!owners.includes(owner)) owners.push(owner);
        this.equals.set(literal, owners);
        return;
      }
      case 'startswith':
        insert(this.prefixes, literal, owner, false);
        this.hasPrefixes = true;
        return;
      case 'endswith':
        insert(this.suffixes, literal, owner, true);
        this.hasSuffixes = true;
        return;
      case 'contains':
        insert(this.substrings, literal, owner, false);
        this.hasSubstrings = true;
        return;
    }
  }

  /** Call once after the last add. */
  seal(): void {
    if (this.hasSubstrings) linkAhoCorasick(this.substrings);
  }

  /** Calls `hit` for every owner with a literal that holds on the view's field (maybe repeatedly). */
  collect(view: EventView, hit: (owner: number) => void): void {
    const text: FieldText = this.cased ? view.text(this.field) : view.lower(this.field);
    // Absent fields read as "" for string comparisons, as in field-clause.ts.
    if (text === undefined) this.collectText('', hit);
    else if (typeof text === 'string') this.collectText(text, hit);
    else for (let i = 0; i < text.length; i++) this.collectText(text[i]!, hit);
  }

  private collectText(text: string, hit: (owner: number) => void): void {
    const exact = this.equals.get(text);
    if (exact) for (let i = 0; i < exact.length; i++) hit(exact[i]!);
    if (this.hasPrefixes) {
      let node: TrieNode | undefined = this.prefixes;
      for (let k = 0; node; k++) {
        for (let i = 0; i < node.owners.length; i++) hit(node.owners[i]!);
        if (k === text.length) break;
        node = node.next.get(text.charCodeAt(k));
      }
    }
    if (this.hasSuffixes) {
      let node: TrieNode | undefined = this.suffixes;
      for (let k = text.length - 1; node; k--) {
        for (let i = 0; i < node.owners.length; i++) hit(node.owners[i]!);
        if (k < 0) break;
        node = node.next.get(text.charCodeAt(k));
      }
    }
    if (this.hasSubstrings) {
      const root = this.substrings;
      let node = root;
      for (let i = 0; i < root.output.length; i++) hit(root.output[i]!);
      for (let k = 0; k < text.length; k++) {
        const code = text.charCodeAt(k);
        let next = node.next.get(code);
        while (!next && node !== root) {
          node = node.fail!;
          next = node.next.get(code);
        }
        node = next ?? root;
        const output = node.output;
        for (let i = 0; i < output.length; i++) hit(output[i]!);
      }
    }
  }
}
