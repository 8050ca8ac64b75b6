#!/usr/bin/env node
// Hostile input against every service (issue 16): the whole local stack as built (apps/*/dist, one
// process per service, on a real nats-server, plaintext gRPC), and per service each attack that
// applies to it, while a separate prober process asks the service's /healthz and gRPC health on a
// fresh connection every 50 ms and reads its resident memory. Prints, per service × attack, the
// worst and p99 health latency, failed probes, the peak RSS beside the chart's memory limit, and
// what the attack got back (the error text when it was refused). The anchor is each service's own
// health latency and RSS over a quiet window measured in the same run.
//
//   npx node bench/hostile/bench.mjs [--connections 20000] [--churn 2000] [--only intelligence,trust]
//                                    [--json out.json] [--no-build]
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serviceAttacks } from './service-attacks.mjs';
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '20000' },
    churn: { type: 'string', default: '2000' },
    only: { type: 'string' },
    json: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build']) {
  execFileSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
const YAML = require('yaml');
const { LocalStack } = require(join(root, 'apps', 'cli', 'dist', 'local-stack.js'));
const { SERVICE_NAMES } = require('@omega/service');

const CONNECTIONS = Number(args.connections);
const CHURN = Number(args.churn);
const SETTLE_MS = 1_000;
const QUIET_MS = 3_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const services = args.only ? args.only.split(',') : [...SERVICE_NAMES];
const unknown = services.filter((s) => !SERVICE_NAMES.includes(s));
if (unknown.length > 0) {
  console.error(
    `bench/hostile: --only: unknown service ${unknown.join(', ')}; have ${SERVICE_NAMES.join(', ')}`,
  );
  process.exit(2);
}

// ---- the chart's memory limits (charts/omega/values.yaml) ----
const values = YAML.parse(readFileSync(join(root, 'charts', 'omega', 'values.yaml'), 'utf8'));
function mebibytes(quantity, where) {
  const m = /^(\d+)(Mi|Gi)$/.exec(String(quantity));
  if (!m)
    throw new Error(
      `charts/omega/values.yaml: ${where}: memory limit ${quantity} is not <n>Mi or <n>Gi`,
    );
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}
const limitMiB = (name) => {
  const own = values[name]?.resources?.limits?.memory;
  return own !== undefined
    ? mebibytes(own, `${name}.resources.limits.memory`)
    : mebibytes(
        values.serviceDefaults.resources.limits.memory,
        'serviceDefaults.resources.limits.memory',
      );
};

// ---- the stack ----
const stateDir = mkdtempSync(join(tmpdir(), 'omega-hostile-'));
const replayDir = join(stateDir, 'captures');
mkdirSync(replayDir, { recursive: true });
const log = [];
let stack;
for (let attempt = 0; ; attempt++) {
  stack = new LocalStack({
    root,
    stateDir,
    portOffset: 3000 + Math.floor(Math.random() * 1900),
    // Trust first: every other service enrolls with it, as `omega up` runs them.
    services: [...new Set(['trust', ...services])],
    out: (line) => log.push(line),
    readyTimeoutMs: 90_000,
    nodeBin: process.execPath,
    serviceEnv: {
      // Replay without eBPF: ReplayPcap's checks are the same in both modes.
      sentinel: {
        OMEGA_SENTINEL_MODE: 'off',
        OMEGA_SENTINEL_DATA_DIR: join(stateDir, 'sentinel'),
        OMEGA_SENTINEL_REPLAY_DIR: replayDir,
      },
    },
  });
  try {
    await stack.start();
    break;
  } catch (err) {
    await stack.stop().catch(() => {});
    if (attempt >= 3 || !String(err).includes('already in use')) throw err;
  }
}
const notReady = stack.status().filter((r) => r.name !== 'nats' && r.state !== 'ready');
if (notReady.length > 0) {
  console.error(log.slice(-40).join('\n'));
  console.error(
    `bench/hostile: not ready: ${notReady.map((r) => `${r.name} (${r.state})`).join(', ')}`,
  );
  await stack.stop();
  process.exit(1);
}

