// The Lua rule scripts of one rule catalog: compiled from RULE_FORMAT_LUA sources (diagnostics
// naming source and line when one does not load), run on every event, their findings and faults
// shaped into the same alerts Sigma rules and detectors raise.
import { DiagnosticSeverity, type Diagnostic, type Event } from '@omega/proto';
import type { AlertSource, BuiltAlert } from '../alert-builder';
import { alertFromLuaFault, alertFromLuaFinding } from './lua-alert';
import { LuaRuleScript, type LuaScriptLimits } from './lua-rule-script';
import { LuaFault, type LuaFaultReason, type LuaRuntime } from './lua-sandbox';

/** A Lua source as LoadRules, TestRules and the stored overlay carry it. */
export interface LuaSourceText {
  readonly name: string;
  readonly content: string;
}

/** What the service gives the rules to run Lua: the WebAssembly runtime and the limits. */
export interface LuaRuleEngine {
  readonly runtime: LuaRuntime;
  readonly limits: LuaScriptLimits;
  /** Counts each fault, by rule id and reason. */
  readonly faults?: { inc(labels: { rule: string; reason: LuaFaultReason }): void };
}

/** Source text past this is refused before it reaches Lua. */
export const MAX_LUA_SOURCE_CHARS = 256 * 1024;
/**
 * Lua scripts a catalog runs (and one request compiles): each holds up to `memoryBytes` of the
 * WebAssembly memory they share, which never shrinks.
 */
export const MAX_LUA_SCRIPTS = 64;

function diagnostic(name: string, index: number, message: string, code: string): Diagnostic {
  // Lua's messages start with "<chunk>:<line>:" when they know the line.
  const at = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):`).exec(message);
  return {
    severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
    message: message.startsWith(name) ? message : `${name}: ${message}`,
    source: name,
    path: `sources[${index}]`,
    line: at ? Number(at[1]) : 0,
    column: 0,
    code,
  };
}

export interface CompiledLuaSources {
  readonly scripts: LuaRuleScript[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Compiles each source in its own sandbox (its top-level chunk runs within the limits); a source
 * that does not load yields a diagnostic, and its sandbox is closed. `indexes` are the positions
 * of the sources in the request, for the diagnostics' paths.
 */
export function compileLuaSources(
  engine: LuaRuleEngine | undefined,
  sources: readonly LuaSourceText[],
  indexes: readonly number[] = sources.map((_, i) => i),
): CompiledLuaSources {
  const scripts: LuaRuleScript[] = [];
  const diagnostics: Diagnostic[] = [];
  if (sources.length > MAX_LUA_SCRIPTS) {
    const message = `${sources.length} Lua scripts, at most ${MAX_LUA_SCRIPTS} at once`;
    return { scripts, diagnostics: [diagnostic('sources', 0, message, 'too-many')] };
  }
  sources.forEach((source, i) => {
    const index = indexes[i] ?? i;
    if (!engine) {
      diagnostics.push(
        diagnostic(
          source.name,
          index,
          'Lua rule scripts are not enabled on this service',
          'unsupported-format',
        ),
      );
      return;
    }
    if (source.content.length > MAX_LUA_SOURCE_CHARS) {
      diagnostics.push(
        diagnostic(
          source.name,
          index,
          `${source.content.length} characters, at most ${MAX_LUA_SOURCE_CHARS} per Lua script`,
          'too-large',
        ),
      );
      return;
    }
    try {
      scripts.push(new LuaRuleScript(engine.runtime, source.name, source.content, engine.limits));
    } catch (err) {
      const code = err instanceof LuaFault ? `lua-${err.reason}` : 'invalid-rule';
      diagnostics.push(diagnostic(source.name, index, (err as Error).message, code));
    }
  });
  const ids = scripts.map((s) => s.ruleId);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) {
      diagnostics.push(
        diagnostic(
          scripts[i]!.sourceName,
          indexes[i] ?? i,
          `rule ${id} is defined twice`,
          'duplicate-rule',
        ),
      );
    }
  });
  return { scripts, diagnostics };
}

export class LuaRuleSet {
  static readonly EMPTY = new LuaRuleSet([]);

  constructor(
    readonly scripts: readonly LuaRuleScript[],
    private readonly faults?: LuaRuleEngine['faults'],
  ) {}

  /**
   * Runs every enabled script on one event: the alerts of their findings and of their faults (a
   * fault is an alert too, so a script that stops working is seen, not silent).
   */
  observe(
    event: Event,
    source: AlertSource,
    windowMs: number,
    isEnabled: (ruleId: string) => boolean,
  ): BuiltAlert[] {
    const built: BuiltAlert[] = [];
    for (const script of this.scripts) {
      if (!isEnabled(script.ruleId)) continue;
      const outcome = script.observe(event);
      if (outcome.kind === 'finding') {
        built.push(alertFromLuaFinding(script, outcome.finding, source, windowMs));
      } else if (outcome.kind === 'fault') {
        this.faults?.inc({ rule: script.ruleId, reason: outcome.fault.reason });
        built.push(alertFromLuaFault(script, outcome.fault, source, windowMs));
      }
    }
    return built;
  }

  /** The script for a source already running here, when its text is the same (its state is kept). */
  reuse(name: string, content: string): LuaRuleScript | undefined {
    return this.scripts.find(
      (s) => s.sourceName === name && s.sourceText === content && !s.disabled,
    );
  }

  /** Closes the scripts not in `kept`. */
  closeExcept(kept: readonly LuaRuleScript[]): void {
    for (const script of this.scripts) if (!kept.includes(script)) script.close();
  }
}
