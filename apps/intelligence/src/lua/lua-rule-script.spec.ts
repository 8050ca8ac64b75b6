// Lua rule scripts in their sandbox: what a script can reach, the per-call instruction budget, the
// memory cap, faults (counted, the sandbox reset, the script disabled after maxFaults) and the
// bounded per-entity state.
import { Event } from '@omega/proto';
import { processLaunch } from '../testing/spec-events';
import { LuaRuleScript, type LuaOutcome, type LuaScriptLimits } from './lua-rule-script';
import { LuaFault, LuaRuntime } from './lua-sandbox';

const LIMITS: LuaScriptLimits = {
  instructionBudget: 100_000,
  memoryBytes: 8 * 1024 * 1024,
  maxFaults: 3,
  maxEntities: 100,
};

let runtime: LuaRuntime;
beforeAll(async () => {
  runtime = await LuaRuntime.load();
});

const HEADER = `rule = { id = 'probe', title = 'Probe', level = 'low' }\n`;

function script(body: string, limits: Partial<LuaScriptLimits> = {}): LuaRuleScript {
  return new LuaRuleScript(runtime, 'probe.lua', HEADER + body, { ...LIMITS, ...limits });
}

function launchIn(pod: string, n = 0): Event {
  return processLaunch({ Image: '/bin/true', 'omega.pod': pod }, { id: `e-${pod}-${n}` });
}

function explanation(outcome: LuaOutcome): string {
  if (outcome.kind !== 'finding')
    throw new Error(`expected a finding, got ${JSON.stringify(outcome)}`);
  return outcome.finding.explanation;
}

function faultOf(outcome: LuaOutcome): {
  reason: string;
  message: string;
  faults: number;
  disabled: boolean;
} {
  if (outcome.kind !== 'fault') throw new Error(`expected a fault, got ${JSON.stringify(outcome)}`);
  return outcome.fault;
}

