// Kafka ingestion as it runs in production: orchestrator replicas (child processes, main.ts with
// OMEGA_KAFKA_*) in one consumer group on a real KRaft broker and a real nats-server. A replica
// is killed with SIGKILL mid-stream, so records it had started but not committed are delivered
// again to the group; some request ids are also sent twice on purpose. Every request must end
// as exactly one workflow, and its side effect (a webhook with an idempotency key) take effect once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { connectBus, provision, type Bus } from '@omega/bus';
import { TriggerKind, WorkflowStatus } from '@omega/proto';
import { freePort, startKafkaBroker, withNats, type KafkaBroker } from '@omega/testkit';
import { HistoryStore, JetStreamOps } from '@omega/workflow';
import pino from 'pino';
import { startCountingSink, type CountingSink } from '../testing/counting-sink';
import { startOrchestrator, type OrchestratorProcess } from '../testing/orchestrator-process';

const TOPIC = 'task-requests';
const REQUESTS = 2000;
const RESENT = 60;

const nats = withNats({ jetstream: true });
let broker: KafkaBroker;
let bus: Bus;
let sink: CountingSink;
let producer: Producer;
const replicas: OrchestratorProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  broker = await startKafkaBroker();
  bus = await connectBus({
    servers: nats.url,
    name: 'kafka-crash-spec',
    logger: pino({ level: 'silent' }),
  });
  await provision(bus, { streams: ['ALERTS', 'TASKS', 'WORKFLOWS', 'DLQ'] });
  sink = await startCountingSink();
  const kafka = new Kafka({
    clientId: 'kafka-crash-spec',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }], waitForLeaders: true });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  nats.beforeStop(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await producer.disconnect();
    await sink.close();
    await bus.drain();
    await broker.stop();
  });
}, 120_000);

function playbookDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omega-playbooks-'));
  writeFileSync(
    join(dir, 'kafka-notify.yml'),
    `id: kafka-notify
trigger: { manual: true }
steps:
  - id: tell
    action: notify
    params: { text: 'request \${workflow.id}' }
    retry: { max_attempts: 20, initial_backoff_ms: 100, max_backoff_ms: 1000 }
`,
  );
  return dir;
}

