#!/usr/bin/env node
// The orchestrator (apps/orchestrator as built) on a real nats-server, as replica processes:
//  1. workflows completed per second, 3 no-op steps each (`annotate`, audit off), 1 and 2 replicas,
//     started by alerts published to ALERTS, completion seen on WORKFLOWS (an ordered consumer);
//  2. alert published -> first action executed latency (p50/p99; target p99 < 50 ms), the first
//     action a `notify` to a local HTTP sink, alerts paced so the queue stays empty;
//  3. JetStream operations per step: the engine's own count (omega_orchestrator_jetstream_operations_total
//     from each replica's /metrics) and, as outside truth, the messages nats-server received
//     (/varz in_msgs: publishes, acks, naks, heartbeats, pulls, API calls; alerts and index reads included).
//
//   npx node bench/orchestrator/bench.mjs [--workflows 2000] [--latency 300] [--no-build]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    workflows: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '300' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build']) {
  execFileSync('npx', ['tsc', '-b', 'apps/orchestrator', 'libs/testkit'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const { startNatsServer, freePort } = require('@omega/testkit');
const { connectBus, provision, publish, subjects } = require('@omega/bus');
const { Alert, Severity, WorkflowEvent, WorkflowEventType } = require('@omega/proto');
const { createLogger } = require('@omega/runtime');

const MAIN = join(root, 'apps', 'orchestrator', 'dist', 'main.js');
const WORKFLOWS = Number(args.workflows);
const LATENCY_SAMPLES = Number(args.latency);
const logger = createLogger({ service: 'bench', level: 'silent' });
const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PLAYBOOKS = {
  'noop.yml': `id: noop
trigger: { alert: { rule_ids: ['bench:noop'] } }
steps:
  - { id: a, action: annotate, params: { text: 'a \${alert.id}' } }
  - { id: b, action: annotate, needs: [a], params: { text: 'b' } }
  - { id: c, action: annotate, needs: [b], params: { text: 'c' } }
`,
  'first-action.yml': `id: first-action
trigger: { alert: { rule_ids: ['bench:latency'] } }
steps:
  - { id: tell, action: notify, params: { text: '\${alert.id}' } }
`,
};

async function startReplica(name, natsUrl, sinkUrl, playbookDir) {
  const httpPort = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      OMEGA_NATS_SERVERS: natsUrl,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: '0',
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: String(httpPort),
      OMEGA_LOG_LEVEL: 'info',
      OMEGA_ORCHESTRATOR_WORKER_ID: name,
      OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: playbookDir,
      OMEGA_ORCHESTRATOR_AUDIT_ACTIONS: 'false',
      OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: sinkUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffered += chunk;
      if (buffered.includes('"msg":"orchestrator ready"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
  child.stdout.resume();
  return {
    metricsUrl: `http://127.0.0.1:${httpPort}/metrics`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

async function engineOps(replicas) {
  const byKind = {};
  for (const r of replicas) {
    const text = await (await fetch(r.metricsUrl)).text();
    for (const m of text.matchAll(
      /^omega_orchestrator_jetstream_operations_total\{kind="(\w+)"\} (\d+)/gm,
    )) {
      byKind[m[1]] = (byKind[m[1]] ?? 0) + Number(m[2]);
    }
  }
  return byKind;
}

async function serverInMsgs(nats) {
  const varz = await (await fetch(`${nats.monitorUrl}/varz`)).json();
  return varz.in_msgs;
}

function alert(id, rule) {
  return Alert.fromPartial({
    id,
    timeNs: BigInt(Date.now()) * 1_000_000n,
    severity: Severity.SEVERITY_HIGH,
    title: id,
    ruleId: rule,
  });
}

/** Counts WORKFLOW_COMPLETED events on WORKFLOWS from now on. */
async function completionCounter(bus) {
  const consumer = await bus.js.consumers.get('WORKFLOWS', {
    filter_subjects: ['omega.wf.>'],
    deliver_policy: 'new',
  });
  const messages = await consumer.consume();
  const state = { completed: 0, waiters: [] };
  void (async () => {
    for await (const msg of messages) {
      if (
        WorkflowEvent.decode(msg.data).type ===
        WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED
      ) {
        state.completed++;
        for (const w of state.waiters.filter((w) => state.completed >= w.n)) w.resolve();
        state.waiters = state.waiters.filter((w) => state.completed < w.n);
      }
    }
  })();
  return {
    state,
    until: (n) =>
      state.completed >= n
        ? Promise.resolve()
        : new Promise((resolve) => state.waiters.push({ n, resolve })),
    stop: () => messages.close(),
  };
}

async function throughput(replicaCount, run) {
  const nats = await startNatsServer();
  const bus = await connectBus({ servers: nats.url, name: 'bench', logger });
  await provision(bus, { streams: ['ALERTS', 'TASKS', 'WORKFLOWS', 'DLQ'] });
  const dir = mkdtempSync(join(tmpdir(), 'omega-bench-pb-'));
  for (const [name, source] of Object.entries(PLAYBOOKS)) writeFileSync(join(dir, name), source);
  const replicas = [];
  for (let i = 0; i < replicaCount; i++)
    replicas.push(await startReplica(`r${i}`, nats.url, 'http://127.0.0.1:9/unused', dir));
  const counter = await completionCounter(bus);
  const opsBefore = await engineOps(replicas);
  const inBefore = await serverInMsgs(nats);
  const t0 = performance.now();
  const publishes = [];
  for (let n = 0; n < WORKFLOWS; n++) {
    publishes.push(
      publish(bus, subjects.alerts('high'), Alert, alert(`${run}-${n}`, 'bench:noop')),
    );
    if (publishes.length >= 256) await Promise.all(publishes.splice(0));
  }
  await Promise.all(publishes);
  await counter.until(WORKFLOWS);
  const seconds = (performance.now() - t0) / 1000;
  await sleep(200);
  const opsAfter = await engineOps(replicas);
  const inAfter = await serverInMsgs(nats);
  const steps = WORKFLOWS * 3;
  const ops = {};
  for (const [k, v] of Object.entries(opsAfter)) ops[k] = v - (opsBefore[k] ?? 0);
  const engineTotal = Object.values(ops).reduce((a, b) => a + b, 0);
  await counter.stop();
  await Promise.all(replicas.map((r) => r.stop()));
  await bus.drain();
  await nats.stop();
  return {
    perSecond: WORKFLOWS / seconds,
    seconds,
    opsPerStep: engineTotal / steps,
    ops,
    serverMsgsPerStep: (inAfter - inBefore - WORKFLOWS) / steps,
  };
}

async function latency() {
  const nats = await startNatsServer();
  const bus = await connectBus({ servers: nats.url, name: 'bench', logger });
  await provision(bus, { streams: ['ALERTS', 'TASKS', 'WORKFLOWS', 'DLQ'] });
  const published = new Map();
  const samples = [];
  let expect = 0;
  let done;
  const all = new Promise((r) => (done = r));
  const sink = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const at = performance.now();
      res.end('ok');
      const id = JSON.parse(body).text;
      const sent = published.get(id);
      if (sent !== undefined && !published.get(`${id}:seen`)) {
        published.set(`${id}:seen`, true);
        samples.push(at - sent);
        if (samples.length === expect) done();
      }
    });
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'omega-bench-pb-'));
  for (const [name, source] of Object.entries(PLAYBOOKS)) writeFileSync(join(dir, name), source);
  const replica = await startReplica(
    'lat',
    nats.url,
    `http://127.0.0.1:${sink.address().port}/hook`,
    dir,
  );
  // Warm-up (JIT, connections), not measured.
  for (let n = 0; n < 20; n++) {
    await publish(bus, subjects.alerts('high'), Alert, alert(`warm-${n}`, 'bench:latency'));
    await sleep(20);
  }
  await sleep(500);
  samples.length = 0;
  expect = LATENCY_SAMPLES;
  for (let n = 0; n < LATENCY_SAMPLES; n++) {
    const id = `lat-${n}`;
    published.set(id, performance.now());
    await publish(bus, subjects.alerts('high'), Alert, alert(id, 'bench:latency'));
    await sleep(25);
  }
  await Promise.race([all, sleep(30_000)]);
  await replica.stop();
  sink.close();
  await bus.drain();
  await nats.stop();
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: pct(sorted, 50),
    p90: pct(sorted, 90),
    p99: pct(sorted, 99),
    max: sorted.at(-1),
  };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `orchestrator bench: ${cpus().length} cores, load ${load()}, ${WORKFLOWS} workflows x 3 no-op steps per run`,
);
if (process.env.BENCH_ONLY === 'latency') {
  const lat = await latency();
  console.log(JSON.stringify(lat));
  process.exit(0);
}
const one = await throughput(1, 'one');
console.log(
  `  1 replica : ${one.perSecond.toFixed(0)} workflows/s (${(one.perSecond * 3).toFixed(0)} steps/s) in ${one.seconds.toFixed(1)} s`,
);
const two = await throughput(2, 'two');
console.log(
  `  2 replicas: ${two.perSecond.toFixed(0)} workflows/s (${(two.perSecond * 3).toFixed(0)} steps/s) in ${two.seconds.toFixed(1)} s`,
);
const lat = await latency();
console.log(
  `  alert published -> first action executed (1 replica, ${lat.n} alerts, 40/s): p50 ${lat.p50.toFixed(1)} ms, p90 ${lat.p90.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms, max ${lat.max.toFixed(1)} ms  (target p99 < 50 ms: ${lat.p99 < 50 ? 'met' : 'NOT met'})`,
);
for (const [label, r] of [
  ['1 replica', one],
  ['2 replicas', two],
]) {
  const kinds = Object.entries(r.ops)
    .map(([k, v]) => `${k} ${(v / (WORKFLOWS * 3)).toFixed(2)}`)
    .join(', ');
  console.log(
    `  JetStream operations per step (${label}): ${r.opsPerStep.toFixed(2)} counted by the engine (${kinds}); nats-server received ${r.serverMsgsPerStep.toFixed(2)} messages per step`,
  );
}
console.log(
  `  anchors: Temporal records ~3 history events per activity (scheduled, started, completed); this engine appends 2 (started, completed) plus a task per workflow; load after: ${load()}`,
);
