// The operators' changes to the rules as stored under `detection.rules` in `omega_policy`: the
// sources loaded at run time (Sigma, or Lua scripts), whether the shipped pack was replaced, and
// the rules turned off; parsed field by field.
import { RuleFormat, type RuleSource } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

export const RULES_KEY = 'detection.rules';

/** What operators changed, as stored under RULES_KEY. */
export interface RuleOverlay {
  /** Sources loaded at run time, in load order: Sigma, or Lua scripts (`format: 'lua'`). */
  readonly sources: readonly OverlaySource[];
  /** The shipped pack was replaced (LoadRules with replace_all). */
  readonly replacePack: boolean;
  /** Rule ids that raise no alerts. */
  readonly disabled: readonly string[];
}

export interface OverlaySource {
  readonly name: string;
  readonly content: string;
  /** Absent: Sigma YAML. */
  readonly format?: 'lua';
}

export const EMPTY_OVERLAY: RuleOverlay = { sources: [], replacePack: false, disabled: [] };

/** An overlay source as the contract's RuleSource. */
export function sourceOf(s: OverlaySource): RuleSource {
  const format =
    s.format === 'lua' ? RuleFormat.RULE_FORMAT_LUA : RuleFormat.RULE_FORMAT_SIGMA_YAML;
  return { name: s.name, format, content: s.content };
}

/** LoadRules' sources as stored (unnamed ones named by their position). */
export function overlaySourcesOf(sources: readonly RuleSource[]): OverlaySource[] {
  return sources.map((s, i) => ({
    name: s.name || `sources[${i}]`,
    content: s.content,
    ...(s.format === RuleFormat.RULE_FORMAT_LUA ? { format: 'lua' as const } : {}),
  }));
}

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
    const { name, content, format } = (source ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof content !== 'string') {
      throw malformed(`sources[${i}]: expected { name: string, content: string }`);
    }
    if (format !== undefined && format !== 'lua') {
      throw malformed(`sources[${i}].format: expected 'lua' or absent (Sigma)`);
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
