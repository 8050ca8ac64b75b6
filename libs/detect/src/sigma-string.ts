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
 * allow, an anchored RegExp otherwise. `cased` false lower-cases the pattern (callers lower-case
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
  const source = parts
    .map((part) =>
      part === ANY_RUN
        ? '[\\s\\S]*'
        : part === ANY_CHAR
          ? '[\\s\\S]'
          : part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    )
    .join('');
  const regex = new RegExp(`^${source}$`);
  return { test: (text) => regex.test(text) };
}
