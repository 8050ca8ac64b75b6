// Sigma condition grammar: a recursive-descent parser with error positions.
//
// condition := or
// or        := and ('or' and)*
// and       := not ('and' not)*
// not       := 'not' not | primary
// primary   := '(' or ')' | quantifier 'of' (identifier-pattern | 'them') | identifier
// Precedence, least to most binding (Sigma rules specification, "Condition"): or, and, not,
// x of search-identifier, ( expression ).
import { invalidRule, unsupportedFeature, type SourcePosition } from './sigma-rule-error';

export type ConditionNode =
  | { readonly kind: 'and'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'or'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | { readonly kind: 'search'; readonly name: string; readonly offset: number }
  | {
      readonly kind: 'of';
      readonly quantifier: 'one' | 'all';
      /** Search-identifier pattern with `*` wildcards; null for `them`. */
      readonly pattern: string | null;
      readonly offset: number;
    };

interface Token {
  readonly text: string;
  readonly offset: number;
}

const IDENTIFIER = /^[A-Za-z0-9_*.-]+$/;

/**
 * Parses one condition string. `origin` is where the condition text starts in the rule file, so
 * errors point at the offending token (for single-line conditions; else at the condition).
 */
export function parseCondition(text: string, origin?: SourcePosition): ConditionNode {
  const tokens = tokenize(text, origin);
  let index = 0;
  const positionOf = (offset: number): SourcePosition | undefined =>
    origin && !text.includes('\n') ? { line: origin.line, column: origin.column + offset } : origin;
  const fail = (message: string, offset: number): never => {
    throw invalidRule(`condition '${text}': ${message} at offset ${offset}`, positionOf(offset));
  };
  const peek = (): Token | undefined => tokens[index];
  const keyword = (token: Token | undefined, word: string): boolean =>
    token !== undefined && token.text.toLowerCase() === word;

  const parseOr = (): ConditionNode => {
    const operands = [parseAnd()];
    while (keyword(peek(), 'or')) {
      index++;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  };
  const parseAnd = (): ConditionNode => {
    const operands = [parseNot()];
    while (keyword(peek(), 'and')) {
      index++;
      operands.push(parseNot());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  };
  const parseNot = (): ConditionNode => {
    if (keyword(peek(), 'not')) {
      index++;
      return { kind: 'not', operand: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const token = peek();
    if (!token) return fail('expected a search identifier, "(" or "1 of"/"all of"', text.length);
    if (token.text === '(') {
      index++;
      const inner = parseOr();
      const close = peek();
      if (!close || close.text !== ')') {
        return fail('expected ")"', close?.offset ?? text.length);
      }
      index++;
      return inner;
    }
    if (token.text === ')') return fail('unexpected ")"', token.offset);
    const next = tokens[index + 1];
    if (keyword(next, 'of')) {
      const quantifier = quantifierOf(token, fail);
      index += 2;
      const target = peek();
      if (!target || !IDENTIFIER.test(target.text) || isReserved(target.text)) {
        return fail(
          'expected a search-identifier pattern or "them" after "of"',
          target?.offset ?? text.length,
        );
      }
      index++;
      const pattern = target.text.toLowerCase() === 'them' ? null : target.text;
      return { kind: 'of', quantifier, pattern, offset: token.offset };
    }
    if (!IDENTIFIER.test(token.text) || isReserved(token.text)) {
      return fail(`unexpected '${token.text}'`, token.offset);
    }
    if (token.text.includes('*')) {
      return fail(`wildcard '${token.text}' is only allowed after "1 of"/"all of"`, token.offset);
    }
    index++;
    return { kind: 'search', name: token.text, offset: token.offset };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest) fail(`unexpected '${rest.text}'`, rest.offset);
  return tree;
}

function quantifierOf(
  token: Token,
  fail: (message: string, offset: number) => never,
): 'one' | 'all' {
  const word = token.text.toLowerCase();
  if (word === '1' || word === 'any') return 'one';
  if (word === 'all') return 'all';
  return fail(`quantifier '${token.text}' is not "1" or "all"`, token.offset);
}

function isReserved(word: string): boolean {
  const lower = word.toLowerCase();
  return lower === 'and' || lower === 'or' || lower === 'not' || lower === 'of';
}

function tokenize(text: string, origin: SourcePosition | undefined): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ text: ch, offset: i });
      i++;
      continue;
    }
    if (ch === '|') {
      throw unsupportedFeature(
        `condition '${text}': aggregation expressions ('| count() ...', Sigma v1) are not supported; use a correlation rule`,
        origin,
      );
    }
    const start = i;
    while (i < text.length && !/[\s()|]/.test(text[i]!)) i++;
    tokens.push({ text: text.slice(start, i), offset: start });
  }
  return tokens;
}

/** Search identifiers a condition refers to by name (not through `of`). */
export function referencedSearches(
  node: ConditionNode,
  into: Set<string> = new Set(),
): Set<string> {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const operand of node.operands) referencedSearches(operand, into);
      break;
    case 'not':
      referencedSearches(node.operand, into);
      break;
    case 'search':
      into.add(node.name);
      break;
    case 'of':
      break;
  }
  return into;
}

/** Whether a search identifier matches an `of` pattern (`*` matches any run of characters). */
export function matchesIdentifierPattern(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}
