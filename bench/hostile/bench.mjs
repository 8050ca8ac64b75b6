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
import {
  MiB,
  TRUNCATED_MESSAGE,
  gzipBomb,
  idleFlood,
  rawUnary,
  unknownFieldOf,
} from './attacks.mjs';

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
const grpc = require('@grpc/grpc-js');
const YAML = require('yaml');
const { LocalStack } = require(join(root, 'apps', 'cli', 'dist', 'local-stack.js'));
const { SERVICE_NAMES } = require('@omega/service');
const { createPromiseClient } = require('@omega/runtime');
const { eventFromSigmaFields } = require('@omega/detect');
const proto = require('@omega/proto');

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

const probe = fork(join(here, 'probe.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const probeReply = () => new Promise((resolve) => probe.once('message', resolve));

const rows = [];
const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k]));
const describeStatus = (s) =>
  typeof s.code === 'number'
    ? `${CODE_NAMES[s.code] ?? s.code}: ${s.message}`
    : `${s.code}: ${s.message}`;

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

const API = {
  gateway: { service: 'omega.v1.GatewayService', method: 'GetServerInfo' },
  trust: { service: 'omega.v1.TrustService', method: 'GetIdentity' },
  intelligence: { service: 'omega.v1.IntelligenceService', method: 'TestRules' },
  orchestrator: { service: 'omega.v1.OrchestratorService', method: 'ValidatePlaybook' },
  deception: { service: 'omega.v1.DeceptionService', method: 'ListDecoys' },
  twin: { service: 'omega.v1.TwinService', method: 'GetGraph' },
  sentinel: { service: 'omega.v1.SentinelService', method: 'GetStatus' },
};
const pathOf = (name) => `/${API[name].service}/${API[name].method}`;

async function metricOf(name, metric) {
  const text = await (
    await fetch(`http://127.0.0.1:${stack.portsOf(name).httpPort}/metrics`)
  ).text();
  const out = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(metric)) {
      const [key, value] = line.split(/ (?=[^ ]+$)/);
      out[key] = Number(value);
    }
  }
  return out;
}

// Built once, before any probe window, so that building them takes no CPU from a measured service.
const HUNDRED_MIB = unknownFieldOf(100 * MiB);
const GZIP_BOMB = gzipBomb();

/** The attacks every service gets: oversized, compressed-oversized and malformed requests, floods. */
async function commonAttacks(name, { hundredMiB } = {}) {
  const port = stack.portsOf(name).grpcPort;
  await measure(name, `100 MiB request (${API[name].method})`, async () =>
    describeStatus(await rawUnary(port, pathOf(name), hundredMiB ?? HUNDRED_MIB)),
  );
  await measure(
    name,
    `gzip bomb: 100 MiB of zeros in ${Math.round(GZIP_BOMB.length / 1024)} KiB`,
    async () => describeStatus(await rawUnary(port, pathOf(name), GZIP_BOMB, { compressed: true })),
  );
  await measure(name, 'malformed protobuf (truncated field)', async () =>
    describeStatus(await rawUnary(port, pathOf(name), TRUNCATED_MESSAGE)),
  );
  const prefix = `omega_${name}_grpc_connections_`;
  const floodOutcome = async (flood, before) => {
    const after = await metricOf(name, prefix);
    const delta = Object.entries(after)
      .filter(([k]) => k.includes('_total'))
      .map(([k, v]) => `${k.slice(prefix.length).replace('_total', '')} +${v - (before[k] ?? 0)}`)
      .join(', ');
    const logged = log.find(
      (l) =>
        l.startsWith(name) &&
        (l.includes('refused a connection') || l.includes('had sent nothing')) &&
        !seenLogLines.has(l),
    );
    if (logged) seenLogLines.add(logged);
    return (
      `${flood.attempts} attempts from ${flood.sourceAddresses} addresses: ${flood.admitted} open after the last attempt, ` +
      `${flood.closedByServer} closed by the server, ${flood.connectErrors} connect errors` +
      (flood.firstConnectError ? ` (${flood.firstConnectError})` : '') +
      `; ${prefix}*_total: ${delta || 'none'}` +
      (logged ? `; log: "${/grpc: [^"]*?(?= peer=|$)/.exec(logged)?.[0] ?? logged}"` : '')
    );
  };
  const flood = (attack, options) =>
    measure(name, attack, async () => {
      const before = await metricOf(name, prefix);
      return floodOutcome(await idleFlood(port, options), before);
    });
  await flood('silent flood, one address (1,000 attempts, held 2 s)', {
    attempts: 1_000,
    perAddress: 1_000,
    holdMs: 2_000,
  });
  const n = CONNECTIONS.toLocaleString('en-US');
  await flood(`silent flood, ${n} attempts, 50 per address (held 3 s)`, {
    attempts: CONNECTIONS,
    perAddress: 50,
    holdMs: 3_000,
  });
  await flood(`HTTP/2-greeting flood, ${n} attempts, 50 per address (held 3 s)`, {
    attempts: CONNECTIONS,
    perAddress: 50,
    holdMs: 3_000,
    greet: true,
  });
}
const seenLogLines = new Set();

// ---- intelligence ----
const WILDCARD_RULE = `title: hostile wildcard
id: 9a0f6a51-3f1d-4c55-9c38-8b8a3e2f0d11
status: experimental
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    CommandLine: '*a*a*a*a*a*a*a*a*b'
  condition: selection
level: low
`;
function processEvent(id, commandLine) {
  const event = eventFromSigmaFields('process_creation', {
    Image: '/bin/sh',
    CommandLine: commandLine,
    'omega.pod': 'p',
  });
  event.id = id;
  event.timeNs = 1_700_000_000_000_000_000n;
  return event;
}
const wildcardRequest = (events, chars) => ({
  sources: [
    {
      name: 'hostile.yml',
      format: proto.RuleFormat.RULE_FORMAT_SIGMA_YAML,
      content: WILDCARD_RULE,
    },
  ],
  events: Array.from({ length: events }, (_, i) => processEvent(`e${i}`, 'a'.repeat(chars))),
});
// The promise client's errors already name the code, the method and the address.
const errorText = (err) =>
  err.details !== undefined ? `${CODE_NAMES[err.code] ?? err.code}: ${err.details}` : err.message;

