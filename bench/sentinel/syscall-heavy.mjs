#!/usr/bin/env node
// Syscall-heavy workloads with the sentinel off (no loader) and on (loader with the service's
// default setup: syscall telemetry on, the default watched prefixes plus /usr/local and /var/log),
// interleaved round by round in one run (issue 21). Per workload: its CPU (user + system, bash
// `times`) and wall time, the slowdown on against off (medians), and, on, the events the
// sentinel published (acked by a real nats-server) per CPU-second of the sentinel and its loader,
// and what the kernel held back (rate limit) or lost (ring full). The benign workload
// (benign-workload.sh: dpkg, logrotate, a build step) also goes through the shipped rule pack:
// alerts on its process tree are false alerts (target 0).
// `sudo npx node bench/sentinel/syscall-heavy.mjs [--rounds 5] [--no-build]`
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
if (process.getuid?.() !== 0) {
  console.error('bench/sentinel/syscall-heavy: run as root (BPF)');
  process.exit(2);
}
if (!args['no-build']) {
  execFileSync('npx', ['tsc', '-b', 'apps/sentinel', 'libs/testkit', 'libs/detect'], {
    cwd: root,
    stdio: 'inherit',
  });
}
execFileSync('make', ['-s', '-C', join(root, 'bpf')], { stdio: 'inherit' });

const dist = join(root, 'apps', 'sentinel', 'dist');
const { startNatsServer } = require('@omega/testkit');
const { connectBus, provision } = require('@omega/bus');
const { createLogger } = require('@omega/runtime');
const { loadRulePack } = require('@omega/detect');
const { Registry } = require('prom-client');
const { LoaderSupervisor } = require(join(dist, 'wire', 'loader-supervisor.js'));
const { frameRouter, newFrameCounts } = require(join(dist, 'events', 'frame-router.js'));
const { TelemetryPublisher } = require(join(dist, 'events', 'telemetry-publisher.js'));
const { batchSigning } = require(join(dist, 'events', 'batch-signing-key.js'));
const { sentinelMetrics } = require(join(dist, 'sentinel-metrics.js'));
const { DEFAULT_LOADER_PATH, DEFAULT_FILE_PREFIXES, FILE_PREFIX_OPS } = require(
  join(dist, 'sentinel-config.js'),
);
const { watchedPrefixes } = require(join(dist, 'policy', 'watched-paths.js'));

const logger = createLogger({ service: 'sentinel', level: 'warn' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const TICKS = 100; // USER_HZ
const tmp = mkdtempSync(join(tmpdir(), 'omega-bench-syscalls-'));

function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function shippedRules() {
  const dir = join(root, 'apps', 'intelligence', 'rules');
  const texts = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.yml'))
        texts.push({ source: e.name, text: readFileSync(join(d, e.name), 'utf8') });
    }
  };
  walk(dir);
  return loadRulePack(texts).rules;
}
const rules = shippedRules();

let benignRound = 0;
const WORKLOADS = [
  {
    name: 'dd: 4,000,000 one-byte reads and writes',
    script: 'dd if=/dev/zero of=/dev/null bs=1 count=2000000 status=none',
  },
  {
    name: 'find + stat over /usr, 3 times',
    script: 'for i in 1 2 3; do find /usr -xdev -type f -size +1k | wc -l > /dev/null; done',
  },
  {
    name: '2,000 execs of /bin/true',
    script: 'i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done',
  },
  {
    name: 'benign: dpkg, logrotate, build step',
    script: () =>
      `unshare --mount --propagation private sh '${join(here, 'benign-workload.sh')}' '${join(tmp, `benign-${benignRound++}`)}' 3`,
    benign: true,
  },
];

const nats = await startNatsServer();
const bus = await connectBus({ servers: nats.url, name: 'bench-syscall-heavy', logger });
await provision(bus, { streams: ['TELEMETRY'] });
const metrics = sentinelMetrics(new Registry());
const signing = await batchSigning({
  dataDir: join(tmp, 'state'),
  localSenderId: 'omega://local/sentinel/bench',
  logger,
});
const publisher = new TelemetryPublisher({
  bus,
  node: 'bench',
  signing,
  sessionId: 'bench',
  logger,
  metrics,
  flushIntervalMs: 100,
  maxBufferedEvents: 100_000,
});
// every event the router publishes, kept for the rule pack (only while the benign workload runs)
let keep;
const tap = {
  add: (kind, event) => {
    keep?.push(event);
    publisher.add(kind, event);
  },
  addEncoded: (kind, write) => publisher.addEncoded(kind, write),
  setLostRecords: (n) => publisher.setLostRecords(n),
};
let stats;
const counts = newFrameCounts();
const route = frameRouter({
  node: 'bench',
  publisher: tap,
  metrics,
  flowActiveTimeoutMs: 60_000,
  onStats: (s) => (stats = s),
  counts,
});
const prefixes = watchedPrefixes(
  [...DEFAULT_FILE_PREFIXES, '/usr/local', '/var/log'].map((path) => ({
    path,
    ops: FILE_PREFIX_OPS,
  })),
  32,
).prefixes;
let loader;

async function startLoader() {
  loader = new LoaderSupervisor({
    loaderPath: DEFAULT_LOADER_PATH,
    logger,
    onFrame: route.onFrame,
    onRawFrame: route.onRawFrame,
    setupCommands: [
      'audit-syscalls on',
      ...prefixes.map((p, i) => `file-prefix ${i + 1} ${p.ops.join(',')} ${p.path}`),
    ],
  });
  await loader.start();
}

