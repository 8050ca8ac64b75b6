// Detection quality on the labelled scenarios (libs/detect): precision, recall and time to detect
// per attack kind and overall, false alerts per benign host-day (per benign kind too), and
// incidents per attacker. Events go through what the intelligence service runs on each batch: the
// shipped rule pack and every streaming detector, alerts built by apps/intelligence's
// alert-builder, repeats suppressed by its AlertSuppression (one per rule, kind, entity and 60 s
// window) and incidents assigned by its IncidentCorrelator on correlationKeysOf (all from the
// built dist). Two scenarios: the base one (as published before, for comparison) and the richer one
// of issue 20 (benign traffic that fools naive detectors, stealthy attacks). Run alone or from
// bench.mjs (which calls runQualityBench).
//
//   npx node bench/intelligence/quality.mjs [--seed 1] [--hours 8] [--rate 10] [--attacks 5]
//     [--scenario base|rich|both] [--json]
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

/** The targets of issue 20, printed beside the figures. */
export const TARGETS = {
  precision: 0.95,
  recall: 0.95,
  alertsOnInfrastructure: 0,
  incidentsPerAttacker: 1,
};
const INFRASTRUCTURE_KINDS = ['resolver', 'monitoring', 'update-client'];

/** Every event through rules, detectors, suppression and the incident correlator, as the service does. */
function detectAll(events) {
  const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));
  const builder = require(join(root, 'apps', 'intelligence', 'dist', 'alert-builder.js'));
  const { AlertSuppression } = require(
    join(root, 'apps', 'intelligence', 'dist', 'alert-suppression.js'),
  );
  const { IncidentCorrelator, correlationKeysOf } = require(
    join(root, 'apps', 'intelligence', 'dist', 'incident-correlator.js'),
  );
  const pack = detect.loadRulePack(shippedPackTexts());
  const matcher = new detect.RuleSetMatcher(pack.rules);
  const detectors = new detect.DetectorSet();
  const suppression = new AlertSuppression();
  const incidents = new IncidentCorrelator();
  const alerts = [];
  let count = 0;
  const admit = ({ alert, entityKey }) => {
    const kind = alert.labels['detector.kind'] ?? '';
    if (suppression.isRepeat(alert.ruleId, kind, entityKey, alert.timeNs)) return;
    suppression.record(alert.ruleId, kind, entityKey, alert.timeNs);
    const incidentId = incidents.assign(
      correlationKeysOf(entityKey, alert),
      alert.id,
      alert.timeNs,
    );
    alerts.push({ ruleId: alert.ruleId, kind, entityKey, timeNs: alert.timeNs, incidentId });
  };
  for (const event of events) {
    const source = { event, eventIndex: count++ };
    matcher.match(event, (rule) =>
      admit(builder.alertFromSigmaMatch(rule, rule.explain(event), source, suppression.windowMs)),
    );
    for (const f of detectors.observe(event))
      admit(builder.alertFromFinding(f, source, suppression.windowMs));
  }
  return { events: count, alerts, detect };
}

function scoreAttacks(detect, truths, alerts) {
  const detections = alerts
    .filter((a) => KIND_OF_RULE[a.ruleId])
    .map((a) => ({ kind: KIND_OF_RULE[a.ruleId], entityKey: a.entityKey, timeNs: a.timeNs }));
  const kinds = detect.ATTACK_KINDS.filter((k) => truths.some((t) => t.kind === k));
  const scores = detect.scoreDetections(truths, detections, kinds);
  const sum = (f) => scores.reduce((n, s) => n + f(s), 0);
  const overall = {
    kind: 'overall',
    attacks: sum((s) => s.attacks),
    detected: sum((s) => s.detected),
    detections: sum((s) => s.detections),
    truePositives: sum((s) => s.truePositives),
  };
  overall.precision = overall.detections === 0 ? 1 : overall.truePositives / overall.detections;
  overall.recall = overall.attacks === 0 ? 1 : overall.detected / overall.attacks;
  // Which attacks were missed, by id: what a reader needs to see where a kind falls short.
  const hit = new Set(detections.map((d) => `${d.kind}|${d.entityKey}`));
  const missed = truths.filter((t) => !hit.has(`${t.kind}|${t.entityKey}`)).map((t) => t.id);
  return { scores, overall, missed };
}

