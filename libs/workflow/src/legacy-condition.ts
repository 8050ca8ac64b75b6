// The step-condition language of plans recorded before conditions became CEL (plan version 1),
// kept only so workflows started before an upgrade finish as they began. Playbooks can no longer
// be written in it: the parser accepts CEL alone (see condition.ts). Frozen: do not extend.
//
// It was a small, total language over template references, e.g.
// `${alert.severity} in [high, critical] and ${steps.simulate.cuts_crown_jewel} != "true"`.
//
//   expr    := or
//   or      := and ("or" and)*
//   and     := unary ("and" unary)*
//   unary   := "not" unary | "(" expr ")" | compare
//   compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "in") operand)?
//   operand := ${ref} | "string" | 'string' | number | bare-word | "[" operand ("," operand)* "]"
//
// A lone operand is true unless it is "", "false" or "0". Numbers compare numerically when both
// sides parse as numbers. Parse errors name the column.
import { Code, OmegaError } from '@omega/errors';
import type { Scope } from './template';

type Token = { kind: 'ref' | 'str' | 'word' | 'op' | 'punct'; text: string; col: number };
type Value = string | string[];

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'];
const WORD_OPERATORS = new Set(['and', 'or', 'not', 'in', 'contains']);

function tokenize(source: string, where: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string): never => {
    throw new OmegaError(Code.InvalidArgument, `${where}: ${message} at column ${i + 1}`);
  };
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (source.startsWith('${', i)) {
      const end = source.indexOf('}', i);
      if (end < 0) fail('unclosed ${');
      tokens.push({ kind: 'ref', text: source.slice(i + 2, end).trim(), col: i + 1 });
      i = end + 1;
    } else if (ch === '"' || ch === "'") {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) fail(`unclosed ${ch}`);
      tokens.push({ kind: 'str', text: source.slice(i + 1, end), col: i + 1 });
      i = end + 1;
    } else if ('()[],'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, col: i + 1 });
      i++;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op) {
        tokens.push({ kind: 'op', text: op, col: i + 1 });
        i += op.length;
        continue;
      }
      const word = /^[A-Za-z0-9_.:/-]+/.exec(source.slice(i))?.[0];
      if (!word) fail(`unexpected character '${ch}'`);
      const text = word as string;
      tokens.push({ kind: WORD_OPERATORS.has(text) ? 'op' : 'word', text, col: i + 1 });
      i += text.length;
    }
  }
  return tokens;
}

type Node =
  | { kind: 'or' | 'and'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'compare'; op: string; left: Operand; right: Operand }
  | { kind: 'truthy'; operand: Operand };
type Operand =
  | { kind: 'ref'; name: string }
  | { kind: 'lit'; value: string }
  | { kind: 'list'; items: Operand[] };

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly where: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.pos < this.tokens.length) this.fail(`unexpected '${this.peek()?.text}'`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private fail(message: string): never {
    const col = this.peek()?.col;
    throw new OmegaError(
      Code.InvalidArgument,
      `${this.where}: ${message}${col ? ` at column ${col}` : ' at the end'}`,
    );
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'op' && t.text === text;
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('or')) {
      this.pos++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.isOp('and')) {
      this.pos++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('not')) {
      this.pos++;
      return { kind: 'not', operand: this.unary() };
    }
    const t = this.peek();
    if (t?.kind === 'punct' && t.text === '(') {
      this.pos++;
      const inner = this.or();
      const close = this.peek();
      if (close?.kind !== 'punct' || close.text !== ')') this.fail("expected ')'");
      this.pos++;
      return inner;
    }
    const left = this.operand();
    const op = this.peek();
    if (op?.kind === 'op' && !['and', 'or', 'not'].includes(op.text)) {
      this.pos++;
      return { kind: 'compare', op: op.text, left, right: this.operand() };
    }
    return { kind: 'truthy', operand: left };
  }

  private operand(): Operand {
    const t = this.peek();
    if (!t) return this.fail('expected a value');
    if (t.kind === 'ref') {
      this.pos++;
      return { kind: 'ref', name: t.text };
    }
    if (t.kind === 'str' || t.kind === 'word') {
      this.pos++;
      return { kind: 'lit', value: t.text };
    }
    if (t.kind === 'punct' && t.text === '[') {
      this.pos++;
      const items: Operand[] = [];
      while (!(this.peek()?.kind === 'punct' && this.peek()?.text === ']')) {
        items.push(this.operand());
        const sep = this.peek();
        if (sep?.kind === 'punct' && sep.text === ',') this.pos++;
        else if (!(sep?.kind === 'punct' && sep.text === ']')) this.fail("expected ',' or ']'");
      }
      this.pos++;
      return { kind: 'list', items };
    }
    return this.fail(`expected a value, found '${t.text}'`);
  }
}

/** Parses a condition; throws InvalidArgument naming `where` and the column. */
function parseCondition(source: string, where: string): Node {
  return new Parser(tokenize(source, where), where).parse();
}

/** Evaluates a condition; an unknown reference is the empty string (a missing label is falsy). */
export function evaluateLegacyCondition(source: string, scope: Scope, where: string): boolean {
  const lookup = (name: string): string => {
    const split = name.indexOf(':-');
    return split < 0 ? (scope(name) ?? '') : (scope(name.slice(0, split)) ?? name.slice(split + 2));
  };
  const value = (o: Operand): Value =>
    o.kind === 'ref'
      ? lookup(o.name)
      : o.kind === 'lit'
        ? o.value
        : o.items.map((i) => value(i) as string);
  const truthy = (v: Value): boolean =>
    Array.isArray(v) ? v.length > 0 : v !== '' && v !== 'false' && v !== '0';
  const evaluate = (n: Node): boolean => {
    switch (n.kind) {
      case 'or':
        return evaluate(n.left) || evaluate(n.right);
      case 'and':
        return evaluate(n.left) && evaluate(n.right);
      case 'not':
        return !evaluate(n.operand);
      case 'truthy':
        return truthy(value(n.operand));
      case 'compare':
        return compare(n.op, value(n.left), value(n.right), where);
    }
  };
  return evaluate(parseCondition(source, where));
}

function compare(op: string, left: Value, right: Value, where: string): boolean {
  if (op === 'in') {
    if (!Array.isArray(right)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${where}: 'in' needs a list on its right, e.g. [high, critical]`,
      );
    }
    return typeof left === 'string' && right.includes(left);
  }
  if (op === 'contains') {
    if (Array.isArray(left)) return typeof right === 'string' && left.includes(right);
    return typeof right === 'string' && left.includes(right);
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: '${op}' compares single values, not lists`,
    );
  }
  const a = Number(left);
  const b = Number(right);
  const numeric =
    left.trim() !== '' && right.trim() !== '' && Number.isFinite(a) && Number.isFinite(b);
  switch (op) {
    case '==':
      return numeric ? a === b : left === right;
    case '!=':
      return numeric ? a !== b : left !== right;
    case '<':
      return numeric ? a < b : left < right;
    case '<=':
      return numeric ? a <= b : left <= right;
    case '>':
      return numeric ? a > b : left > right;
    case '>=':
      return numeric ? a >= b : left >= right;
    default:
      throw new OmegaError(Code.InvalidArgument, `${where}: unknown operator '${op}'`);
  }
}