async function freshStats() {
  const before = stats;
  await loader.command('stats');
  while (stats === before) await sleep(5);
  return stats;
}

/** Runs the workload; its wall time and CPU (bash `times`) and the pid of its shell. */
async function runWorkload(script) {
  const started = process.hrtime.bigint();
  const child = spawn('bash', ['-c', `( ${script} ); times`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const status = await new Promise((resolve) => child.on('close', resolve));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (status !== 0) throw new Error(`workload failed (status ${status}): ${script}`);
  const [user, sys] = stdout
    .trim()
    .split('\n')
    .at(-1)
    .split(/\s+/)
    .map((t) => {
      const [, m, s] = /(\d+)m([\d.]+)s/.exec(t);
      return Number(m) * 60 + Number(s);
    });
  return { wall, cpu: user + sys, pid: child.pid };
}

/** Alerts of the shipped pack on the events of `rootPid`'s process tree. */
function falseAlerts(events, rootPid) {
  const parent = new Map();
  for (const e of events) {
    const p = e.actor?.process;
    if (p?.pid && p.parent?.pid) parent.set(p.pid, p.parent.pid);
  }
  const inTree = (pid) => {
    for (let at = pid, hops = 0; at && hops < 64; at = parent.get(at), hops++)
      if (at === rootPid) return true;
    return false;
  };
  const tree = events.filter((e) => e.actor?.process?.pid && inTree(e.actor.process.pid));
  const alerts = tree.flatMap((e) =>
    rules.filter((r) => r.matches(e)).map((r) => `${r.rule.title}: ${e.message}`),
  );
  return { events: tree.length, alerts };
}

async function phase(workload, on) {
  const script = typeof workload.script === 'function' ? workload.script() : workload.script;
  if (!on) return { workload: workload.name, on, ...(await runWorkload(script)) };
  const s0 = await freshStats();
  const frames0 = counts.exec + counts.exit + counts.audit;
  const cpu0 = process.cpuUsage();
  const loaderCpu0 = processCpuSeconds(loader.pid);
  if (workload.benign) keep = [];
  const run = await runWorkload(script);
  let last = -1;
  while (counts.exec + counts.exit + counts.audit !== last) {
    last = counts.exec + counts.exit + counts.audit;
    await sleep(300);
  }
  publisher.flush();
  while (publisher.stats.pendingBatches > 0 || publisher.stats.buffered > 0) await sleep(20);
  const cpu = process.cpuUsage(cpu0);
  const sentinelCpu = (cpu.user + cpu.system) / 1e6 + processCpuSeconds(loader.pid) - loaderCpu0;
  const s1 = await freshStats();
  const judged = workload.benign ? falseAlerts(keep, run.pid) : undefined;
  keep = undefined;
  return {
    workload: workload.name,
    on,
    ...run,
    events: counts.exec + counts.exit + counts.audit - frames0,
    sentinelCpu,
    rateLimited: Number(s1.auditRateLimited - s0.auditRateLimited),
    lost: Number(
      s1.lostAudit - s0.lostAudit + (s1.lostExec - s0.lostExec) + (s1.lostExit - s0.lostExit),
    ),
    judged,
  };
}

// one unmeasured pass: caches warm, the archive and package built once
for (const w of WORKLOADS)
  await runWorkload(typeof w.script === 'function' ? w.script() : w.script);
const rows = [];
const loads = [];
for (let round = 0; round < ROUNDS; round++) {
  // off first in even rounds, on first in odd ones, so a drift in the machine's load is shared
  for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
    if (on) await startLoader();
    for (const w of WORKLOADS) rows.push(await phase(w, on));
    if (on) await loader.stop();
  }
  loads.push(loadavg()[0]);
}
await publisher.close();
await bus.drain();
await nats.stop();
rmSync(tmp, { recursive: true, force: true });

console.log(
  `\nload average (1 min) after each round: ${loads.map((l) => l.toFixed(1)).join(', ')}; at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  '| workload | sentinel | wall s | workload CPU s | events | sentinel+loader CPU s | events per CPU-s | rate-limited | lost | false alerts |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.workload} | ${r.on ? 'on' : 'off'} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.on ? fmt(r.events) : ''} | ${r.on ? r.sentinelCpu.toFixed(2) : ''} | ${r.on && r.events ? fmt(r.events / Math.max(r.sentinelCpu, 0.01)) : ''} | ${r.on ? fmt(r.rateLimited) : ''} | ${r.on ? fmt(r.lost) : ''} | ${r.judged ? `${r.judged.alerts.length} of ${fmt(r.judged.events)} events` : ''} |`,
  );
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const w of WORKLOADS) {
  const off = rows.filter((r) => r.workload === w.name && !r.on);
  const on = rows.filter((r) => r.workload === w.name && r.on);
  const slow = (k) => (median(on.map((r) => r[k])) / median(off.map((r) => r[k])) - 1) * 100;
  console.log(
    `${w.name}: slowdown on against off (medians): CPU ${slow('cpu').toFixed(1)}%, wall ${slow('wall').toFixed(1)}% (target < 5%)`,
  );
}
for (const r of rows) for (const a of r.judged?.alerts ?? []) console.log(`false alert: ${a}`);