/** Distinct incidents per attacker, and incidents that joined an attacker with another entity. */
function scoreIncidents(truths, alerts) {
  const attackers = new Set(truths.map((t) => t.entityKey));
  const perAttacker = new Map([...attackers].map((a) => [a, new Set()]));
  const entitiesOf = new Map();
  for (const a of alerts) {
    perAttacker.get(a.entityKey)?.add(a.incidentId);
    if (!entitiesOf.has(a.incidentId)) entitiesOf.set(a.incidentId, new Set());
    entitiesOf.get(a.incidentId).add(a.entityKey);
  }
  const counts = [...perAttacker.values()].map((s) => s.size).sort((a, b) => a - b);
  const joined = [...entitiesOf.values()].filter(
    (keys) => keys.size > 1 && [...keys].some((k) => attackers.has(k)),
  ).length;
  return {
    attackers: counts.length,
    withOne: counts.filter((n) => n === 1).length,
    withNone: counts.filter((n) => n === 0).length,
    max: counts.at(-1) ?? 0,
    median: counts[Math.floor((counts.length - 1) / 2)] ?? 0,
    joinedIncidents: joined,
  };
}

/** Alerts on benign hosts per host-day, over all benign hosts and per benign kind. */
function scoreBenign(benign, attackers, alerts, days) {
  const all = new Set(Object.values(benign).flat());
  const on = (keys) => alerts.filter((a) => keys.has(a.entityKey));
  const rows = Object.entries(benign).map(([kind, keys]) => {
    const set = new Set(keys);
    const hits = on(set);
    return {
      kind,
      hosts: set.size,
      alerts: hits.length,
      perHostDay: hits.length / (set.size * days),
      rules: tally(hits.map((a) => `${a.ruleId}${a.kind ? ` (${a.kind})` : ''}`)),
    };
  });
  const hits = on(all);
  const elsewhere = alerts.filter((a) => !all.has(a.entityKey) && !attackers.has(a.entityKey));
  return {
    overall: { hosts: all.size, alerts: hits.length, perHostDay: hits.length / (all.size * days) },
    rows,
    unlisted: tally(elsewhere.map((a) => `${a.ruleId} on ${a.entityKey}`)),
  };
}

function tally(list) {
  const out = {};
  for (const x of list) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** The base scenario (seed 1, 8 h, 5 attacks per kind): the table published before issue 20. */
export function runQualityBench({ seed = 1, hours = 8, rate = 10, attacks = 5 } = {}) {
  const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));
  const scenario = detect.generateScenario({
    seed,
    durationSec: hours * 3600,
    backgroundPerSecond: rate,
    attacksPerKind: attacks,
  });
  const run = detectAll(scenario.events());
  const { scores, overall, missed } = scoreAttacks(detect, scenario.truths, run.alerts);
  const attackers = new Set(scenario.truths.map((t) => t.entityKey));
  const other = {};
  for (const a of run.alerts) {
    if (KIND_OF_RULE[a.ruleId]) continue;
    const side = attackers.has(a.entityKey) ? 'on attackers' : 'on benign';
    other[`${a.ruleId} ${side}`] = (other[`${a.ruleId} ${side}`] ?? 0) + 1;
  }
  return {
    scenario: 'base',
    seed,
    hours,
    rate,
    attacks,
    events: run.events,
    alerts: run.alerts.length,
    scores,
    overall,
    missed,
    incidents: scoreIncidents(scenario.truths, run.alerts),
    other,
  };
}

/** The richer scenario of issue 20. */
export function runRichQualityBench({ seed = 1, hours = 8, rate = 10, attacks = 5 } = {}) {
  const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));
  const scenario = detect.generateRichScenario({
    seed,
    durationSec: hours * 3600,
    backgroundPerSecond: rate,
    attacksPerKind: attacks,
  });
  const run = detectAll(scenario.events());
  const { scores, overall, missed } = scoreAttacks(detect, scenario.truths, run.alerts);
  const attackers = new Set(scenario.truths.map((t) => t.entityKey));
  return {
    scenario: 'rich',
    seed,
    hours,
    rate,
    attacks,
    events: run.events,
    alerts: run.alerts.length,
    scores,
    overall,
    missed,
    incidents: scoreIncidents(scenario.truths, run.alerts),
    benign: scoreBenign(scenario.benign, attackers, run.alerts, hours / 24),
  };
}

