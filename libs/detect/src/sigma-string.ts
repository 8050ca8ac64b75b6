// Sigma string values: `*` and `?` wildcards with `\` escapes, compiled once to the cheapest test.
//
// Escapes (Sigma rules specification, "Escape Character"): `\` escapes `*`, `?` and `\`; a
// backslash before any other character is a plain backslash.

/** A parsed value: literal runs and wildcards, in order. */
export type SigmaStringPart = string | typeof ANY_RUN | typeof ANY_CHAR;

export const ANY_RUN = Symbol('*');
export const ANY_CHAR = Symbol('?');

export function parseSigmaString(value: string): SigmaStringPart[] {
  const parts: SigmaStringPart[] = [];
  let literal = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        i++;
      } else {
        literal += ch;
      }
    } else if (ch === '*' || ch === '?') {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(ch === '*' ? ANY_RUN : ANY_CHAR);
    } else {
      literal += ch;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

/** A value with its wildcards as a Sigma string again (literal `*`, `?`, `\` escaped). */
export function escapeSigmaLiteral(literal: string): string {
  return literal.replace(/[\\*?]/g, '\\$&');
}

/** Whether a value has any unescaped wildcard. */
export function hasWildcards(value: string): boolean {
  return parseSigmaString(value).some((part) => typeof part !== 'string');
}

/**
 * A compiled test over one string. `cased` false means both sides are lower-cased: the caller
 * passes the lower-cased event text.
 */
export interface StringTest {
  readonly test: (text: string) => boolean;
}

/**
 * Compiles a Sigma value to a test: equality, startsWith, endsWith, includes where the wildcards
 * allow, a linear-time segment match otherwise (never a backtracking RegExp: event text is the
 * attacker's). `cased` false lower-cases the pattern (callers lower-case
 * the event text once per event).
 */
export function compileSigmaString(value: string, cased: boolean): StringTest {
  const parts = parseSigmaString(value).map((part) =>
    typeof part === 'string' && !cased ? part.toLowerCase() : part,
  );
  const literals = parts.filter((part): part is string => typeof part === 'string');
  const wildcards = parts.length - literals.length;
  if (wildcards === 0) {
    const exact = literals.join('');
    return { test: (text) => text === exact };
  }
  if (parts.every((part) => part === ANY_RUN)) return { test: () => true };
  if (!parts.includes(ANY_CHAR)) {
    const [first, second, third] = parts;
    if (parts.length === 2 && typeof first === 'string' && second === ANY_RUN) {
      return { test: (text) => text.startsWith(first) };
    }
    if (parts.length === 2 && first === ANY_RUN && typeof second === 'string') {
      return { test: (text) => text.endsWith(second) };
    }
    if (
      parts.length === 3 &&
      first === ANY_RUN &&
      typeof second === 'string' &&
      third === ANY_RUN
    ) {
      return { test: (text) => text.includes(second) };
    }
  }
  return { test: globTest(parts) };
}

/**
 * The general case, in time linear in the text for a given pattern: the value splits at each `*`
 * into segments (literal runs and `?`s). The first segment must match at the start and the last
 * at the end; every segment between is taken at its leftmost match after the previous one, which
 * can never lose a match a later choice would have found. A backtracking RegExp for
 * `*a*a*a*a*a*a*a*a*b` takes seconds on a 48-character command line; this takes microseconds.
 */
function globTest(parts: readonly SigmaStringPart[]): (text: string) => boolean {
  const segments: Segment[] = [[]];
  for (const part of parts) {
    if (part === ANY_RUN) segments.push([]);
    else segments[segments.length - 1]!.push(part);
  }
  const compiled = segments.map(compileSegment);
  const head = compiled[0]!;
  const tail = compiled[compiled.length - 1]!;
  const middle = compiled.slice(1, -1);
  if (compiled.length === 1) {
    // No `*`: only `?`s and literals, so the text's length is fixed.
    return (text) => text.length === head.length && head.matchesAt(text, 0);
  }
  const minLength = compiled.reduce((sum, segment) => sum + segment.length, 0);
  return (text) => {
    if (text.length < minLength) return false;
    if (!head.matchesAt(text, 0)) return false;
    const tailStart = text.length - tail.length;
    if (!tail.matchesAt(text, tailStart)) return false;
    let from = head.length;
    for (const segment of middle) {
      const at = segment.find(text, from, tailStart);
      if (at < 0) return false;
      from = at + segment.length;
    }
    return true;
  };
}

/** A run between two `*`s: literals and `?` (one UTF-16 code unit, as RegExp's `[\s\S]` was). */
type Segment = (string | typeof ANY_CHAR)[];

interface CompiledSegment {
  /** Code units the segment spans. */
  readonly length: number;
  matchesAt(text: string, at: number): boolean;
  /** The leftmost start >= from whose match ends by `end`, or -1. */
  find(text: string, from: number, end: number): number;
}

function compileSegment(segment: Segment): CompiledSegment {
  const length = segment.reduce<number>(
    (sum, part) => sum + (part === ANY_CHAR ? 1 : part.length),
    0,
  );
  const literals = segment.filter((part): part is string => typeof part === 'string');
  if (literals.length === segment.length) {
    const literal = literals.join('');
    return {
      length,
      matchesAt: (text, at) => text.startsWith(literal, at),
      find: (text, from, end) => {
        const at = text.indexOf(literal, from);
        return at >= 0 && at + length <= end ? at : -1;
      },
    };
  }
  // Offsets of each literal inside the segment; `?` positions need only exist.
  const pieces: { offset: number; literal: string }[] = [];
  let offset = 0;
  for (const part of segment) {
    if (part === ANY_CHAR) offset++;
    else {
      pieces.push({ offset, literal: part });
      offset += part.length;
    }
  }
  const matchesAt = (text: string, at: number): boolean => {
    if (at < 0 || at + length > text.length) return false;
    for (const piece of pieces)
      if (!text.startsWith(piece.literal, at + piece.offset)) return false;
    return true;
  };
  return {
    length,
    matchesAt,
    find: (text, from, end) => {
      for (let at = from; at + length <= end; at++) if (matchesAt(text, at)) return at;
      return -1;
    },
  };
}
