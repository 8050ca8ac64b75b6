// TestRules: rule sources (not loaded) run against sample events; every match with the explanation
// and reasons its alert would carry. Nothing is published and no detector state changes. The
// work is bounded (events, source bytes, matches, calls at once) and yields to the event loop, so
// a caller cannot starve the telemetry pipeline or health checks, nor grow memory without limit.
import {
  DiagnosticSeverity,
  FIELD_TAGS,
  countTopLevelField,
  type IntelligenceServiceService,
  type TestRulesRequest,
  type TestRulesResponse,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { alertFromSigmaMatch } from './alert-builder';
import { luaRuleMessage } from './lua/lua-rule-message';
import { compileLuaSources, LuaRuleSet, type LuaRuleEngine } from './lua/lua-rule-set';
import { compileRuleSources, luaSourcesOf, sigmaRuleMessage } from './rule-catalog';

export interface RuleTesterLimits {
  /** Sample events in one call. */
  maxEvents: number;
  /** Rule source text in one call, UTF-16 code units summed over sources. */
  maxSourceChars: number;
  /** Matches in one answer (each carries an explanation). */
  maxMatches: number;
  /** Calls running at once; more are refused with RESOURCE_EXHAUSTED. */
  maxConcurrent: number;
  /** Events evaluated between yields to the event loop (with Lua scripts: every event). */
  eventsPerSlice: number;
  /**
   * Lua scripts in one call: each may run its instruction budget on every event, so an event's
   * work is bounded by this times the budget.
   */
  maxLuaScripts: number;
}

export const DEFAULT_RULE_TESTER_LIMITS: RuleTesterLimits = {
  maxEvents: 10_000,
  maxSourceChars: 1024 * 1024,
  maxMatches: 10_000,
  maxConcurrent: 2,
  eventsPerSlice: 200,
  maxLuaScripts: 8,
};

export class RuleTester {
  private running = 0;
  private readonly limits: RuleTesterLimits;

  constructor(
    limits: Partial<RuleTesterLimits> = {},
    private readonly lua?: LuaRuleEngine,
  ) {
    this.limits = { ...DEFAULT_RULE_TESTER_LIMITS, ...limits };
  }

  async test(request: TestRulesRequest): Promise<TestRulesResponse> {
    const { maxEvents, maxSourceChars, maxConcurrent } = this.limits;
    if (request.events.length > maxEvents) {
      throw new OmegaError(
        Code.InvalidArgument,
        `TestRules: events: ${request.events.length} sample events, at most ${maxEvents} per call`,
      );
    }
    const sourceChars = request.sources.reduce((sum, s) => sum + s.content.length, 0);
    if (sourceChars > maxSourceChars) {
      throw new OmegaError(
        Code.InvalidArgument,
        `TestRules: sources: ${sourceChars} characters of rule text, at most ${maxSourceChars} per call`,
      );
    }
    if (this.running >= maxConcurrent) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `TestRules: ${this.running} calls already running (at most ${maxConcurrent}); retry when one ends`,
      );
    }
    this.running++;
    try {
      return await this.run(request);
    } finally {
      this.running--;
    }
  }

  private async run(request: TestRulesRequest): Promise<TestRulesResponse> {
    const sigma = compileRuleSources(request.sources);
    const { texts, indexes } = luaSourcesOf(request.sources);
    if (texts.length > this.limits.maxLuaScripts) {
      throw new OmegaError(
        Code.InvalidArgument,
        `TestRules: sources: ${texts.length} Lua scripts, at most ${this.limits.maxLuaScripts} per call`,
      );
    }
    // Fresh scripts for this call: their state lives as long as the call, across its events.
    const lua = compileLuaSources(this.lua, texts, indexes);
    try {
      return await this.runCompiled(request, sigma, lua.scripts, lua.diagnostics);
    } finally {
      for (const script of lua.scripts) script.close();
    }
  }

  private async runCompiled(
    request: TestRulesRequest,
    {
      valid: sigmaValid,
      diagnostics: sigmaDiagnostics,
      loaded,
    }: ReturnType<typeof compileRuleSources>,
    scripts: LuaRuleSet['scripts'],
    luaDiagnostics: TestRulesResponse['diagnostics'],
  ): Promise<TestRulesResponse> {
    const valid = sigmaValid && luaDiagnostics.length === 0;
    const diagnostics = [...sigmaDiagnostics, ...luaDiagnostics];
    const rules = [
      ...loaded.map((rule) => sigmaRuleMessage(rule, 0n, 0)),
      ...scripts.map((script) => luaRuleMessage(script, 0n, 0)),
    ];
    if (!valid) return { valid, diagnostics, rules, matches: [] };
    const luaSet = new LuaRuleSet(scripts);
    const matches: TestRulesResponse['matches'] = [];
    const batch = { senderId: '', sessionId: '', sequence: 0n, streamSequence: 0n };
    const { events } = request;
    for (let eventIndex = 0; eventIndex < events.length; eventIndex++) {
      const slice = scripts.length > 0 ? 1 : this.limits.eventsPerSlice;
      if (eventIndex > 0 && eventIndex % slice === 0) await yieldToEventLoop();
      const event = events[eventIndex]!;
      for (const { alert } of luaSet.observe(
        event,
        { event, batch, eventIndex },
        60_000,
        () => true,
      )) {
        if (alert.labels['lua.fault']) {
          diagnostics.push({
            severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
            message: `events[${eventIndex}]: ${alert.explanation}`,
            source: alert.labels['lua.script'] ?? '',
            path: `events[${eventIndex}]`,
            line: 0,
            column: 0,
            code: `lua-${alert.labels['lua.fault']}`,
          });
          continue;
        }
        if (matches.length >= this.limits.maxMatches) {
          throw new OmegaError(
            Code.ResourceExhausted,
            `TestRules: more than ${this.limits.maxMatches} matches (at events[${eventIndex}]); send fewer events or rules per call`,
          );
        }
        matches.push({
          ruleId: alert.ruleId,
          eventIndex,
          eventId: event.id,
          explanation: alert.explanation,
          reasons: alert.reasons,
        });
      }
      for (const { compiled } of loaded) {
        if (!compiled.matches(event)) continue;
        if (matches.length >= this.limits.maxMatches) {
          throw new OmegaError(
            Code.ResourceExhausted,
            `TestRules: more than ${this.limits.maxMatches} matches (at events[${eventIndex}]); send fewer events or rules per call`,
          );
        }
        const { alert } = alertFromSigmaMatch(
          compiled,
          compiled.explain(event),
          { event, batch, eventIndex },
          60_000,
        );
        matches.push({
          ruleId: alert.ruleId,
          eventIndex,
          eventId: event.id,
          explanation: alert.explanation,
          reasons: alert.reasons,
        });
      }
    }
    return { valid, diagnostics, rules, matches };
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const EVENTS_FIELD = FIELD_TAGS.TestRulesRequest.events >> 3;

/**
 * The intelligence service definition with TestRules' request bytes counted before they are
 * decoded: decoding builds an object per sample event (4 MB of empty events is two million, about
 * 900 MiB and seconds of a blocked event loop), so more than `maxEvents` are refused on the wire.
 */
export function boundTestRulesEvents(
  definition: typeof IntelligenceServiceService,
  maxEvents = DEFAULT_RULE_TESTER_LIMITS.maxEvents,
): typeof IntelligenceServiceService {
  const method = definition.testRules;
  return {
    ...definition,
    testRules: {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        if (countTopLevelField(bytes, EVENTS_FIELD, maxEvents + 1) > maxEvents) {
          throw new OmegaError(
            Code.InvalidArgument,
            `TestRules: events: more than ${maxEvents} sample events, at most ${maxEvents} per call (refused before decoding)`,
          );
        }
        return method.requestDeserialize(bytes);
      },
    },
  };
}
