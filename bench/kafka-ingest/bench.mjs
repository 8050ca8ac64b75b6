#!/usr/bin/env node
// Kafka task-request ingestion (apps/orchestrator/src/kafka) on a real single-node KRaft broker
// and a real nats-server: the test broker's start and restart times, then requests/s from Kafka to
// durable workflow starts on the engine (@omega/workflow, start only, no worker), the same with
// every record a redelivered duplicate, and produce → durable start latency at a steady rate.
// Anchors in the same run: a bare kafkajs consumer over the same records, and the engine's start
// called directly with the same concurrency (the ingest is both, so it cannot beat either).
//
//   npx node bench/kafka-ingest/bench.mjs [--records 5000] [--partitions 4] [--in-flight 64]
//     [--rate 200] [--seconds 10] [--no-build] [--cold-fetch]
//
// --cold-fetch also times scripts/kafka-setup.mjs into an empty cache with an empty Maven local
// repository (downloads ~46 MB of jars from Maven Central; not run by default).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '5000' },
    partitions: { type: 'string', default: '4' },
    'in-flight': { type: 'string', default: '64' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
    'cold-fetch': { type: 'boolean', default: false },
  },
});
const RECORDS = Number(args.records);
const PARTITIONS = Number(args.partitions);
const IN_FLIGHT = Number(args['in-flight']);
if (!args['no-build']) {
  execFileSync('npx', ['tsc', '-b', 'libs/testkit', 'libs/workflow', 'apps/orchestrator'], {
    cwd: root,
    stdio: 'inherit',
  });
}

const { Kafka, logLevel } = require('kafkajs');
const { Registry } = require('prom-client');
const { startNatsServer, startKafkaBroker } = require('@omega/testkit');
const { connectBus, provision } = require('@omega/bus');
const { WorkflowEngine, DEFAULT_RETRY } = require('@omega/workflow');
const { createLogger } = require('@omega/runtime');
const kafkaDist = join(root, 'apps', 'orchestrator', 'dist', 'kafka');
const { KafkaTaskIngest } = require(join(kafkaDist, 'kafka-ingest.js'));
const { kafkaIngestConfigSchema } = require(join(kafkaDist, 'kafka-config.js'));
const { kafkaIngestMetrics } = require(join(kafkaDist, 'kafka-ingest-metrics.js'));

const logger = createLogger({ service: 'bench', level: 'silent' });
const rows = [];
const row = (measure, value, anchor = '') => {
  rows.push({ measure, value, anchor });
  console.log(`${measure}: ${value}${anchor ? `   [${anchor}]` : ''}`);
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const loadBefore = loadavg()[0];

const PLAN = {
  steps: [
    {
      id: 'act',
      kind: 'action',
      action: 'noop',
      params: {},
      needs: [],
      retry: DEFAULT_RETRY,
      timeoutMs: 5000,
      heartbeatTimeoutMs: 0,
      continueOnFailure: false,
    },
  ],
  onFailure: [],
  timeoutMs: 0,
};

if (args['cold-fetch']) {
  const cache = mkdtempSync(join(tmpdir(), 'omega-kafka-cold-'));
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [join(root, 'scripts', 'kafka-setup.mjs')], {
    env: {
      ...process.env,
      OMEGA_CACHE_DIR: cache,
      MAVEN_OPTS: `${process.env.MAVEN_OPTS ?? ''} -Dmaven.repo.local=${join(cache, 'm2')}`,
    },
    stdio: 'inherit',
  });
  row(
    'cold fetch of the broker jars (empty cache, empty Maven repo)',
    res.status === 0 ? `${((performance.now() - t0) / 1000).toFixed(1)} s` : 'failed',
  );
  rmSync(cache, { recursive: true, force: true });
}

const nats = await startNatsServer();
let t0 = performance.now();
const broker = await startKafkaBroker();
row('broker start (format + JVM + ready)', `${fmt(performance.now() - t0)} ms`);
t0 = performance.now();
await broker.restart();
row('broker restart after SIGTERM', `${fmt(performance.now() - t0)} ms`);
t0 = performance.now();
await broker.restart({ signal: 'SIGKILL' });
row('broker restart after kill -9', `${fmt(performance.now() - t0)} ms`);

const kafka = new Kafka({
  clientId: 'bench',
  brokers: broker.brokers,
  logLevel: logLevel.NOTHING,
  retry: { retries: 20, initialRetryTime: 200 },
});
const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer();
await producer.connect();
const bus = await connectBus({ servers: nats.url, name: 'bench', logger });
await provision(bus, { streams: ['TASKS', 'WORKFLOWS', 'DLQ'] });
const engine = new WorkflowEngine({
  bus,
  activities: new Map(),
  workerId: 'bench',
  logger,
  runWorker: false,
});

async function fillTopic(topic, prefix, count) {
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  for (let i = 0; i < count; i += 1000) {
    const messages = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      messages.push({
        key: String(j),
        value: JSON.stringify({
          workflowId: `${prefix}-${j}`,
          playbookId: 'bench',
          inputs: { n: String(j) },
        }),
      });
    }
    await producer.send({ topic, acks: -1, messages });
  }
}