export function printQuality(q) {
  const f3 = (x) => x.toFixed(3);
  const title =
    q.scenario === 'rich'
      ? 'richer scenario (issue 20: benign look-alikes, stealthy attacks, benign external clients, beacons ±30%)'
      : 'base scenario (as published before issue 20)';
  console.log(
    `\nDetection quality, ${title}: seed ${q.seed}, ${q.hours} h of event time, ${q.rate} background events/s, ` +
      `${q.attacks} attacks per base kind, ${q.events.toLocaleString('en')} events, ${q.alerts} alerts (one per rule, kind, entity and 60 s)`,
  );
  console.log(
    '| attack | attacks | detected | alerts | true | precision | recall | time to detect (median / max) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const s of [...q.scores, q.overall]) {
    const ttd = s.timeToDetectSec
      ? `${s.timeToDetectSec.median.toFixed(1)} s / ${s.timeToDetectSec.max.toFixed(1)} s`
      : '—';
    const name = s.kind === 'overall' ? '**overall**' : s.kind;
    console.log(
      `| ${name} | ${s.attacks} | ${s.detected} | ${s.detections} | ${s.truePositives} | ${f3(s.precision)} | ${f3(s.recall)} | ${s.kind === 'overall' ? '' : ttd} |`,
    );
  }
  console.log(`target: precision ≥ ${TARGETS.precision} and recall ≥ ${TARGETS.recall} per kind`);
  if (q.missed.length > 0) console.log(`missed: ${q.missed.join(', ')}`);
  const i = q.incidents;
  console.log(
    `incidents per attacker: ${i.withOne} of ${i.attackers} attackers in exactly one incident, ${i.withNone} in none, ` +
      `median ${i.median}, max ${i.max}; incidents joining an attacker with another entity: ${i.joinedIncidents} ` +
      `(target: ${TARGETS.incidentsPerAttacker} per attacker, none joined)`,
  );
  if (q.benign) {
    const b = q.benign;
    console.log(
      `\nFalse alerts on benign hosts: ${b.overall.alerts} on ${b.overall.hosts} hosts, ` +
        `${b.overall.perHostDay.toFixed(4)} per benign host-day`,
    );
    console.log('| benign kind | hosts | alerts | per host-day | rules | target |');
    console.log('|---|---:|---:|---:|---|---|');
    for (const r of b.rows) {
      const rules = Object.entries(r.rules)
        .map(([rule, n]) => `${rule} ×${n}`)
        .join(', ');
      const target = INFRASTRUCTURE_KINDS.includes(r.kind)
        ? `${TARGETS.alertsOnInfrastructure}`
        : '';
      console.log(
        `| ${r.kind} | ${r.hosts} | ${r.alerts} | ${r.perHostDay.toFixed(4)} | ${rules || '—'} | ${target} |`,
      );
    }
    const unlisted = Object.entries(b.unlisted);
    if (unlisted.length > 0) {
      console.log('Alerts on hosts that are neither attackers nor listed benign hosts:');
      for (const [what, n] of unlisted.slice(0, 20)) console.log(`  ${what}: ${n}`);
    }
  }
  if (q.other) {
    const others = Object.entries(q.other).sort();
    if (others.length > 0) {
      console.log('Other alerts (rules that stand for no injected kind):');
      for (const [what, n] of others) console.log(`  ${what}: ${n}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      hours: { type: 'string', default: '8' },
      rate: { type: 'string', default: '10' },
      attacks: { type: 'string', default: '5' },
      scenario: { type: 'string', default: 'both' },
      json: { type: 'boolean', default: false },
    },
  });
  const args = {
    seed: Number(values.seed),
    hours: Number(values.hours),
    rate: Number(values.rate),
    attacks: Number(values.attacks),
  };
  const results = [];
  if (values.scenario !== 'rich') results.push(runQualityBench(args));
  if (values.scenario !== 'base') results.push(runRichQualityBench(args));
  if (values.json)
    console.log(JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  else results.forEach(printQuality);
}
