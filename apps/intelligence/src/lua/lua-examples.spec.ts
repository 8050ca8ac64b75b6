// The shipped example scripts on event sequences, and a second implementation as external truth:
// Debian's lua5.4 (PUC-Rio Lua 5.4) runs the same script on the same event tables with the same
// per-entity states and must print the same findings the WebAssembly build produced; a probe of
// Lua semantics (integer division, float formatting, patterns, utf8) must agree as well.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventFromSigmaFields } from '@omega/detect';
import type { Event } from '@omega/proto';
import { entityKeyOfEvent } from '../alert-builder';
import { processLaunch } from '../testing/spec-events';
import { luaEventFields } from './lua-event-fields';
import { DEFAULT_LUA_LIMITS, LuaRuleScript } from './lua-rule-script';
import { LuaRuntime, type LuaValue } from './lua-sandbox';

const EXAMPLES = join(__dirname, '..', '..', 'lua-rules');
const SECOND_NS = 1_000_000_000n;
const T0 = 1_700_000_000_000_000_000n;
let runtime: LuaRuntime;
const work = mkdtempSync(join(tmpdir(), 'omega-lua-examples-'));

beforeAll(async () => {
  runtime = await LuaRuntime.load();
});

function example(name: string): LuaRuleScript {
  return new LuaRuleScript(
    runtime,
    name,
    readFileSync(join(EXAMPLES, name), 'utf8'),
    DEFAULT_LUA_LIMITS,
  );
}

/** What our engine says per event: the finding's explanation, or "nil". */
function ours(script: LuaRuleScript, events: readonly Event[]): string[] {
  return events.map((event) => {
    const outcome = script.observe(event);
    if (outcome.kind === 'fault') throw new Error(outcome.fault.message);
    return outcome.kind === 'finding' ? outcome.finding.explanation : 'nil';
  });
}

function luaLiteral(value: NonNullable<LuaValue>): string {
  if (typeof value === 'string') {
    return `"${[...Buffer.from(value, 'utf8')].map((b) => (b >= 32 && b < 127 && b !== 34 && b !== 92 ? String.fromCharCode(b) : `\\${b}`)).join('')}"`;
  }
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return `{ ${value.map((v) => luaLiteral(v)).join(', ')} }`;
}

/**
 * What lua5.4 says for the same events: the script loaded with dofile, each event the same table
 * the sandbox pushes (fields, category, entity), one state table per entity.
 */
function reference(scriptFile: string, events: readonly Event[]): string[] {
  const tables = events.map((event) => {
    const { category, fields } = luaEventFields(event);
    const all: Record<string, LuaValue> = { ...fields, category, entity: entityKeyOfEvent(event) };
    const entries = Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `[${luaLiteral(k)}] = ${luaLiteral(v!)}`);
    return `{ ${entries.join(', ')} }`;
  });
  const driver = join(work, `driver-${Date.now()}.lua`);
  writeFileSync(
    driver,
    `dofile(${luaLiteral(scriptFile)})
local states = {}
for _, event in ipairs({ ${tables.join(',\n')} }) do
  local state = states[event.entity] or {}
  states[event.entity] = state
  local finding = on_event(event, state)
  print(finding and finding.explanation or 'nil')
end
`,
  );
  return execFileSync('lua5.4', [driver], { encoding: 'utf8' }).trimEnd().split('\n');
}

function connection(pod: string, ip: string, port: number, seconds: bigint): Event {
  const event = eventFromSigmaFields('network_connection', {
    'omega.namespace': 'shop',
    'omega.pod': pod,
    'omega.node': 'node-1',
    DestinationIp: ip,
    DestinationPort: port,
    Initiated: true,
  });
  event.id = `${pod}-${ip}-${port}-${seconds}`;
  event.timeNs = T0 + seconds * SECOND_NS;
  return event;
}

describe('download-then-execute.lua', () => {
  const events = [
    processLaunch(
      { 'omega.pod': 'a', Image: '/usr/bin/curl', CommandLine: 'curl -sO http://x/i' },
      { id: 'a1', timeNs: T0 },
    ),
    // Another pod runs from /tmp without downloading: nothing.
    processLaunch({ 'omega.pod': 'b', Image: '/tmp/i' }, { id: 'b1', timeNs: T0 + 5n * SECOND_NS }),
    processLaunch(
      { 'omega.pod': 'a', Image: '/usr/bin/ls' },
      { id: 'a2', timeNs: T0 + 10n * SECOND_NS },
    ),
    processLaunch(
      { 'omega.pod': 'a', Image: '/tmp/i' },
      { id: 'a3', timeNs: T0 + 42n * SECOND_NS },
    ),
    // The download was consumed: a second run is not reported again.
    processLaunch(
      { 'omega.pod': 'a', Image: '/tmp/i' },
      { id: 'a4', timeNs: T0 + 50n * SECOND_NS },
    ),
    // wget, then a run six minutes later: outside the window.
    processLaunch(
      { 'omega.pod': 'c', Image: '/usr/bin/wget', CommandLine: 'wget http://x/j' },
      { id: 'c1', timeNs: T0 },
    ),
    processLaunch(
      { 'omega.pod': 'c', Image: '/var/tmp/j' },
      { id: 'c2', timeNs: T0 + 360n * SECOND_NS },
    ),
  ];

  it('reports a run from a writable directory within 5 minutes of a download in the same pod', () => {
    const script = example('download-then-execute.lua');
    expect(ours(script, events)).toEqual([
      'nil',
      'nil',
      'nil',
      'pod:shop/a ran /tmp/i 42 s after downloading with "curl -sO http://x/i"',
      'nil',
      'nil',
      'nil',
    ]);
    script.close();
  });

  it('agrees with lua5.4 on the same events', () => {
    const script = example('download-then-execute.lua');
    expect(ours(script, events)).toEqual(
      reference(join(EXAMPLES, 'download-then-execute.lua'), events),
    );
    script.close();
  });
});

