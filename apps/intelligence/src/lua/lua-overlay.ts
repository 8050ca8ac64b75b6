// The Lua scripts of a stored rule overlay: which rule ids its sources define, and the scripts to
// run, carrying over a running script (and its per-entity state) when its source is unchanged.
import { Code, OmegaError } from '@omega/runtime';
import { RuleFormat, type Diagnostic, type RuleSource } from '@omega/proto';
import { compileLuaSources, LuaRuleSet, type LuaRuleEngine } from './lua-rule-set';

interface OverlaySourceText {
  readonly name: string;
  readonly content: string;
  readonly format?: 'lua';
}

/** The `lua:<id>` rule ids the overlay's Lua sources define (those that load). */
export function luaIdsOf(
  sources: readonly OverlaySourceText[],
  running: LuaRuleSet,
  engine: LuaRuleEngine | undefined,
): string[] {
  const ids: string[] = [];
  for (const source of sources) {
    if (source.format !== 'lua') continue;
    const script = running.reuse(source.name, source.content);
    if (script) {
      ids.push(script.ruleId);
      continue;
    }
    for (const compiled of compileLuaSources(engine, [source]).scripts) {
      ids.push(compiled.ruleId);
      compiled.close();
    }
  }
  return ids;
}

/**
 * The scripts to run for an overlay: the running script of an unchanged source, otherwise one
 * compiled afresh. FailedPrecondition naming every script that does not load (then none is kept).
 */
export function luaSetOf(
  sources: readonly OverlaySourceText[],
  running: LuaRuleSet,
  engine: LuaRuleEngine | undefined,
  what: string,
): LuaRuleSet {
  const texts = sources.filter((s) => s.format === 'lua');
  if (texts.length === 0) return LuaRuleSet.EMPTY;
  const kept = texts.map((s) => running.reuse(s.name, s.content));
  const fresh = compileLuaSources(
    engine,
    texts.filter((_, i) => !kept[i]),
  );
  if (fresh.diagnostics.length > 0) {
    for (const script of fresh.scripts) script.close();
    throw new OmegaError(
      Code.FailedPrecondition,
      `${what}: ${fresh.diagnostics.length} Lua script(s) rejected: ${fresh.diagnostics.map((d) => d.message).join('; ')}`,
    );
  }
  const scripts = kept.map((script) => script ?? fresh.scripts.shift()!);
  return new LuaRuleSet(scripts, engine?.faults);
}

/**
 * The Lua sources of a LoadRules request, checked: their rule ids, or diagnostics. The scripts are
 * closed again (applying the stored change starts each in a fresh state).
 */
export function compileLuaRequest(
  engine: LuaRuleEngine | undefined,
  sources: readonly RuleSource[],
): { ids: string[]; diagnostics: Diagnostic[] } {
  const texts: OverlaySourceText[] = [];
  const indexes: number[] = [];
  sources.forEach((s, i) => {
    if (s.format !== RuleFormat.RULE_FORMAT_LUA) return;
    texts.push({ name: s.name || `sources[${i}]`, content: s.content });
    indexes.push(i);
  });
  const { scripts, diagnostics } = compileLuaSources(engine, texts, indexes);
  for (const script of scripts) script.close();
  return { ids: scripts.map((script) => script.ruleId), diagnostics };
}
