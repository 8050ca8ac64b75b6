// libs/detect streaming detectors: events/s through all five detectors on one core, and heap per
// 10,000 tracked entities for each detector. Run alone or from bench.mjs (which calls runDetectorBench).
//
//   npx node bench/detect/detectors.mjs [--events 300000] [--rounds 5] [--json] [--no-build]
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

// A full collection before each heap reading, without needing `node --expose-gc` on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const SEC = 1_000_000_000n;
const HOUR_NS = 3600n * SEC;

/** A seeded mix over 48 h of event time: flows (mostly CLOSE records, some refusals), DNS, a few decoy touches. */
function buildStream(detect, count, seed, { freshSources = false } = {}) {
  const random = detect.seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const pods = Array.from({ length: 2_000 }, (_, i) => ({
    ip: `10.1.${i >> 8}.${i & 255}`,
    workload: `ns${i % 20}/pod-${i}@sa-${i % 50}`,
  }));
  const services = Array.from({ length: 500 }, (_, i) => ({
    ip: `10.96.${i >> 8}.${i & 255}`,
    port: pick([80, 443, 5432, 6379, 8080]),
  }));
  // Each pod talks to its own five services (a stable service graph); 0.1% of flows go anywhere.
  const peers = pods.map(() => Array.from({ length: 5 }, () => pick(services)));
  const names = [
    'api.example.com',
    'www.example.com',
    'registry.npmjs.org',
    'storage.googleapis.com',
    'd1a2b3.cloudfront.net',
    'db.prod.svc.cluster.local',
  ];
  const spanNs = 48n * HOUR_NS;
  const events = new Array(count);
  for (let i = 0; i < count; i++) {
    const timeNs = 1_700_000_000n * SEC + (spanNs * BigInt(i)) / BigInt(count);
    const podIndex = Math.floor(random() * pods.length);
    // A sweep from many sources: every event a source never seen before, so every detector's
    // state sits at its cap and evicts on each insert (where an attacker can put the load).
    const src = freshSources
      ? { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
      : pods[podIndex];
    const roll = random();
    const id = `e${i}`;
    if (roll < 0.7) {
      const dst = random() < 0.001 ? pick(services) : pick(peers[podIndex]);
      const activity =
        random() < 0.05 ? 5 /* REFUSE */ : random() < 0.5 ? 1 /* OPEN */ : 2; /* CLOSE */
      events[i] = detect.flowEvent({
        id,
        timeNs,
        src,
        dst,
        activity,
        bytesOut: Math.floor(random() * 50_000),
      });
    } else if (roll < 0.995) {
      const name =
        random() < 0.02 ? `${Math.floor(random() * 1e9).toString(32)}.t.example.org` : pick(names);
      events[i] = detect.dnsEvent({ id, timeNs, src, hostname: name });
    } else {
      events[i] = detect.deceptionEvent({
        id,
        timeNs,
        src,
        decoyId: 'ssh-decoy',
        kind: 2,
        sessionId: `s${i % 300}`,
      });
    }
  }
  return events;
}

function throughput(detect, events, rounds) {
  const round = () => {
    const set = new detect.DetectorSet();
    let findings = 0;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < events.length; i++) findings += set.observe(events[i]).length;
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      eventsPerSecond: (events.length / ms) * 1000,
      eventsPerCpuSecond: events.length / ((cpu.user + cpu.system) / 1e6),
      findings,
      stateSizes: set.stateSizes(),
    };
  };
  round(); // warm-up
  const runs = Array.from({ length: rounds }, round);
  const rates = runs.map((r) => r.eventsPerSecond).sort((a, b) => a - b);
  const cpuRates = runs.map((r) => r.eventsPerCpuSecond).sort((a, b) => a - b);
  return {
    min: Math.round(rates[0]),
    median: Math.round(rates[Math.floor(rates.length / 2)]),
    max: Math.round(rates[rates.length - 1]),
    // This process's user + system time (GC threads included): what a core spends, without the
    // time spent waiting for one while other work shares the machine.
    cpuMedian: Math.round(cpuRates[Math.floor(cpuRates.length / 2)]),
    findingsPerRound: runs[0].findings,
    stateSizes: runs[0].stateSizes,
  };
}