describe('ssh-fan-out.lua', () => {
  const hosts = ['10.0.0.5', '10.0.0.1', '10.0.0.3', '10.0.0.2', '10.0.0.4', '10.0.0.6'];
  const events = [
    connection('a', '10.0.0.9', 443, 0n), // not SSH
    ...hosts.slice(0, 4).map((ip, i) => connection('a', ip, 22, BigInt(i))),
    connection('a', '10.0.0.1', 22, 5n), // a host seen already
    connection('a', hosts[4]!, 22, 20n), // the fifth distinct host
    connection('a', hosts[5]!, 22, 21n), // already reported this minute
    // Another pod: four hosts in a minute, the fifth 70 s after the first (a new minute).
    ...hosts.slice(0, 4).map((ip, i) => connection('b', ip, 22, BigInt(i))),
    connection('b', hosts[4]!, 22, 70n),
  ];

  it('reports five distinct SSH destinations within a minute, once', () => {
    const script = example('ssh-fan-out.lua');
    const out = ours(script, events);
    expect(out.filter((o) => o !== 'nil')).toEqual([
      'pod:shop/a opened SSH connections to 5 hosts within 20 s: 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5',
    ]);
    expect(out[6]).not.toBe('nil');
    script.close();
  });

  it('agrees with lua5.4 on the same events', () => {
    const script = example('ssh-fan-out.lua');
    expect(ours(script, events)).toEqual(reference(join(EXAMPLES, 'ssh-fan-out.lua'), events));
    script.close();
  });
});

describe('the script in docs/lua-rules.md', () => {
  it('loads and raises its finding, with the state counting per entity', () => {
    const doc = readFileSync(
      join(__dirname, '..', '..', '..', '..', 'docs', 'lua-rules.md'),
      'utf8',
    );
    const source = /```lua\n([\s\S]*?)```/.exec(doc)![1]!;
    const script = new LuaRuleScript(runtime, 'doc.lua', source, DEFAULT_LUA_LIMITS);
    const shell = (id: string) =>
      processLaunch(
        { ParentImage: '/usr/sbin/nginx', Image: '/bin/sh', CommandLine: 'sh -c id' },
        { id },
      );
    expect(ours(script, [shell('s1'), processLaunch({ Image: '/bin/sh' }), shell('s2')])).toEqual([
      '/usr/sbin/nginx started /bin/sh (1 so far in pod:shop/cart-1)',
      'nil',
      '/usr/sbin/nginx started /bin/sh (2 so far in pod:shop/cart-1)',
    ]);
    expect(script.description).toMatchObject({
      id: 'web-server-shell',
      severity: 4,
      attackTechniqueIds: ['T1505.003', 'T1059.004'],
    });
    script.close();
  });
});

describe('Lua semantics', () => {
  it('integer and float arithmetic, formatting, patterns and utf8 agree with lua5.4', () => {
    const probe = join(work, 'probe.lua');
    writeFileSync(
      probe,
      `rule = { id = 'probe', title = 'Probe' }
function on_event(event, state)
  local t = {
    7 // 2, -7 // 2, 7 % -3, -7 % 3, 7 / 2, 2^53, math.maxinteger + 1 == math.mininteger,
    string.format('%5.2f|%d|%x|%q', 1/3, 42, 255, 'a\\tb"'), select(2, ('a,b,,c'):gsub(',', ';')),
    utf8.len('h\\u{E9}llo'), #'h\\u{E9}llo', tostring(1e15), tostring(2^63), tostring(10 // 0.0),
    math.type(1), math.type(1.0), string.rep('ab', 3, '-'), ('key=value'):match('(%w+)=(%w+)'),
    tostring(0/0 ~= 0/0), event.time_ns // 1000000000, math.tointeger(3.0), 3 == 3.0,
  }
  for i, v in ipairs(t) do t[i] = tostring(v) end
  return { explanation = table.concat(t, ' ') }
end
`,
    );
    const event = processLaunch({ Image: '/bin/true' }, { id: 'p', timeNs: T0 });
    const script = new LuaRuleScript(
      runtime,
      'probe.lua',
      readFileSync(probe, 'utf8'),
      DEFAULT_LUA_LIMITS,
    );
    const mine = ours(script, [event]);
    expect(mine).toEqual(reference(probe, [event]));
    expect(mine[0]).toContain('3 -4 -2 2 3.5 9.007199254741e+15 true');
    script.close();
  });
});
