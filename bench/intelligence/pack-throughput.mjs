#!/usr/bin/env node
// Rules only, one core: the whole shipped pack (apps/intelligence/rules) beside the 125 SigmaHQ
// Linux rules libs/detect loads from its test corpus, on the same events in the same run, against
// issue 21's target of 500,000 events per CPU-second for the shipped pack. Two event mixes: the
// intelligence scenario (70% flows, 20% DNS, 10% process launches) and a process-heavy one (half
// process launches of varied benign commands, 1% the pack's own positive samples).
//
//   npx node bench/intelligence/pack-throughput.mjs [--events 300000] [--rounds 5] [--json]
//
// bench.mjs runs the same measure as part of its throughput section.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { shippedPackTexts } from './quality.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

export const PACK_TARGET_EPS = 500_000;

/** The vendored SigmaHQ Linux rules (libs/detect/test-corpus/sigmahq-linux) as rule texts. */
function sigmahqCorpusTexts() {
  const dir = join(root, 'libs', 'detect', 'test-corpus', 'sigmahq-linux');
  const walk = (d) =>
    readdirSync(d)
      .sort()
      .flatMap((name) => {
        const path = join(d, name);
        if (statSync(path).isDirectory()) return walk(path);
        return name.endsWith('.yml')
          ? [{ source: relative(dir, path), text: readFileSync(path, 'utf8') }]
          : [];
      });
  return walk(dir);
}

const BENIGN_COMMANDS = [
  ['/usr/bin/node', 'node dist/server.js --port 8080', '/sbin/tini'],
  ['/usr/local/bin/python3', 'python3 -m worker --queue default', '/sbin/tini'],
  ['/bin/sh', 'sh -c ./entrypoint.sh', '/bin/sh'],
  ['/usr/bin/curl', 'curl -fsS http://localhost:8080/healthz', '/usr/bin/kubelet-probe'],
  ['/bin/ls', 'ls -la /app/data', '/bin/bash'],
  ['/bin/ps', 'ps aux', '/bin/bash'],
  ['/usr/bin/grep', 'grep -c ERROR /var/log/app/app.log', '/bin/sh'],
  ['/usr/bin/find', 'find /tmp -name *.lock -mmin +60 -delete', '/bin/sh'],
  ['/usr/bin/git', 'git fetch origin main', '/usr/bin/node'],
  ['/usr/bin/java', 'java -Xmx512m -jar /app/app.jar', '/sbin/tini'],
  ['/usr/sbin/nginx', 'nginx -g daemon off;', '/sbin/tini'],
  ['/usr/bin/tar', 'tar xzf /cache/deps.tgz -C /app/node_modules', '/bin/sh'],
];

/** Half process launches (benign, varied arguments), the rest the scenario's flows and DNS, 1% samples. */
export function processHeavyMix(detect, scenarioEvents, pack) {
  const network = scenarioEvents.filter((e) => e.payload?.$case !== 'processActivity');
  const positives = pack.rules.flatMap((compiled) =>
    (compiled.rule.samples?.match ?? []).map((fields) =>
      detect.eventFromSigmaFields(compiled.logsource.category, fields),
    ),
  );
  const random = detect.seededRandom(21);
  return Array.from({ length: scenarioEvents.length }, (_, i) => {
    const roll = random();
    if (roll < 0.01) return positives[i % positives.length];
    if (roll < 0.5) return network[i % network.length];
    const [Image, CommandLine, ParentImage] = BENIGN_COMMANDS[i % BENIGN_COMMANDS.length];
    return detect.eventFromSigmaFields('process_creation', {
      Image,
      CommandLine: `${CommandLine} --req ${Math.floor(random() * 1e9).toString(36)}`,
      ParentImage,
      'omega.pod': `app-${i % 300}`,
      'omega.container': 'app',
    });
  });
}

export function measure(matcher, events, rounds) {
  const wall = [];
  const cpu = [];
  let matches = 0;
  for (let round = 0; round <= rounds; round++) {
    let count = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < events.length; i++) count += matcher.match(events[i]);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpuStart);
    if (round > 0) {
      wall.push(events.length / seconds);
      cpu.push(events.length / ((used.user + used.system) / 1e6));
    }
    matches = count;
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    eventsPerSecond: Math.round(median(wall)),
    eventsPerCpuSecond: Math.round(median(cpu)),
    matches,
  };
}

/** Shipped pack and SigmaHQ corpus, rules only, on both mixes; `scenarioEvents` from the caller. */
export function packThroughput(detect, scenarioEvents, rounds) {
  const load = (texts, what) => {
    const pack = detect.loadRulePack(texts);
    if (pack.rejected.length > 0 && what === 'shipped')
      throw new Error(`shipped pack rejected rules: ${pack.rejected.map((r) => r.source)}`);
    return pack;
  };
  const shipped = load(shippedPackTexts(), 'shipped');
  const corpus = load(sigmahqCorpusTexts(), 'corpus');
  const mixes = {
    scenario: scenarioEvents,
    'process-heavy': processHeavyMix(detect, scenarioEvents, shipped),
  };
  const rows = [];
  for (const [mix, events] of Object.entries(mixes)) {
    for (const [name, pack] of [
      ['shipped pack', shipped],
      ['SigmaHQ corpus', corpus],
    ]) {
      rows.push({
        mix,
        name,
        rules: pack.rules.length,
        ...measure(new detect.RuleSetMatcher(pack.rules), events, rounds),
      });
    }
  }
  return { events: scenarioEvents.length, target: PACK_TARGET_EPS, rows };
}

export function printPackThroughput(result) {
  const fmt = (n) => n.toLocaleString('en');
  console.log(
    `\nWhole rule pack, rules only, one core (${fmt(result.events)} events per mix, median of the rounds after a warm-up)`,
  );
  console.log(
    '| mix | rules | events/s (wall) | events per CPU-second | matches per round | target (per CPU-second) |',
  );
  console.log('|---|---|---:|---:|---:|---|');
  for (const r of result.rows) {
    const verdict =
      r.name === 'shipped pack'
        ? `${fmt(result.target)}: ${r.eventsPerCpuSecond >= result.target ? 'met' : 'NOT met'}`
        : 'anchor (issue 21 quotes 560,000)';
    console.log(
      `| ${r.mix} | ${r.name} (${r.rules}) | ${fmt(r.eventsPerSecond)} | ${fmt(r.eventsPerCpuSecond)} | ${fmt(r.matches)} | ${verdict} |`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      events: { type: 'string', default: '300000' },
      rounds: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
    },
  });
  const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));
  const events = Number(args.events);
  const scenario = detect.generateScenario({
    seed: 2,
    durationSec: Math.max(600, Math.ceil(events / 100)),
    backgroundPerSecond: 100,
    attacksPerKind: 5,
  });
  const list = [];
  for (const event of scenario.events()) {
    list.push(event);
    if (list.length === events) break;
  }
  const result = packThroughput(detect, list, Number(args.rounds));
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  if (args.json) console.log(JSON.stringify({ load, ...result }, null, 2));
  else {
    console.log(`load average ${load}, ${new Date().toISOString()}`);
    printPackThroughput(result);
  }
}
