#!/usr/bin/env node
// libs/detect throughput: events/s through every loaded SigmaHQ Linux rule (the vendored test
// corpus) on one core, for a mix of benign process, network and DNS events with a small share of
// events that match some rule. The anchors are published figures for whole sensors (Falco, Tracee),
// printed beside this run's figure; they are not measured here.
//
//   npx node bench/detect/bench.mjs [--events 300000] [--rounds 5] [--match-share 0.01] [--json] [--no-build] [--no-detectors] [--no-hostile]
//
// Then runs the streaming detectors' bench (detectors.mjs) on the same number of events, unless
// --no-detectors is given, and the hostile-value bench (hostile.mjs) unless --no-hostile is given.
//
// Builds libs/detect first (incremental) unless --no-build is given, then imports its dist/ output.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '5' },
    'match-share': { type: 'string', default: '0.01' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-detectors': { type: 'boolean', default: false },
    'no-hostile': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const MATCH_SHARE = Number(args['match-share']);
const TARGET = 300_000; // issue 5: full pipeline (rules + detectors) on one core

if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/detect'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));

const corpusDir = join(root, 'libs', 'detect', 'test-corpus', 'sigmahq-linux');
const walk = (dir) =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.yml') ? [path] : [];
    });
const texts = walk(corpusDir).map((path) => ({
  source: relative(corpusDir, path),
  text: readFileSync(path, 'utf8'),
}));
const pack = detect.loadRulePack(texts);
const matcher = new detect.RuleSetMatcher(pack.rules);

// Benign background: what a node's exec and flow telemetry mostly looks like.
const random = detect.seededRandom(7);
const pick = (list) => list[Math.floor(random() * list.length)];
const binaries = [
  '/usr/bin/python3',
  '/usr/local/bin/node',
  '/usr/bin/java',
  '/bin/sh',
  '/usr/bin/ls',
  '/usr/bin/cat',
  '/usr/sbin/nginx',
  '/usr/bin/grep',
  '/usr/bin/ps',
  '/usr/bin/sleep',
];
const args1 = [
  '-c',
  '--config /etc/app/config.yaml',
  'server.js --port 8080',
  '-jar /opt/app/app.jar',
  '/var/log/app.log',
  'healthcheck',
  '-la /srv/data',
  'status',
];
const hosts = [
  'api.internal.svc.cluster.local',
  'registry.npmjs.org',
  'storage.googleapis.com',
  'db.prod.svc.cluster.local',
  'example.com',
];
function benign() {
  const roll = random();
  if (roll < 0.5) {
    const image = pick(binaries);
    return detect.eventFromSigmaFields('process_creation', {
      Image: image,
      CommandLine: `${image.split('/').pop()} ${pick(args1)} ${Math.floor(random() * 1e6)}`,
      ParentImage: pick(binaries),
      ParentCommandLine: `${pick(binaries)} ${pick(args1)}`,
      CurrentDirectory: '/srv/app',
      User: pick(['app', 'nobody', 'root']),
      ProcessId: 1000 + Math.floor(random() * 30000),
      ParentProcessId: 1 + Math.floor(random() * 1000),
      'omega.namespace': 'shop',
      'omega.pod': `web-${Math.floor(random() * 100)}`,
    });
  }
  if (roll < 0.85) {
    return detect.eventFromSigmaFields('network_connection', {
      Image: pick(binaries),
      DestinationIp: `10.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.${1 + Math.floor(random() * 250)}`,
      DestinationPort: pick([443, 80, 5432, 6379, 8080, 53]),
      DestinationHostname: pick(hosts),
      SourceIp: '10.0.3.7',
      SourcePort: 30000 + Math.floor(random() * 30000),
      Initiated: 'true',
      Protocol: 'tcp',
    });
  }
  return detect.eventFromSigmaFields('dns_query', {
    QueryName: pick(hosts),
    QueryType: 'A',
    Image: pick(binaries),
  });
}
const matching = pack.rules.flatMap((rule, index) =>
  detect
    .sampleEventsForRule(rule, 1000 + index)
    .filter((sample) => !sample.label.startsWith('near-miss'))
    .map((sample) => detect.eventFromSigmaFields(rule.logsource.category, sample.fields))
    .filter((event) => rule.matches(event)),
);
const events = Array.from({ length: EVENTS }, () =>
  random() < MATCH_SHARE ? pick(matching) : benign(),
);

function round() {
  let alerts = 0;
  const started = performance.now();
  for (let i = 0; i < events.length; i++) alerts += matcher.match(events[i]);
  const ms = performance.now() - started;
  return { ms, alerts, eventsPerSecond: (events.length / ms) * 1000 };
}
round(); // warm-up: JIT and inline caches
const runs = Array.from({ length: ROUNDS }, round);
const rates = runs.map((r) => r.eventsPerSecond).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
const classes = pack.rules.reduce(
  (acc, r) => ((acc[r.logsource.category] = (acc[r.logsource.category] ?? 0) + 1), acc),
  {},
);

const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
  node: process.version,
  rules: pack.rules.length,
  rulesByCategory: classes,
  rejected: pack.rejected.length,
  events: EVENTS,
  matchingEventShare: MATCH_SHARE,
  alertsPerRound: runs[0].alerts,
  eventsPerSecond: {
    min: Math.round(rates[0]),
    median: Math.round(median),
    max: Math.round(rates[rates.length - 1]),
  },
};
if (!args['no-detectors']) {
  const { runDetectorBench } = await import('./detectors.mjs');
  result.detectors = runDetectorBench({ detect, events: EVENTS, rounds: ROUNDS });
}
if (!args['no-hostile']) {
  const { runHostileBench } = await import('./hostile.mjs');
  result.hostile = runHostileBench({ detect });
}
if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`libs/detect Sigma engine — ${result.date}, ${result.machine}, node ${result.node}`);
  console.log(
    `${result.rules} rules loaded (${JSON.stringify(classes)}), ${result.rejected} rejected; ${fmt(EVENTS)} events/round, ${(MATCH_SHARE * 100).toFixed(1)}% built to match, ${result.alertsPerRound} rule matches/round`,
  );
  console.log('');
  console.log('| what | events/s (one core) | source |');
  console.log('|---|---:|---|');
  console.log(
    `| libs/detect, all corpus rules, median of ${ROUNDS} (min–max ${fmt(rates[0])}–${fmt(rates[rates.length - 1])}) | ${fmt(median)} | this run |`,
  );
  console.log(
    `| target, full intelligence pipeline (rules + detectors) | ${fmt(TARGET)} | issue 5 |`,
  );
  console.log(
    '| Falco (whole sensor, ~38% of a core) | ~4,400 | published figure quoted in issue 5 |',
  );
  console.log(
    '| Tracee (whole sensor, ~1.5 cores) | ~50,000 | published figure quoted in issue 5 |',
  );
}

if (result.detectors && !args.json) {
  const { printDetectorBench } = await import('./detectors.mjs');
  console.log('');
  printDetectorBench(result.detectors);
}

if (result.hostile && !args.json) {
  const { printHostileBench } = await import('./hostile.mjs');
  console.log('');
  printHostileBench(result.hostile);
}
