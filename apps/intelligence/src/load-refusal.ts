// LoadRules' checks on the request as a whole, after each source compiled: too many Lua scripts,
// nothing to load, a rule id defined twice. Pure: the registry turns a refusal into its answer.
import { DiagnosticSeverity, type Diagnostic } from '@omega/proto';
import { MAX_LUA_SCRIPTS } from './lua/lua-rule-set';

export interface LoadedIds {
  /** `sigma:<id>` of each compiled Sigma rule, in source order. */
  readonly sigmaIds: readonly string[];
  /** `lua:<id>` of each compiled Lua script, in source order. */
  readonly luaIds: readonly string[];
  /** Lua scripts already loaded that this request keeps (0 with replace_all). */
  readonly luaKept: number;
}

function refusal(message: string, code: string): Diagnostic {
  return {
    severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
    message,
    source: '',
    path: 'sources',
    line: 0,
    column: 0,
    code,
  };
}

/** The first reason to refuse the whole request, or undefined when it may be loaded. */
export function loadRefusal({ sigmaIds, luaIds, luaKept }: LoadedIds): Diagnostic | undefined {
  // An upper bound: a script replacing one of the same id is counted twice.
  if (luaIds.length > 0 && luaKept + luaIds.length > MAX_LUA_SCRIPTS) {
    return refusal(
      `LoadRules: ${luaKept} Lua scripts loaded and ${luaIds.length} more, at most ${MAX_LUA_SCRIPTS}`,
      'too-many',
    );
  }
  if (sigmaIds.length === 0 && luaIds.length === 0) {
    return refusal('LoadRules: no rule in the sources', 'no-rules');
  }
  const ids = [...sigmaIds, ...luaIds];
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) {
    return refusal(
      `LoadRules: rule ${duplicate} is defined twice in the sources`,
      'duplicate-rule',
    );
  }
  return undefined;
}