function heapBytes() {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Heap growth from tracking 10,000 entities, each given the state a typical entity has. */
function memoryPer10k(detect) {
  const ENTITIES = 10_000;
  const ip = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const t = (i, k) => 1_700_000_000n * SEC + BigInt(i) * 1_000_000n + BigInt(k) * 300n * SEC;
  const cases = [
    {
      id: 'port-scan',
      entity: 'source (4 first contacts, 2 failed)',
      make: () => new detect.PortScanDetector(),
      feed: (d, i) => {
        for (let k = 0; k < 4; k++)
          d.observe(
            detect.flowEvent({
              id: `p${i}-${k}`,
              timeNs: t(i, 0),
              src: { ip: ip(i) },
              dst: { ip: `10.200.0.${k}`, port: 22 },
              activity: k < 2 ? 5 : 1,
            }),
          );
      },
    },
    {
      id: 'beacon',
      entity: 'pair (16 connections)',
      make: () => new detect.BeaconDetector(),
      feed: (d, i) => {
        for (let k = 0; k < 16; k++)
          d.observe(
            detect.flowEvent({
              id: `b${i}-${k}`,
              timeNs: t(i, k),
              src: { ip: ip(i) },
              dst: { ip: '203.0.113.1', port: 443 },
              bytesOut: 500 + k,
            }),
          );
      },
    },
    {
      id: 'dns-tunnel',
      entity: 'pair (5 unique subdomains)',
      make: () => new detect.DnsTunnelDetector(),
      feed: (d, i) => {
        for (let k = 0; k < 5; k++)
          d.observe(
            detect.dnsEvent({
              id: `d${i}-${k}`,
              timeNs: t(i, 0),
              src: { ip: ip(i) },
              // Names of the source's own: one asked by another source moments before is a
              // relay and would not be counted (dns-tunnel.ts).
              hostname: `h${k}.s${i}.example.com`,
            }),
          );
      },
    },
    {
      id: 'new-edge',
      entity: 'edge (fixed sketches: 4 × 2^18 + 4 × 2^14 counters)',
      make: () => new detect.NewEdgeDetector({ learningPeriodNs: 0 }),
      feed: (d, i) =>
        d.observe(
          detect.flowEvent({
            id: `n${i}`,
            timeNs: t(i, 0),
            src: { ip: ip(i) },
            dst: { ip: '10.96.0.1', port: 80 },
          }),
        ),
    },
    {
      id: 'deception-touch',
      entity: 'session key (a command on a decoy)',
      make: () => new detect.DeceptionTouchDetector(),
      feed: (d, i) =>
        d.observe(
          detect.deceptionEvent({
            id: `x${i}`,
            timeNs: t(i, 0),
            src: { ip: ip(i) },
            decoyId: 'decoy',
            kind: 3, // a COMMAND: a bare CONNECT raises nothing and keeps no state
            sessionId: `s${i}`,
          }),
        ),
    },
  ];
  return cases.map((c) => {
    const before = heapBytes();
    const detector = c.make();
    for (let i = 0; i < ENTITIES; i++) c.feed(detector, i);
    const after = heapBytes();
    const bytes = after - before;
    return {
      detector: c.id,
      entity: c.entity,
      stateSize: detector.stateSize(),
      bytesPer10k: bytes,
      bytesPerEntity: Math.round(bytes / ENTITIES),
    };
  });
}

export function runDetectorBench({ detect, events = 300_000, rounds = 5 }) {
  const stream = buildStream(detect, events, 11);
  const rate = throughput(detect, stream, rounds);
  const atCap = throughput(detect, buildStream(detect, events, 11, { freshSources: true }), rounds);
  const memory = memoryPer10k(detect);
  return {
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    node: process.version,
    events,
    rounds,
    eventsPerSecond: rate,
    atCap,
    memory,
  };
}

export function printDetectorBench(result) {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const r = result.eventsPerSecond;
  console.log(
    `libs/detect streaming detectors — ${result.date}, ${result.machine}, node ${result.node}`,
  );
  console.log(
    `${fmt(result.events)} events/round over 48 h of event time (70% flows from 2,000 pods, each to its 5 of 500 services, 0.1% to any, 29.5% DNS with 2% random subdomains, 0.5% decoy touches); ${fmt(r.findingsPerRound)} findings/round; state after a round: ${JSON.stringify(r.stateSizes)}`,
  );
  console.log('');
  console.log('| what | events/s (one core) | source |');
  console.log('|---|---:|---|');
  const c = result.atCap;
  const share = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
  console.log(
    `| all 5 detectors (DetectorSet), median of ${result.rounds} (min–max ${fmt(r.min)}–${fmt(r.max)}; ${fmt(r.cpuMedian)} per CPU-second) | ${fmt(r.median)} | this run |`,
  );
  console.log(
    `| same detectors, every event from a new source (state at its cap, evicting on each insert; ${fmt(c.findingsPerRound)} findings/round), median (min–max ${fmt(c.min)}–${fmt(c.max)}; ${fmt(c.cpuMedian)} per CPU-second) | ${fmt(c.median)} | this run: ${share(c.median, r.median)} of the run above, ${share(c.cpuMedian, r.cpuMedian)} per CPU-second (target ≥ 80%, issue 20) |`,
  );
  console.log('| target, full intelligence pipeline (rules + detectors) | 300,000 | issue 5 |');
  console.log('');
  console.log('| detector | entity | state entries | heap per 10,000 entities | bytes/entity |');
  console.log('|---|---|---:|---:|---:|');
  for (const m of result.memory) {
    console.log(
      `| ${m.detector} | ${m.entity} | ${fmt(m.stateSize)} | ${(m.bytesPer10k / 1048576).toFixed(2)} MiB | ${fmt(m.bytesPerEntity)} |`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values: args } = parseArgs({
    options: {
      events: { type: 'string', default: '300000' },
      rounds: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
    },
  });
  if (!args['no-build']) {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/detect'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  const detect = require(join(root, 'libs', 'detect', 'dist', 'index.js'));
  const result = runDetectorBench({
    detect,
    events: Number(args.events),
    rounds: Number(args.rounds),
  });
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else printDetectorBench(result);
}