/** Sums a counter from a replica's /metrics (its HTTP port is in its "ready" log line). */
async function metric(replica: OrchestratorProcess, name: string): Promise<number> {
  const ready = replica.output.find((line) => line.includes('"msg":"orchestrator ready"'));
  const { httpPort } = JSON.parse(ready ?? '{}') as { httpPort?: number };
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

async function send(from: number, to: number): Promise<void> {
  const messages = [];
  for (let n = from; n < to; n++) {
    messages.push({
      key: String(n),
      value: JSON.stringify({ workflowId: `kreq-${n}`, playbookId: 'kafka-notify' }),
    });
  }
  await producer.send({ topic: TOPIC, acks: -1, messages });
}

it(`starts each of ${REQUESTS} Kafka requests once while a replica is killed with SIGKILL mid-stream`, async () => {
  const dir = playbookDir();
  const env = (): Record<string, string> => ({
    OMEGA_NATS_SERVERS: nats.url,
    OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: dir,
    OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: sink.url,
    OMEGA_ORCHESTRATOR_LEASE_MS: '2000',
    OMEGA_ORCHESTRATOR_CONSUME_ALERTS: 'false',
    OMEGA_ORCHESTRATOR_AUDIT_ACTIONS: 'false',
    OMEGA_KAFKA_BROKERS: broker.brokers.join(','),
    OMEGA_KAFKA_TOPIC: TOPIC,
    OMEGA_KAFKA_GROUP_ID: 'orchestrators',
    OMEGA_KAFKA_FROM_BEGINNING: 'true',
    // The broker's minimum: a killed replica's partitions move on after 6 s.
    OMEGA_KAFKA_SESSION_TIMEOUT_MS: '6000',
    OMEGA_KAFKA_MAX_IN_FLIGHT: '4',
  });
  replicas.push(await startOrchestrator('replica-0', env()));
  replicas.push(await startOrchestrator('replica-1', env()));

  // All requests up front, worked through a few at a time per partition; replica-0 is killed
  // once a fifth of them have started, in the middle of its share.
  for (let n = 0; n < REQUESTS; n += 500) await send(n, n + 500);
  for (;;) {
    const info = await bus.jsm.streams.info('WORKFLOWS', { subjects_filter: 'omega.wf.>' });
    const started = Object.keys(info.state.subjects ?? {}).filter((s) => s.includes('.kreq-'));
    if (started.length >= REQUESTS / 5) break;
    await sleep(20);
  }
  const killed = replicas[0]!;
  await killed.kill9();
  replicas[0] = await startOrchestrator('replica-0-again', env());
  // Sent twice by a producer that retried: nothing new may start.
  await send(0, RESENT);

  const store = new HistoryStore(bus, new JetStreamOps());
  const ids = Array.from({ length: REQUESTS }, (_, n) => `kreq-${n}`);
  const deadline = Date.now() + 200_000;
  let open = ids;
  while (open.length > 0 && Date.now() < deadline) {
    const states = await Promise.all(
      open.map(async (id) => [id, (await store.load(id)).state] as const),
    );
    open = states
      .filter(([, state]) => state?.status !== WorkflowStatus.WORKFLOW_STATUS_COMPLETED)
      .map(([id]) => id);
    if (open.length > 0) await sleep(2000);
  }
  expect(open).toEqual([]);

  for (const id of ids) {
    const { events } = await store.load(id);
    const starts = events.filter((e) => e.trigger?.kind === TriggerKind.TRIGGER_KIND_KAFKA);
    expect({ id, starts: starts.length }).toEqual({ id, starts: 1 });
  }
  const applied = [...sink.effects.entries()].filter(([key]) => key.includes('kreq-'));
  expect(applied).toHaveLength(REQUESTS);
  expect(applied.filter(([, times]) => times !== 1)).toEqual([]);
  // The killed replica had joined the group and was consuming when it died.
  expect(killed.output.join('\n')).toContain('consuming task requests from kafka topic');
  // The live replicas recognised at least the re-sent requests as duplicates (more when records
  // the killed replica had started but not committed were delivered again).
  const duplicates = (
    await Promise.all(replicas.map((r) => metric(r, 'omega_orchestrator_kafka_duplicates_total')))
  ).reduce((a, b) => a + b, 0);
  expect(duplicates).toBeGreaterThanOrEqual(RESENT);
  process.stdout.write(
    `kafka-crash: ${duplicates - RESENT} records redelivered after the kill -9, none started twice\n`,
  );
}, 300_000);

it('becomes ready while Kafka is unreachable, and joins the group once the broker appears', async () => {
  const port = await freePort();
  const controllerPort = await freePort();
  const dir = playbookDir();
  const late = await startOrchestrator('replica-late-kafka', {
    OMEGA_NATS_SERVERS: nats.url,
    OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: dir,
    OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: sink.url,
    OMEGA_ORCHESTRATOR_AUDIT_ACTIONS: 'false',
    OMEGA_KAFKA_BROKERS: `127.0.0.1:${port}`,
    OMEGA_KAFKA_TOPIC: 'late-requests',
    OMEGA_KAFKA_GROUP_ID: 'late',
    OMEGA_KAFKA_FROM_BEGINNING: 'true',
  });
  replicas.push(late);
  // Ready (startOrchestrator waits for "orchestrator ready") with nothing listening on the port:
  // alerts and the API do not wait for Kafka.
  const lateBroker = await startKafkaBroker({ port, controllerPort });
  try {
    const kafka = new Kafka({
      clientId: 'late',
      brokers: lateBroker.brokers,
      logLevel: logLevel.NOTHING,
    });
    const lateProducer = kafka.producer();
    await lateProducer.connect();
    await lateProducer.send({
      topic: 'late-requests',
      messages: [{ value: JSON.stringify({ workflowId: 'late-1', playbookId: 'kafka-notify' }) }],
    });
    await lateProducer.disconnect();
    const store = new HistoryStore(bus, new JetStreamOps());
    const deadline = Date.now() + 120_000;
    while ((await store.load('late-1')).events.length === 0 && Date.now() < deadline)
      await sleep(500);
    const { events } = await store.load('late-1');
    expect(events[0]?.trigger?.kind).toBe(TriggerKind.TRIGGER_KIND_KAFKA);
    expect(late.output.join('\n')).toMatch(/kafka ingestion could not start|Connection error/);
  } finally {
    await late.stop();
    replicas.splice(replicas.indexOf(late), 1);
    await lateBroker.stop();
  }
}, 240_000);
