#!/usr/bin/env node
// The file-activity storm (issue 21): a real `tar -x` of --files files (default 100,000) under a
// watched prefix and outside it, with the sentinel's syscall probe detached ("off") and attached
// ("on"), interleaved in one run. Reports the workload's time and CPU (its `times`), the slowdown,
// and for "on" the events the sentinel published (acked by a real nats-server) per CPU-second of
// the sentinel and its loader, and what the kernel held back (rate limit) or lost (ring full).
// `sudo npx node bench/sentinel/file-storm.mjs [--files 100000] [--rounds 2] [--no-build]`
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '2' },
    'no-build': { type: 'boolean', default: false },
  },
});
const FILES = Number(args.files);
const ROUNDS = Number(args.rounds);
if (process.getuid?.() !== 0) {
  console.error('bench/sentinel/file-storm: run as root (BPF)');
  process.exit(2);
}
if (!args['no-build']) {
  execFileSync('npx', ['tsc', '-b', 'apps/sentinel', 'libs/testkit'], {
    cwd: root,
    stdio: 'inherit',
  });
}
execFileSync('make', ['-s', '-C', join(root, 'bpf')], { stdio: 'inherit' });

const dist = join(root, 'apps', 'sentinel', 'dist');
const { startNatsServer } = require('@omega/testkit');
const { connectBus, provision } = require('@omega/bus');
const { createLogger } = require('@omega/runtime');
const { Registry } = require('prom-client');
const { LoaderSupervisor } = require(join(dist, 'wire', 'loader-supervisor.js'));
const { frameRouter, newFrameCounts } = require(join(dist, 'events', 'frame-router.js'));
const { TelemetryPublisher } = require(join(dist, 'events', 'telemetry-publisher.js'));
const { batchSigning } = require(join(dist, 'events', 'batch-signing-key.js'));
const { sentinelMetrics } = require(join(dist, 'sentinel-metrics.js'));
const { DEFAULT_LOADER_PATH } = require(join(dist, 'sentinel-config.js'));

const logger = createLogger({ service: 'sentinel', level: 'warn' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const TICKS = 100; // USER_HZ

function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

// the archive: FILES small files in directories of 1,000
const tmp = mkdtempSync(join(tmpdir(), 'omega-bench-storm-'));
const src = join(tmp, 'src');
const made = Date.now();
for (let d = 0; d * 1000 < FILES; d++) {
  const dir = join(src, `d${d}`);
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < 1000 && d * 1000 + f < FILES; f++)
    writeFileSync(join(dir, `f${f}`), `${d}.${f}\n`);
}
const archive = join(tmp, 'storm.tar');
execFileSync('tar', ['-cf', archive, '-C', src, '.']);
rmSync(src, { recursive: true, force: true });
console.log(`archive of ${fmt(FILES)} files made in ${((Date.now() - made) / 1000).toFixed(1)} s`);

const nats = await startNatsServer();
const bus = await connectBus({ servers: nats.url, name: 'bench-file-storm', logger });
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
let stats;
const counts = newFrameCounts();
const route = frameRouter({
  node: 'bench',
  publisher,
  metrics,
  flowActiveTimeoutMs: 60_000,
  onStats: (s) => (stats = s),
  counts,
});
const watched = join(tmp, 'watched');
const outside = join(tmp, 'outside');
const loader = new LoaderSupervisor({
  loaderPath: DEFAULT_LOADER_PATH,
  logger,
  onFrame: route.onFrame,
  onRawFrame: route.onRawFrame,
  setupCommands: [`file-prefix 1 all ${watched}`],
});
await loader.start();

async function freshStats() {
  const before = stats;
  await loader.command('stats');
  while (stats === before) await sleep(5);
  return stats;
}

/**
 * Extracts the archive into `dir` (made fresh); the workload's wall time and CPU (bash `times`).
 * Asynchronous: the sentinel in this process keeps reading the loader meanwhile.
 */
async function extract(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const started = process.hrtime.bigint();
  const child = spawn('bash', ['-c', `tar -xf '${archive}' -C '${dir}'; times`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const status = await new Promise((resolve) => child.on('close', resolve));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const run = { status, stdout };
  if (run.status !== 0) throw new Error(`tar failed (status ${status})`);
  // second line of `times`: the children's user and system time, "0m1.234s 0m2.345s"
  const [user, sys] = run.stdout
    .trim()
    .split('\n')[1]
    .split(/\s+/)
    .map((t) => {
      const [, m, s] = /(\d+)m([\d.]+)s/.exec(t);
      return Number(m) * 60 + Number(s);
    });
  rmSync(dir, { recursive: true, force: true });
  return { wall, cpu: user + sys };
}

async function phase(where, on, rate) {
  await loader.command(on ? 'audit-syscalls on' : 'audit-syscalls off');
  if (rate) await loader.command(`audit-rate ${rate}`);
  await sleep(200);
  const s0 = await freshStats();
  const events0 = counts.audit;
  const dropped0 = publisher.stats.droppedEvents;
  const cpu0 = process.cpuUsage();
  const loaderCpu0 = processCpuSeconds(loader.pid);
  const run = await extract(where === 'watched' ? watched : outside);
  // the sentinel's share includes draining what the storm queued
  let last = -1;
  while (counts.audit !== last) {
    last = counts.audit;
    await sleep(300);
  }
  // and publishing it: every batch acknowledged by JetStream
  publisher.flush();
  while (publisher.stats.pendingBatches > 0 || publisher.stats.buffered > 0) await sleep(20);
  const cpu = process.cpuUsage(cpu0);
  const sentinelCpu = (cpu.user + cpu.system) / 1e6 + processCpuSeconds(loader.pid) - loaderCpu0;
  const s1 = await freshStats();
  return {
    where,
    on,
    rate: rate ?? 500,
    ...run,
    events: counts.audit - events0,
    dropped: Number(publisher.stats.droppedEvents - dropped0),
    sentinelCpu,
    rateLimited: Number(s1.auditRateLimited - s0.auditRateLimited),
    lost: Number(s1.lostAudit - s0.lostAudit),
  };
}

const rows = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const where of ['outside', 'watched']) {
    rows.push(await phase(where, false));
    rows.push(await phase(where, true, 500));
  }
  rows.push(await phase('watched', true, 1_000_000_000));
  await loader.command('audit-rate 500');
}
await loader.stop();
await publisher.close();
await bus.drain();
await nats.stop();
rmSync(tmp, { recursive: true, force: true });

console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  '| extract | sentinel probe | rate/CPU | wall s | tar CPU s | events published | buffer dropped | sentinel+loader CPU s | events per CPU-s | rate-limited | lost |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.where} | ${r.on ? 'on' : 'off'} | ${r.on ? fmt(r.rate) : ''} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${fmt(r.events)} | ${fmt(r.dropped)} | ${r.sentinelCpu.toFixed(2)} | ${r.events ? fmt(r.events / Math.max(r.sentinelCpu, 0.01)) : ''} | ${fmt(r.rateLimited)} | ${fmt(r.lost)} |`,
  );
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const where of ['outside', 'watched']) {
  const off = rows.filter((r) => r.where === where && !r.on);
  const on = rows.filter((r) => r.where === where && r.on && r.rate === 500);
  const slow = (k) => (median(on.map((r) => r[k])) / median(off.map((r) => r[k])) - 1) * 100;
  console.log(
    `${where}: slowdown with the probe on (medians): wall ${slow('wall').toFixed(1)}%, tar CPU ${slow('cpu').toFixed(1)}%`,
  );
}