const startCounts = { created: 0, existing: 0 };
const starter = {
  onStart: undefined,
  async startWorkflow(request, trigger) {
    const { alreadyStarted } = await engine.client.start({
      workflowId: request.workflowId,
      plan: PLAN,
      inputs: request.inputs,
      trigger,
      playbookId: request.playbookId,
      playbookVersion: 1,
    });
    if (alreadyStarted) startCounts.existing++;
    else startCounts.created++;
    this.onStart?.(request);
    return { workflowId: request.workflowId, created: !alreadyStarted };
  },
};

async function runIngest(topic, groupId, until) {
  const config = kafkaIngestConfigSchema.parse({
    brokers: broker.brokers,
    topic,
    groupId,
    fromBeginning: true,
    maxInFlight: IN_FLIGHT,
  });
  const ingest = new KafkaTaskIngest({
    config,
    bus,
    starter,
    metrics: kafkaIngestMetrics(new Registry()),
    logger,
  });
  const t = performance.now();
  await ingest.start();
  while (!until()) await sleep(5);
  const seconds = (performance.now() - t) / 1000;
  return { ingest, seconds };
}

// Anchor 1: a bare kafkajs consumer group reading the same records, doing nothing with them.
await fillTopic('bench-raw', 'raw', RECORDS);
{
  const consumer = kafka.consumer({ groupId: 'bench-raw' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench-raw', fromBeginning: true });
  let seen = 0;
  const t = performance.now();
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
    },
  });
  while (seen < RECORDS) await sleep(5);
  const seconds = (performance.now() - t) / 1000;
  await consumer.disconnect();
  row(
    'anchor: bare kafkajs consumer (join + read), records/s',
    fmt(RECORDS / seconds),
    `${RECORDS} records, ${PARTITIONS} partitions`,
  );
}

// Anchor 2: the engine's start called directly, as many at a time as the ingest can have
// (IN_FLIGHT per partition batch, PARTITIONS batches at once).
{
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT * Math.min(PARTITIONS, 4) }, async () => {
      while (next < RECORDS) {
        const i = next++;
        await engine.client.start({
          workflowId: `direct-${i}`,
          plan: PLAN,
          inputs: { n: String(i) },
          playbookId: 'bench',
          playbookVersion: 1,
        });
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  row(
    'anchor: engine start called directly, workflows/s',
    fmt(RECORDS / seconds),
    `${IN_FLIGHT * Math.min(PARTITIONS, 4)} in flight`,
  );
}

// The ingest: Kafka → decoded request → durable start, offsets committed after.
await fillTopic('bench-ingest', 'ingest', RECORDS);
{
  startCounts.created = 0;
  const { ingest, seconds } = await runIngest(
    'bench-ingest',
    'bench-ingest',
    () => startCounts.created >= RECORDS,
  );
  await ingest.stop();
  row(
    'Kafka ingest → durable workflow start, requests/s (incl. group join)',
    fmt(RECORDS / seconds),
    `${IN_FLIGHT} in flight per partition batch`,
  );
}
{
  startCounts.existing = 0;
  const { ingest, seconds } = await runIngest(
    'bench-ingest',
    'bench-ingest-again',
    () => startCounts.existing >= RECORDS,
  );
  await ingest.stop();
  row('same records again (all duplicates, nothing started), requests/s', fmt(RECORDS / seconds));
}

// Latency at a steady rate: producer send → start durable (as seen by the starter).
{
  await admin.createTopics({
    topics: [{ topic: 'bench-latency', numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  const sentAt = new Map();
  const latencies = [];
  starter.onStart = (request) => {
    const sent = sentAt.get(request.workflowId);
    if (sent !== undefined) latencies.push(performance.now() - sent);
  };
  const { ingest } = await runIngest('bench-latency', 'bench-latency', () => true);
  await sleep(2000); // let the group settle before timing
  const rate = Number(args.rate);
  const total = rate * Number(args.seconds);
  const t = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = `lat-${i}`;
    sentAt.set(id, performance.now());
    void producer.send({
      topic: 'bench-latency',
      messages: [{ key: id, value: JSON.stringify({ workflowId: id, playbookId: 'bench' }) }],
    });
  }
  while (latencies.length < total) await sleep(10);
  await ingest.stop();
  const sorted = latencies.sort((a, b) => a - b);
  row(
    `produce → durable start latency at ${rate}/s, p50 / p99 / max`,
    `${pct(sorted, 50).toFixed(1)} / ${pct(sorted, 99).toFixed(1)} / ${sorted[sorted.length - 1].toFixed(1)} ms`,
    'includes the producer send (acks=-1) and the consumer fetch wait',
  );
}

await producer.disconnect();
await admin.disconnect();
await bus.drain();
await broker.stop();
await nats.stop();

console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)}; Kafka ${broker.version}, Node ${process.version}`,
);
console.log('\n| measure | value | note |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.measure} | ${r.value} | ${r.anchor} |`);
