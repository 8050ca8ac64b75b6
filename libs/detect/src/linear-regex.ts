// Sigma `re` values run on RE2 (re2js): matching time is linear in the event's text, whatever the
// rule says, so a rule cannot be turned against the engine by attacker-controlled command lines.
import { RE2JS } from 're2js';

/** A compiled `re` value; `test` searches anywhere in the text, as RegExp's test does. */
export interface LinearRegex {
  readonly source: string;
  test(text: string): boolean;
}

/** Sigma's `re` sub-modifiers (i, m, s) as RE2 flags. */
const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/**
 * Compiles `source` with Sigma's sub-modifier letters. RE2 refuses what it cannot match in linear
 * time (backreferences, lookaround, possessive quantifiers): the error says so, for the rule's
 * author to rewrite the pattern; `describe` names the rule and field.
 */
export function compileLinearRegex(source: string, flags: string): LinearRegex {
  let bits = 0;
  for (const flag of flags) {
    const bit = FLAG_BITS[flag];
    if (bit === undefined) throw new Error(`unknown flag '${flag}' (expected i, m or s)`);
    bits |= bit;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, bits);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${detail} (patterns run on RE2, which matches in time linear in the text and so has no ` +
        'backreferences or lookaround)',
      { cause: err },
    );
  }
  return { source, test: (text) => compiled.test(text) };
}
