// Sigma wildcard values: the linear-time matcher agrees with V8's anchored RegExp on every small
// pattern and text, and answers the patterns that make a backtracking engine explode.
import { compileSigmaString, parseSigmaString, ANY_CHAR, ANY_RUN } from './sigma-string';

/** The reference: the anchored RegExp this lib compiled wildcards to before (V8's engine). */
function regexReference(value: string): (text: string) => boolean {
  const source = parseSigmaString(value)
    .map((part) =>
      part === ANY_RUN
        ? '[\\s\\S]*'
        : part === ANY_CHAR
          ? '[\\s\\S]'
          : part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    )
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (text) => regex.test(text);
}

/** Every string of `alphabet` up to `maxLength` characters. */
function allStrings(alphabet: string, maxLength: number): string[] {
  const out = [''];
  let frontier = [''];
  for (let n = 1; n <= maxLength; n++) {
    frontier = frontier.flatMap((s) => [...alphabet].map((c) => s + c));
    out.push(...frontier);
  }
  return out;
}

describe('compileSigmaString', () => {
  it('agrees with an anchored RegExp on every pattern of a, b, * and ? up to 5 long and every text of a and b up to 7', () => {
    const patterns = allStrings('ab*?', 5);
    const texts = allStrings('ab', 7);
    let compared = 0;
    for (const pattern of patterns) {
      const ours = compileSigmaString(pattern, true).test;
      const reference = regexReference(pattern);
      for (const text of texts) {
        if (ours(text) !== reference(text)) {
          throw new Error(`pattern ${pattern} on ${JSON.stringify(text)}: ours ${ours(text)}`);
        }
        compared++;
      }
    }
    expect(compared).toBe(patterns.length * texts.length);
  });

  it('agrees with the RegExp on multi-character literals, escapes and ? inside runs', () => {
    const cases: [string, string, boolean][] = [
      ['*/bin/?sh*-c*', '/usr/bin/zsh -c id', true],
      ['*/bin/?sh*-c*', '/usr/bin/bash -c id', false],
      ['*curl*|*sh', 'curl http://x | sh', true],
      ['*curl*|*sh', 'curl http://x > sh', false],
      ['a\\*b*', 'a*bcd', true],
      ['a\\*b*', 'axbcd', false],
      ['*\\?*', 'what?', true],
      ['*\\?*', 'what', false],
      ['C:\\\\dir\\\\*', 'C:\\dir\\file', true],
      ['ab?d*ab?d', 'abcdabxd', true],
      ['ab?d*ab?d', 'abcd', false],
      ['*ab?d*', 'xxabqdyy', true],
      ['?*?', 'a', false],
      ['?*?', 'ab', true],
      ['*', '', true],
      ['**a**', 'xa', true],
    ];
    for (const [pattern, text, expected] of cases) {
      expect([pattern, text, regexReference(pattern)(text)]).toEqual([pattern, text, expected]);
      expect([pattern, text, compileSigmaString(pattern, true).test(text)]).toEqual([
        pattern,
        text,
        expected,
      ]);
    }
  });

  it('lower-cases the pattern when not cased (callers lower-case the text)', () => {
    expect(compileSigmaString('*/BIN/?SH*', false).test('/usr/bin/zsh')).toBe(true);
    expect(compileSigmaString('*/BIN/?SH*', true).test('/usr/bin/zsh')).toBe(false);
  });

  it('answers the patterns that make a backtracking engine explode, on long attacker text', () => {
    // '*a*a*a*a*a*a*a*a*b' against a's without a 'b' backtracks exponentially in V8's engine
    // (seconds at 48 characters); these complete in one pass.
    const pattern = '*a*a*a*a*a*a*a*a*b';
    const test = compileSigmaString(pattern, true).test;
    expect(test('a'.repeat(48))).toBe(false);
    expect(test('a'.repeat(100_000))).toBe(false);
    expect(test(`${'a'.repeat(100_000)}b`)).toBe(true);
    expect(test('aaaaaaab')).toBe(false); // seven a's: one short
    expect(test('aaaaaaaab')).toBe(true);
    const withAnyChar = compileSigmaString('*?a?*?a?*?a?*?a?*?a?*?a?*c', true).test;
    expect(withAnyChar('xa'.repeat(50_000))).toBe(false);
    expect(withAnyChar(`${'xax'.repeat(6)}c`)).toBe(true);
  });
});
