// The operators' rule changes as one value of the `omega_policy` KV bucket (key RULES_KEY): its
// shape and the field-by-field check every replica applies before running it.
import { Code, OmegaError, errorMessage } from '@omega/runtime';

export const RULES_KEY = 'detection.rules';

/** What operators changed, as stored under RULES_KEY. */
export interface RuleOverlay {
  /** Sigma sources loaded at run time, in load order. */
  readonly sources: readonly { readonly name: string; readonly content: string }[];
  /** The shipped pack was replaced (LoadRules with replace_all). */
  readonly replacePack: boolean;
  /** Rule ids that raise no alerts. */
  readonly disabled: readonly string[];
}

export const EMPTY_OVERLAY: RuleOverlay = { sources: [], replacePack: false, disabled: [] };

/** The stored overlay, checked field by field; InvalidArgument naming the field otherwise. */
export function parseOverlay(value: Uint8Array, revision: number): RuleOverlay {
  const where = `omega_policy ${RULES_KEY} revision ${revision}`;
  const malformed = (detail: string): OmegaError =>
    new OmegaError(Code.InvalidArgument, `${where}: ${detail}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, `${where}: not JSON: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformed('expected a JSON object');
  }
  const { sources = [], replacePack = false, disabled = [] } = parsed as Record<string, unknown>;
  if (!Array.isArray(sources)) throw malformed('sources: expected a list');
  sources.forEach((source: unknown, i) => {
    const { name, content } = (source ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof content !== 'string') {
      throw malformed(`sources[${i}]: expected { name: string, content: string }`);
    }
  });
  if (typeof replacePack !== 'boolean') throw malformed('replacePack: expected true or false');
  if (!Array.isArray(disabled)) throw malformed('disabled: expected a list of rule ids');
  const badId = disabled.findIndex((id: unknown) => typeof id !== 'string' || id === '');
  if (badId >= 0) throw malformed(`disabled[${badId}]: expected a rule id`);
  return {
    sources: sources as RuleOverlay['sources'],
    replacePack,
    disabled: disabled as string[],
  };
}
