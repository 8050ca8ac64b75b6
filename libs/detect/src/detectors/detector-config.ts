// Validation of detector options: a bad value is an InvalidArgument naming the detector and the key.
import { Code, OmegaError } from '@omega/errors';

export type NumberRule = 'positive-integer' | 'positive' | 'probability' | 'non-negative';

/**
 * Merges `overrides` over `defaults` and checks each numeric key against its rule. Unknown keys are
 * rejected so that a typo (`maxSource`) is not silently ignored.
 */
export function resolveConfig<T extends object>(
  detectorId: string,
  defaults: T,
  rules: { [K in keyof T]?: NumberRule },
  overrides: Partial<T> | undefined,
): T {
  const resolved = { ...defaults };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in defaults)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `detector ${detectorId}: config.${key}: unknown option (known: ${Object.keys(defaults).join(', ')})`,
      );
    }
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  for (const [key, rule] of Object.entries(rules) as [string, NumberRule][]) {
    const value = (resolved as Record<string, unknown>)[key];
    const problem = checkNumber(value, rule);
    if (problem) {
      throw new OmegaError(
        Code.InvalidArgument,
        `detector ${detectorId}: config.${key}: ${problem}, got ${JSON.stringify(value)}`,
      );
    }
  }
  return resolved;
}

function checkNumber(value: unknown, rule: NumberRule): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  switch (rule) {
    case 'positive-integer':
      return Number.isInteger(value) && value > 0 ? undefined : 'must be a positive integer';
    case 'positive':
      return value > 0 ? undefined : 'must be greater than 0';
    case 'probability':
      return value > 0 && value < 1 ? undefined : 'must lie strictly between 0 and 1';
    case 'non-negative':
      return value >= 0 ? undefined : 'must be 0 or more';
  }
}