async function intelligenceAttacks() {
  const name = 'intelligence';
  const address = `127.0.0.1:${stack.portsOf(name).grpcPort}`;
  const client = createPromiseClient(proto.IntelligenceServiceClient, address, {
    timeoutMs: 120_000,
  });
  const long = wildcardRequest(1_000, 3_000);
  const many = wildcardRequest(10_000, 350);
  const tooMany = wildcardRequest(60_000, 8);
  const tooManyBytes = proto.TestRulesRequest.encode(tooMany).finish().length;
  // Field 2 (events) with length 0, two million times: 4 MB on the wire, 2,000,000 Events decoded.
  const emptyEvents = Buffer.alloc(2 * 2_000_000);
  for (let i = 0; i < emptyEvents.length; i += 2) emptyEvents[i] = (2 << 3) | 2;
  await measure(
    name,
    `TestRules '*a*a*a*a*a*a*a*a*b' over 1,000 events of 3,000-char command lines`,
    async () => {
      const res = await client.testRules(long);
      return `answered: valid=${res.valid}, ${res.matches.length} matches`;
    },
  );
  await measure(
    name,
    `TestRules with 60,000 events (${(tooManyBytes / MiB).toFixed(1)} MiB)`,
    async () => {
      try {
        const res = await client.testRules(tooMany);
        return `ACCEPTED: ${res.matches.length} matches`;
      } catch (err) {
        return errorText(err);
      }
    },
  );
  await measure(
    name,
    `4 concurrent TestRules, '*a*a*a*a*a*a*a*a*b' over 10,000 events of 350 chars`,
    async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => client.testRules(many)),
      );
      const answered = results.filter((r) => r.status === 'fulfilled').length;
      const refused = results
        .filter((r) => r.status === 'rejected')
        .map((r) => errorText(r.reason));
      return `${answered} answered, ${refused.length} refused${refused.length > 0 ? ` (${refused[0]})` : ''}`;
    },
  );
  const TestRulesRequest = proto.TestRulesRequest;
  const hundred = Buffer.from(
    TestRulesRequest.encode({
      sources: [],
      events: [processEvent('big', 'a'.repeat(100 * MiB))],
    }).finish(),
  );
  await commonAttacks(name, { hundredMiB: hundred });
  await measure(
    name,
    `StreamAlerts open/close churn (${CHURN.toLocaleString('en-US')} calls, 50 at a time)`,
    async () => {
      const consumers = async () =>
        (await (await fetch(`${stack.natsMonitorUrl}/jsz?consumers=true`)).json()).consumers;
      const baseline = await consumers();
      let peak = baseline;
      const errors = [];
      for (let done = 0; done < CHURN; done += 50) {
        const calls = Array.from({ length: Math.min(50, CHURN - done) }, () => {
          const call = client.grpcClient.streamAlerts(proto.StreamAlertsRequest.fromPartial({}));
          call.on('error', (err) => {
            if (err.code !== grpc.status.CANCELLED) errors.push(errorText(err));
          });
          call.on('data', () => {});
          return call;
        });
        await sleep(100);
        if (done % 500 === 0) peak = Math.max(peak, await consumers());
        for (const call of calls) call.cancel();
      }
      let after = await consumers();
      const deadline = Date.now() + 15_000;
      while (after > baseline && Date.now() < deadline) {
        await sleep(250);
        after = await consumers();
      }
      return (
        `NATS consumers (/jsz): ${baseline} before, ${peak} at most while open, ${after} after` +
        (after > baseline ? ' — NOT BACK TO BASELINE within 15 s' : ' (back to baseline)') +
        (errors.length > 0 ? `; ${errors.length} calls failed: ${errors[0]}` : '')
      );
    },
  );
  // Last: the memory it takes stays with the process (RSS seldom shrinks), and would be counted
  // in the windows after it.
  await measure(name, 'TestRules with 2,000,000 empty events (4 MB)', async () =>
    describeStatus(await rawUnary(stack.portsOf(name).grpcPort, pathOf(name), emptyEvents)),
  );
  client.close();
}

// ---- sentinel ----
async function sentinelAttacks() {
  const name = 'sentinel';
  const client = createPromiseClient(
    proto.SentinelServiceClient,
    `127.0.0.1:${stack.portsOf(name).grpcPort}`,
    { timeoutMs: 30_000 },
  );
  const replay = (path) => async () => {
    try {
      const res = await client.replayPcap(
        proto.ReplayPcapRequest.fromPartial({ source: { $case: 'path', value: path } }),
      );
      return `ACCEPTED: ${JSON.stringify(res, (k, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)}`;
    } catch (err) {
      return errorText(err);
    }
  };
  await measure(name, 'ReplayPcap path=/dev/zero', replay('/dev/zero'));
  await measure(
    name,
    'ReplayPcap path=/etc/passwd (outside the replay directory)',
    replay('/etc/passwd'),
  );
  await measure(
    name,
    'ReplayPcap path=../../../etc/passwd (relative escape)',
    replay('../../../etc/passwd'),
  );
  client.close();
  await commonAttacks(name);
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
    if (name === 'intelligence') await intelligenceAttacks();
    else if (name === 'sentinel') await sentinelAttacks();
    else await commonAttacks(name);
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