const attack = serviceAttacks({
  stack,
  measure,
  log,
  connections: CONNECTIONS,
  churn: CHURN,
});
const probe = fork(join(here, 'probe.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const probeReply = () => new Promise((resolve) => probe.once('message', resolve));

const rows = [];
/** Runs `attack` against `name` inside a probe window and records the row. */
async function measure(name, attack, run) {
  const ports = stack.portsOf(name);
  const pid = stack.processOf(name).pid;
  probe.send({ cmd: 'start', httpPort: ports.httpPort, grpcPort: ports.grpcPort, pid });
  await probeReply();
  const started = performance.now();
  let outcome;
  try {
    outcome = await run();
  } catch (err) {
    outcome = `attack failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const attackMs = performance.now() - started;
  await sleep(SETTLE_MS);
  probe.send({ cmd: 'stop' });
  const health = await probeReply();
  const crashed = stack.crashed().includes(name);
  const row = {
    service: name,
    attack,
    attackMs,
    outcome: crashed ? `${outcome} — SERVICE CRASHED` : outcome,
    ...health,
    limitMiB: limitMiB(name),
  };
  rows.push(row);
  printRow(row);
  return row;
}

const fmt = (ms) => (ms === undefined ? '—' : ms.toFixed(1));
const peakMiBOf = (r) =>
  Math.max(r.rss.peakSampledKiB, r.rss.kernelPeakSinceWindow ? r.rss.peakKernelKiB : 0) / 1024;
function printRow(r) {
  const peakMiB = peakMiBOf(r);
  const failed = r.http.failures + r.grpc.failures;
  console.log(
    `| ${r.service} | ${r.attack} | ${fmt(r.http.worstMs)} / ${fmt(r.http.p99Ms)} | ${fmt(r.grpc.worstMs)} / ${fmt(r.grpc.p99Ms)} | ` +
      `${failed === 0 ? '0' : `${failed} (${r.http.failures > 0 ? `http: ${r.http.firstError}` : ''}${r.http.failures > 0 && r.grpc.failures > 0 ? '; ' : ''}${r.grpc.failures > 0 ? `grpc ${r.grpc.failures}: ${r.grpc.firstError}` : ''})`} / ${r.http.probes + r.grpc.probes} | ` +
      `${(r.rss.startKiB / 1024).toFixed(0)} → ${peakMiB.toFixed(0)} / ${r.limitMiB} | ${(r.attackMs / 1000).toFixed(1)} s | ${r.cpu.serviceMs.toFixed(0)} ms | ${String(r.outcome).replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
  );
}

// ---- run ----
console.log(
  `bench/hostile: ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `services: ${services.join(', ')} (plaintext gRPC; with mTLS an attacker first needs a certificate trust issued)\n`,
);
console.log(
  '| service | attack | /healthz worst / p99 ms | gRPC health worst / p99 ms | failed probes / probes | RSS at start → peak / chart limit, MiB | attack took | service CPU in window | outcome |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
try {
  for (const name of services) {
    await measure(name, `quiet (anchor, ${QUIET_MS / 1000} s)`, () =>
      sleep(QUIET_MS).then(() => 'no attack'),
    );
    await attack(name);
  }
} finally {
  probe.send({ cmd: 'exit' });
  const crashed = stack.crashed();
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
  if (crashed.length > 0) console.log(`\nCRASHED during the run: ${crashed.join(', ')}`);
  const over = rows.filter(
    (r) =>
      Math.max(r.http.worstMs ?? 0, r.grpc.worstMs ?? 0) > 100 ||
      r.http.failures + r.grpc.failures > 0 ||
      peakMiBOf(r) > r.limitMiB,
  );
  console.log(
    `\n${over.length} of ${rows.length} rows over a bound (health > 100 ms, a failed probe, or RSS over the chart limit)` +
      (over.length > 0 ? `: ${over.map((r) => `${r.service} / ${r.attack}`).join('; ')}` : ''),
  );
  console.log(
    `load after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (args.json) writeFileSync(args.json, JSON.stringify(rows, null, 2));
}