function loadError(source: string): Error {
  try {
    new LuaRuleScript(runtime, 'probe.lua', source, LIMITS).close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the script to be refused');
}

describe('the sandbox a script runs in', () => {
  it('has no io, os, require, load, dofile, loadfile, debug, package, coroutine, collectgarbage, print or string.dump', () => {
    const s = script(`
      function on_event(event, state)
        local names = { 'io', 'os', 'require', 'load', 'dofile', 'loadfile', 'debug', 'package',
          'coroutine', 'collectgarbage', 'print' }
        local present = {}
        for _, name in ipairs(names) do
          if _G[name] ~= nil then present[#present + 1] = name end
        end
        if string.dump ~= nil then present[#present + 1] = 'string.dump' end
        return { explanation = 'present: [' .. table.concat(present, ',') .. '] ' .. _VERSION }
      end`);
    expect(explanation(s.observe(launchIn('a')))).toBe('present: [] Lua 5.4');
    s.close();
  });

  it('turns os.execute into a counted fault, not a command', () => {
    const s = script(
      `function on_event(event, state) os.execute('touch /tmp/omega-lua-pwned') end`,
    );
    const fault = faultOf(s.observe(launchIn('a')));
    expect(fault.reason).toBe('error');
    expect(fault.message).toContain("global 'os'");
    expect(fault.faults).toBe(1);
    s.close();
  });

  it('refuses precompiled bytecode, a syntax error with its line, and __gc finalizers', () => {
    expect(loadError('\x1bLua\x54\x00').message).toContain('attempt to load a binary chunk');
    expect(loadError(`${HEADER}function on_event(event, state)\n  return {\nend`).message).toMatch(
      /^probe\.lua:4: /,
    );
    expect(loadError(`${HEADER}setmetatable({}, { __gc = function() end })`).message).toContain(
      '__gc metamethods are not allowed',
    );
  });

  it('reads rule and on_event raw: a metatable on _G never runs in the host', () => {
    const err = loadError(
      `setmetatable(_G, { __index = function() while true do end end })\n` +
        `rule = setmetatable({}, { __index = function() error('ran') end })`,
    );
    expect(err.message).toContain('rule.id: "" is not an id');
    // No on_event: looking it up through _G's __index would never return.
    expect(
      loadError(`${HEADER}setmetatable(_G, { __index = function() while true do end end })`)
        .message,
    ).toContain('must define a function on_event');
    const s = script(
      `setmetatable(_G, { __index = function() while true do end end })
      function on_event(event, state) return { explanation = 'ok' } end`,
    );
    expect(explanation(s.observe(launchIn('a')))).toBe('ok');
    s.close();
  });

  it('refuses a script without a rule table or an on_event function, naming what is missing', () => {
    expect(loadError('function on_event() end').message).toContain('global table `rule`');
    expect(loadError(HEADER).message).toContain('on_event(event, state)');
    expect(
      loadError(`rule = { id = 'x', title = 'X', level = 'severe' }\nfunction on_event() end`)
        .message,
    ).toContain('rule.level: "severe"');
  });
});

describe('the instruction budget', () => {
  it('stops an endless loop in on_event and counts it', () => {
    const s = script(`function on_event(event, state) while true do end end`);
    const fault = faultOf(s.observe(launchIn('a')));
    expect(fault).toMatchObject({ reason: 'budget', faults: 1, disabled: false });
    expect(fault.message).toContain('100000 instructions');
    s.close();
  });

  it('stops a loop that catches the stop with pcall and tries again', () => {
    const s = script(`function on_event(event, state)
      while true do pcall(function() while true do end end) end
    end`);
    expect(faultOf(s.observe(launchIn('a'))).reason).toBe('budget');
    s.close();
  });

  it('stops an endless loop in the top-level chunk: the script does not load', () => {
    const err = loadError(`${HEADER}while true do end`);
    expect(err).toBeInstanceOf(LuaFault);
    expect((err as LuaFault).reason).toBe('budget');
  });

  it('is per call: a script that needs less than the budget on every event never faults', () => {
    const s = script(`function on_event(event, state)
      local n = 0
      for i = 1, 5000 do n = n + i end
      state.calls = (state.calls or 0) + 1
      if state.calls == 100 then return { explanation = 'sum ' .. n } end
    end`);
    const outcomes = Array.from({ length: 100 }, (_, i) => s.observe(launchIn('a', i)));
    expect(outcomes.filter((o) => o.kind === 'fault')).toEqual([]);
    expect(explanation(outcomes[99]!)).toBe('sum 12502500');
    s.close();
  });
});

describe('the memory cap', () => {
  it("refuses a 1 GB string (string.rep('x', 1<<30)); the next call runs in a fresh state", () => {
    const s = script(`function on_event(event, state)
      state.calls = (state.calls or 0) + 1
      if event['omega.pod'] == 'bomb' then local s = string.rep('x', 1 << 30) return { explanation = #s } end
      return { explanation = 'calls ' .. state.calls }
    end`);
    expect(explanation(s.observe(launchIn('a')))).toBe('calls 1');
    expect(explanation(s.observe(launchIn('a')))).toBe('calls 2');
    const fault = faultOf(s.observe(launchIn('bomb')));
    expect(fault.reason).toBe('memory');
    expect(fault.message).toContain(`cap of ${8 * 1024 * 1024} bytes`);
    // The state was reset after the fault: the count starts again.
    expect(explanation(s.observe(launchIn('a')))).toBe('calls 1');
    expect(s.memoryBytes).toBeLessThan(1024 * 1024);
    s.close();
  });

  it('counts memory refused even when the script catches the error with pcall', () => {
    const s = script(`function on_event(event, state)
      local ok = pcall(string.rep, 'x', 1 << 30)
      return { explanation = tostring(ok) }
    end`);
    expect(faultOf(s.observe(launchIn('a'))).reason).toBe('memory');
    s.close();
  });

  it('bounds a table that grows on every call', () => {
    const s = script(
      `function on_event(event, state)
      for i = 1, 20000 do state[#state + 1] = string.rep('y', 64) .. i end
    end`,
      { instructionBudget: 10_000_000 },
    );
    const outcomes = Array.from({ length: 20 }, (_, i) => s.observe(launchIn('a', i)));
    const fault = faultOf(outcomes.find((o) => o.kind === 'fault')!);
    expect(fault.reason).toBe('memory');
    s.close();
  });
});

describe('faults', () => {
  it('disable a script that errors on every event after maxFaults; later events are skipped', () => {
    const s = script(`function on_event(event, state) error('broken') end`);
    const outcomes = Array.from({ length: 5 }, (_, i) => s.observe(launchIn('a', i)));
    expect(outcomes.map((o) => o.kind)).toEqual(['fault', 'fault', 'fault', 'skipped', 'skipped']);
    expect(faultOf(outcomes[2]!)).toMatchObject({ faults: 3, disabled: true });
    expect(faultOf(outcomes[0]!).message).toContain('broken');
    expect(s.disabled).toBe(true);
    s.close();
  });

  it('name a malformed finding', () => {
    const s = script(`function on_event(event, state) return { severity = 'high' } end`);
    expect(faultOf(s.observe(launchIn('a'))).message).toContain('finding.explanation');
    s.close();
  });
});

describe('per-entity state', () => {
  it('is one table per entity, and the least recently seen entity is forgotten past maxEntities', () => {
    const s = script(
      `function on_event(event, state)
        state.n = (state.n or 0) + 1
        return { explanation = event.entity .. ' ' .. state.n }
      end`,
      { maxEntities: 2 },
    );
    const seen = ['a', 'b', 'a', 'c', 'b', 'a'].map((pod) => explanation(s.observe(launchIn(pod))));
    expect(seen).toEqual([
      'pod:shop/a 1',
      'pod:shop/b 1',
      'pod:shop/a 2',
      // c evicts b (least recently seen), then b evicts a.
      'pod:shop/c 1',
      'pod:shop/b 1',
      'pod:shop/a 1',
    ]);
    expect(s.entityCount).toBe(2);
    s.close();
  });
});

describe('findings', () => {
  it('carry the rule description, or what the finding names instead', () => {
    const s = new LuaRuleScript(
      runtime,
      'probe.lua',
      `rule = { id = 'probe', title = 'Probe', level = 'low', attack = { 'T1059' }, categories = { 'process_creation' } }
      function on_event(event, state)
        if event.Image == '/bin/sh' then
          return { explanation = 'shell', level = 'x', severity = 'critical', attack = { 'T1059.004' },
            evidence = { image = event.Image, b = 2 }, title = 'Shell' }
        end
        return { explanation = 'other' }
      end`,
      LIMITS,
    );
    const shell = s.observe(processLaunch({ Image: '/bin/sh' }));
    expect(shell).toEqual({
      kind: 'finding',
      finding: {
        explanation: 'shell',
        severity: 5,
        attackTechniqueIds: ['T1059.004'],
        evidence: [
          ['b', '2'],
          ['image', '/bin/sh'],
        ],
        title: 'Shell',
        entityKey: 'pod:shop/cart-1',
      },
    });
    const other = s.observe(processLaunch({ Image: '/bin/ls' }));
    expect(other).toMatchObject({
      finding: { severity: 2, attackTechniqueIds: ['T1059'], title: 'Probe' },
    });
    expect(s.description).toMatchObject({ id: 'probe', categories: ['process_creation'] });
    s.close();
  });
});
