// Detection quality on the labelled scenario generator (libs/detect generateScenario): precision,
// recall and time to detect per attack kind, with the shipped rule pack and every streaming
// detector, alerts de-duplicated as the service does (one per rule, entity and 60 s window).
// Run alone or from bench.mjs (which calls runQualityBench).
//
//   npx node bench/intelligence/quality.mjs [--seed 1] [--hours 8] [--rate 10] [--attacks 5] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

/** The shipped pack (apps/intelligence/rules) as rule texts. */
export function shippedPackTexts() {
  const dir = join(root, 'apps', 'intelligence', 'rules');
  const texts = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) {
        texts.push({ source: relative(dir, path), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(dir);
  return texts.sort((a, b) => a.source.localeCompare(b.source));
}

/** Which attack kind each rule or detector stands for; the others count as "other". */
export const KIND_OF_RULE = {
  'detector:port-scan': 'scan',
  'detector:beacon': 'beacon',
  'detector:dns-tunnel': 'dns-tunnel',
  'detector:deception-touch': 'honeytoken',
  'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02': 'reverse-shell',
};

function entityKeyOfEvent(event) {
  const w = event.workload;
  if (w?.namespace && w.pod) return `pod:${w.namespace}/${w.pod}`;
  if (w?.namespace && w.serviceAccount) return `sa:${w.namespace}/${w.serviceAccount}`;
  const ip = event.srcEndpoint?.ip;
  if (ip) return `ip:${ip}`;
  return `node:${event.node}`;
}

export function runQualityBench({ seed = 1, hours = 8, rate = 10, attacks = 5 } = {}) {
  const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));
  const scenario = detect.generateScenario({
    seed,
    durationSec: hours * 3600,
    backgroundPerSecond: rate,
    attacksPerKind: attacks,
  });
  const pack = detect.loadRulePack(shippedPackTexts());
  const matcher = new detect.RuleSetMatcher(pack.rules);
  const detectors = new detect.DetectorSet();
  const WINDOW_NS = 60_000_000_000n;
  const raised = new Map(); // ruleId|entity|window -> {ruleId, entityKey, timeNs}
  const raise = (ruleId, entityKey, timeNs) => {
    const key = `${ruleId}|${entityKey}|${timeNs / WINDOW_NS}`;
    if (!raised.has(key)) raised.set(key, { ruleId, entityKey, timeNs });
  };
  let events = 0;
  for (const event of scenario.events()) {
    events++;
    matcher.match(event, (rule) =>
      raise(`sigma:${rule.rule.id}`, entityKeyOfEvent(event), event.timeNs),
    );
    for (const f of detectors.observe(event))
      raise(`detector:${f.detectorId}`, f.entityKey, f.timeNs);
  }
  const alerts = [...raised.values()];
  const detections = alerts
    .filter((a) => KIND_OF_RULE[a.ruleId])
    .map((a) => ({ kind: KIND_OF_RULE[a.ruleId], entityKey: a.entityKey, timeNs: a.timeNs }));
  const scores = detect.scoreDetections(scenario.truths, detections, detect.ATTACK_KINDS);
  const attackers = new Set(scenario.truths.map((t) => t.entityKey));
  const other = {};
  for (const a of alerts) {
    if (KIND_OF_RULE[a.ruleId]) continue;
    const side = attackers.has(a.entityKey) ? 'on attackers' : 'on benign';
    other[`${a.ruleId} ${side}`] = (other[`${a.ruleId} ${side}`] ?? 0) + 1;
  }
  return { seed, hours, rate, attacks, events, alerts: alerts.length, scores, other };
}

export function printQuality(q) {
  const pct = (x) => x.toFixed(3);
  console.log(
    `\nDetection quality: scenario seed ${q.seed}, ${q.hours} h of event time, ${q.rate} benign events/s, ` +
      `${q.attacks} attacks per kind, ${q.events.toLocaleString('en')} events, ${q.alerts} alerts (one per rule, entity and 60 s)`,
  );
  console.log(
    '| attack | attacks | detected | alerts | true | precision | recall | time to detect (median / max) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const s of q.scores) {
    const ttd = s.timeToDetectSec
      ? `${s.timeToDetectSec.median.toFixed(1)} s / ${s.timeToDetectSec.max.toFixed(1)} s`
      : '—';
    console.log(
      `| ${s.kind} | ${s.attacks} | ${s.detected} | ${s.detections} | ${s.truePositives} | ${pct(s.precision)} | ${pct(s.recall)} | ${ttd} |`,
    );
  }
  console.log(
    'target: precision ≥ 0.95 and recall ≥ 0.95 per kind (issue 5); no anchor publishes these',
  );
  const others = Object.entries(q.other).sort();
  if (others.length > 0) {
    console.log('Other alerts (rules that stand for no injected kind):');
    for (const [what, n] of others) console.log(`  ${what}: ${n}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      hours: { type: 'string', default: '8' },
      rate: { type: 'string', default: '10' },
      attacks: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
    },
  });
  const q = runQualityBench({
    seed: Number(values.seed),
    hours: Number(values.hours),
    rate: Number(values.rate),
    attacks: Number(values.attacks),
  });
  if (values.json)
    console.log(JSON.stringify(q, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  else printQuality(q);
}
