// Over 400 lines on purpose: one real Kafka broker per file (it takes seconds to start), shared by every ingest case.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer, type Message } from 'kafkajs';
import { Registry } from 'prom-client';
import { connectBus, provision, subjects, DLQ_HEADERS, type Bus } from '@omega/bus';
import {
  StartPlaybookRequest,
  TriggerKind,
  WorkflowEvent,
  WorkflowEventType,
  type Trigger,
} from '@omega/proto';
import { Code, OmegaError, createLogger } from '@omega/runtime';
import { startKafkaBroker, withNats, type KafkaBroker } from '@omega/testkit';
import { DEFAULT_RETRY, WorkflowEngine, type WorkflowPlan } from '@omega/workflow';
import { kafkaIngestConfigSchema, type KafkaIngestConfig } from './kafka-config';
import { KAFKA_DLQ_HEADERS, NATS_DLQ_VALUE_MAX_BYTES } from './kafka-dead-letter';
import { KafkaTaskIngest } from './kafka-ingest';
import { kafkaIngestMetrics } from './kafka-ingest-metrics';
import type { WorkflowStarter, WorkflowStartResult } from './workflow-starter';

const nats = withNats();
let broker: KafkaBroker;
let bus: Bus;
let kafka: Kafka;
let producer: Producer;
const logger = createLogger({ service: 'orchestrator-kafka-spec', level: 'silent' });

beforeAll(async () => {
  broker = await startKafkaBroker({ sasl: { users: { omega: 'omega-secret' } }, tls: true });
  bus = await connectBus({ servers: nats.url, name: 'kafka-ingest-spec', logger });
  nats.beforeStop(() => bus.drain());
  await provision(bus, { streams: ['TASKS', 'WORKFLOWS', 'DLQ'] });
  engine = new WorkflowEngine({
    bus,
    activities: new Map([
      [
        'count',
        async ({ workflowId }) => {
          sideEffects.set(workflowId, (sideEffects.get(workflowId) ?? 0) + 1);
          return {};
        },
      ],
    ]),
    workerId: 'kafka-ingest-spec',
    logger,
  });
  await engine.start();
  nats.beforeStop(() => engine.stop());
  kafka = new Kafka({
    clientId: 'kafka-ingest-spec',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  producer = kafka.producer();
  await producer.connect();
}, 120_000);

afterAll(async () => {
  await producer?.disconnect();
  await broker?.stop();
});

/** Side effects of the one-step workflows the ingest starts, counted per workflow id. */
const sideEffects = new Map<string, number>();
let engine: WorkflowEngine;

const ONE_STEP: WorkflowPlan = {
  steps: [
    {
      id: 'act',
      kind: 'action',
      action: 'count',
      params: {},
      needs: [],
      retry: { ...DEFAULT_RETRY, initialBackoffMs: 50 },
      timeoutMs: 5000,
      heartbeatTimeoutMs: 0,
      continueOnFailure: false,
    },
  ],
  onFailure: [],
  timeoutMs: 0,
};

/**
 * Starts workflows on the real engine (@omega/workflow), every playbook as ONE_STEP, except the
 * ones in `refuse` (not loaded: NotFound). `failuresLeft` makes the next starts fail as an
 * unreachable NATS would.
 */
class EngineStarts implements WorkflowStarter {
  failuresLeft = 0;
  readonly refuse = new Set<string>();

  async startWorkflow(
    request: StartPlaybookRequest,
    trigger: Trigger,
  ): Promise<WorkflowStartResult> {
    if (this.refuse.has(request.playbookId)) {
      throw new OmegaError(Code.NotFound, `playbook ${request.playbookId} is not loaded`);
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new OmegaError(Code.Unavailable, 'NATS connection lost (test)');
    }
    const { alreadyStarted } = await engine.client.start({
      workflowId: request.workflowId,
      plan: ONE_STEP,
      inputs: request.inputs,
      trigger,
      playbookId: request.playbookId,
      playbookVersion: 1,
      dryRun: request.dryRun,
    });
    return { workflowId: request.workflowId, created: !alreadyStarted };
  }
}

interface RunningIngest {
  ingest: KafkaTaskIngest;
  registry: Registry;
  starter: WorkflowStarter;
  config: KafkaIngestConfig;
  count(metric: string, labels?: Record<string, string>): Promise<number>;
}

const running: KafkaTaskIngest[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((ingest) => ingest.stop()));
});

async function createTopic(topic: string, partitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: true,
  });
  await admin.disconnect();
}

async function startIngest(
  topic: string,
  overrides: Partial<KafkaIngestConfig> = {},
  starter: WorkflowStarter = new EngineStarts(),
): Promise<RunningIngest> {
  const config = kafkaIngestConfigSchema.parse({
    brokers: broker.brokers,
    topic,
    groupId: `group-${topic}`,
    fromBeginning: true,
    sessionTimeoutMs: 6000,
    maxRetryDelayMs: 200,
    ...overrides,
  });
  const registry = new Registry();
  const ingest = new KafkaTaskIngest({
    config,
    bus,
    starter,
    metrics: kafkaIngestMetrics(registry),
    logger,
  });
  await ingest.start();
  running.push(ingest);
  return {
    ingest,
    registry,
    starter,
    config,
    count: async (metric, labels = {}) => {
      const values = (await registry.getSingleMetric(metric)?.get())?.values ?? [];
      return values
        .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
        .reduce((sum, v) => sum + v.value, 0);
    },
  };
}

function json(body: Record<string, unknown>): Message {
  return { value: JSON.stringify(body) };
}

/** How many WORKFLOW_STARTED events each workflow id has on WORKFLOWS, read from the stream. */
async function startedWorkflows(prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [id, events] of await histories(prefix)) {
    const starts = events.filter(
      (e) => e.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED,
    ).length;
    counts.set(id, starts);
  }
  return counts;
}

/** Every history on WORKFLOWS whose workflow id starts with `prefix`. */
async function histories(prefix: string): Promise<Map<string, WorkflowEvent[]>> {
  const info = await bus.jsm.streams.info('WORKFLOWS', { subjects_filter: 'omega.wf.>' });
  const out = new Map<string, WorkflowEvent[]>();
  for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
    const id = subject.slice('omega.wf.'.length);
    if (!id.startsWith(prefix)) continue;
    const events: WorkflowEvent[] = [];
    const batch = await bus.jsm.direct.getBatch('WORKFLOWS', {
      seq: 1,
      next_by_subj: subject,
      batch: n,
    });
    for await (const msg of batch) events.push(WorkflowEvent.decode(msg.data));
    out.set(id, events);
  }
  return out;
}

async function startedEvent(workflowId: string): Promise<WorkflowEvent> {
  const events = (await histories(workflowId)).get(workflowId) ?? [];
  const started = events[0];
  if (started?.type !== WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED) {
    throw new Error(`history of ${workflowId} does not open with WORKFLOW_STARTED`);
  }
  return started;
}

/** Polls `probe` until `done`; a probe that throws (NATS reconnecting) counts as not yet. */
async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = JSON.stringify(value, (_k, v: unknown) =>
        v instanceof Map ? Object.fromEntries(v) : v,
      );
    } catch (err) {
      last = `probe failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Dead letters stored on NATS DLQ for the group, oldest first. */
async function deadLetters(groupId: string, expected: number) {
  const subject = subjects.dlq('kafka', groupId);
  return eventually(
    async () => {
      const info = await bus.jsm.streams.info('DLQ', { subjects_filter: subject });
      const total = info.state.subjects?.[subject] ?? 0;
      if (total < expected) return [];
      const letters: Array<{ data: Buffer; header(name: string): string }> = [];
      const batch = await bus.jsm.direct.getBatch('DLQ', {
        seq: 1,
        next_by_subj: subject,
        batch: total,
      });
      for await (const msg of batch) {
        letters.push({ data: Buffer.from(msg.data), header: (name) => msg.header.get(name) });
      }
      return letters;
    },
    (letters) => letters.length >= expected,
    `${expected} dead letters on ${subject}`,
  );
}

describe('Kafka task-request ingestion (real KRaft broker, real nats-server)', () => {
  it('starts one workflow per JSON or protobuf request, with a trigger naming the record', async () => {
    const topic = 'requests-formats';
    await createTopic(topic);
    const run = await startIngest(topic);
    await producer.send({
      topic,
      messages: [
        json({
          workflowId: 'fmt-json-1',
          playbookId: 'contain-scan',
          inputs: { src_ip: '10.0.0.9' },
        }),
        {
          value: JSON.stringify({ workflow_id: 'fmt-json-2', playbook_id: 'notify' }),
          headers: { 'content-type': 'application/json' },
        },
        {
          value: Buffer.from(
            StartPlaybookRequest.encode(
              StartPlaybookRequest.fromPartial({
                workflowId: 'fmt-proto-1',
                playbookId: 'honeytoken',
                alertId: 'alert-7',
              }),
            ).finish(),
          ),
        },
      ],
    });

    const started = await eventually(
      () => startedWorkflows('fmt-'),
      (m) => m.size === 3,
      'three workflows',
    );
    expect(Object.fromEntries(started)).toEqual({
      'fmt-json-1': 1,
      'fmt-json-2': 1,
      'fmt-proto-1': 1,
    });
    const first = await startedEvent('fmt-json-1');
    expect(first.trigger).toEqual(
      expect.objectContaining({ kind: TriggerKind.TRIGGER_KIND_KAFKA, source: `${topic}/0/0` }),
    );
    expect(first.attributes).toEqual(expect.objectContaining({ src_ip: '10.0.0.9' }));
    const proto = await startedEvent('fmt-proto-1');
    expect(proto.trigger).toEqual(
      expect.objectContaining({ source: `${topic}/0/2`, alertId: 'alert-7' }),
    );
    await eventually(
      () => run.count('omega_orchestrator_kafka_started_total'),
      (n) => n === 3,
      'started = 3',
    );
  }, 60_000);

  it('starts one workflow when the same request id arrives twice', async () => {
    const topic = 'requests-twice';
    await createTopic(topic);
    const run = await startIngest(topic);
    await producer.send({
      topic,
      messages: [
        json({ workflowId: 'twice-a', playbookId: 'notify' }),
        json({ workflowId: 'twice-b', playbookId: 'notify' }),
        json({ workflowId: 'twice-a', playbookId: 'notify' }),
      ],
    });
    await eventually(
      () => run.count('omega_orchestrator_kafka_consumed_total'),
      (n) => n === 3,
      'three consumed',
    );
    await eventually(
      () => run.count('omega_orchestrator_kafka_duplicates_total'),
      (n) => n === 1,
      'one duplicate',
    );
    expect(Object.fromEntries(await startedWorkflows('twice-'))).toEqual({
      'twice-a': 1,
      'twice-b': 1,
    });
    expect(await run.count('omega_orchestrator_kafka_started_total')).toBe(2);
    await eventually(
      async () => sideEffects.get('twice-a') ?? 0,
      (n) => n >= 1,
      'twice-a to run its step',
    );
    expect(sideEffects.get('twice-a')).toBe(1);
  }, 60_000);

  it('dead-letters malformed records with the reason and their place, and the partition goes on', async () => {
    const topic = 'requests-malformed';
    const dlqTopic = `${topic}.dlq`;
    await createTopic(topic);
    await createTopic(dlqTopic);
    const starter = new EngineStarts();
    starter.refuse.add('no-such-playbook');
    const run = await startIngest(topic, { dlqTopic }, starter);
    await producer.send({
      topic,
      messages: [
        { key: 'k0', value: '{"workflowId": "bad-1", "playbookId": ' }, // 0: truncated JSON
        json({ workflowId: 'bad-2', playbookId: 'notify', playbokId: 'typo' }), // 1: unknown field
        json({ playbookId: 'notify' }), // 2: no request id
        { value: null }, // 3: tombstone
        { value: Buffer.from([0x0a, 0x20, 0x41]) }, // 4: protobuf string field cut short
        json({ workflowId: 'bad-6', playbookId: 'no-such-playbook' }), // 5: engine refuses
        json({ workflowId: 'bad-ok', playbookId: 'notify' }), // 6: fine
      ],
    });

    await eventually(
      () => startedWorkflows('bad-'),
      (m) => m.size === 1,
      'the good record started',
    );
    expect(Object.fromEntries(await startedWorkflows('bad-'))).toEqual({ 'bad-ok': 1 });

    // Records of one chunk are handled concurrently, so dead letters arrive in any order.
    const byOffset = (l: { header(name: string): string }) =>
      Number(l.header(KAFKA_DLQ_HEADERS.offset));
    const letters = (await deadLetters(run.config.groupId, 6)).sort(
      (x, y) => byOffset(x) - byOffset(y),
    );
    expect(
      letters.map((l) => [l.header(KAFKA_DLQ_HEADERS.offset), l.header(DLQ_HEADERS.reason)]),
    ).toEqual([
      ['0', 'decode'],
      ['1', 'rejected'],
      ['2', 'rejected'],
      ['3', 'decode'],
      ['4', 'decode'],
      ['5', 'rejected'],
    ]);
    const errors = letters.map((l) => l.header(DLQ_HEADERS.error));
    expect(errors[0]).toMatch(new RegExp(`^kafka record ${topic}/0/0: value is not valid JSON`));
    expect(errors[1]).toBe(
      `kafka record ${topic}/0/1: unknown field playbokId (StartPlaybookRequest has workflowId, ` +
        `playbookId, inputs, alertId, incidentId, dryRun)`,
    );
    expect(errors[2]).toMatch(
      /0\/2: workflowId: Invalid input: expected string, received undefined/,
    );
    expect(errors[3]).toMatch(/0\/3: the record has no value/);
    expect(errors[4]).toMatch(
      /0\/4: value is not a protobuf omega\.v1\.StartPlaybookRequest \(premature EOF\)/,
    );
    expect(errors[5]).toBe(`kafka record ${topic}/0/5: playbook no-such-playbook is not loaded`);
    // Bytes, key and place are kept so the record can be fixed and re-sent.
    expect(letters[0]?.data.toString()).toBe('{"workflowId": "bad-1", "playbookId": ');
    expect(letters[0]?.header(KAFKA_DLQ_HEADERS.key)).toBe(Buffer.from('k0').toString('base64'));
    expect(letters[0]?.header(DLQ_HEADERS.stream)).toBe('kafka');
    expect(letters[0]?.header(DLQ_HEADERS.subject)).toBe(topic);

    // The same letters on the Kafka DLQ topic, for teams that watch Kafka.
    const dlqReader = kafka.consumer({ groupId: `reader-${dlqTopic}` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: dlqTopic, fromBeginning: true });
    const kafkaLetters: Array<{ offset: string; reason: string }> = [];
    await new Promise<void>((resolve) => {
      void dlqReader.run({
        eachMessage: async ({ message }) => {
          kafkaLetters.push({
            offset: String(message.headers?.['omega-dlq-offset']),
            reason: String(message.headers?.['omega-dlq-reason']),
          });
          if (kafkaLetters.length === 6) resolve();
        },
      });
    });
    await dlqReader.disconnect();
    expect(kafkaLetters.map((l) => l.offset).sort()).toEqual(['0', '1', '2', '3', '4', '5']);

    expect(await run.count('omega_orchestrator_kafka_rejected_total', { reason: 'decode' })).toBe(
      3,
    );
    expect(await run.count('omega_orchestrator_kafka_rejected_total', { reason: 'rejected' })).toBe(
      3,
    );
  }, 60_000);

  it('dead-letters a request too large to start: cut on NATS, whole on the Kafka DLQ topic', async () => {
    const topic = 'requests-large';
    const dlqTopic = `${topic}.dlq`;
    await createTopic(topic);
    await createTopic(dlqTopic);
    const run = await startIngest(topic, { dlqTopic });
    const large = JSON.stringify({
      workflowId: 'large-1',
      playbookId: 'notify',
      inputs: { blob: 'x'.repeat(700 * 1024) },
    });
    await producer.send({
      topic,
      messages: [{ value: large }, json({ workflowId: 'large-after', playbookId: 'notify' })],
    });
    await eventually(
      () => startedWorkflows('large-'),
      (m) => m.size === 1,
      'the next record',
    );
    expect([...(await startedWorkflows('large-')).keys()]).toEqual(['large-after']);

    const [letter] = await deadLetters(run.config.groupId, 1);
    expect(letter?.header(DLQ_HEADERS.error)).toBe(
      `kafka record ${topic}/0/0: the value is ${large.length} bytes; a task request may be at ` +
        `most 262144 (large data belongs elsewhere, referenced from inputs)`,
    );
    expect(letter?.header(KAFKA_DLQ_HEADERS.truncated)).toBe(String(large.length));
    expect(letter?.data).toEqual(Buffer.from(large).subarray(0, NATS_DLQ_VALUE_MAX_BYTES));

    const reader = kafka.consumer({ groupId: `reader-${dlqTopic}` });
    await reader.connect();
    await reader.subscribe({ topic: dlqTopic, fromBeginning: true });
    const whole = await new Promise<string>((resolve) => {
      void reader.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    await reader.disconnect();
    expect(whole).toBe(large);
  }, 60_000);

  it('retries a start that fails transiently (injected Unavailable), holding the partition, and loses nothing', async () => {
    const topic = 'requests-retry';
    await createTopic(topic);
    const starter = new EngineStarts();
    starter.failuresLeft = 4;
    const run = await startIngest(topic, { maxInFlight: 1 }, starter);
    await producer.send({
      topic,
      messages: [
        json({ workflowId: 'retry-1', playbookId: 'notify' }),
        json({ workflowId: 'retry-2', playbookId: 'notify' }),
      ],
    });
    await eventually(
      () => startedWorkflows('retry-'),
      (m) => m.size === 2,
      'both started',
    );
    expect(await run.count('omega_orchestrator_kafka_start_retries_total')).toBe(4);
    expect(await run.count('omega_orchestrator_kafka_rejected_total')).toBe(0);
  }, 60_000);

  it('a replica that stops mid-stream leaves uncommitted records that the next one gets again, and starts none twice', async () => {
    const topic = 'requests-handover';
    await createTopic(topic);
    const total = 40;
    await producer.send({
      topic,
      messages: Array.from({ length: total }, (_, i) =>
        json({ workflowId: `handover-${i}`, playbookId: 'notify' }),
      ),
    });
    // Replica A starts every workflow durably, but from record 25 on the answer is lost (as when
    // NATS stores a publish and the connection drops before the ack): A retries those and never
    // resolves their offsets, so only 0..24 are committed when it goes.
    const first = new EngineStarts();
    const answerLost: WorkflowStarter = {
      startWorkflow: async (request, trigger) => {
        const result = await first.startWorkflow(request, trigger);
        if (Number(request.workflowId.split('-')[1]) >= 25) {
          throw new OmegaError(Code.Unavailable, 'connection lost before the ack (test)');
        }
        return result;
      },
    };
    const a = await startIngest(topic, { maxInFlight: 50 }, answerLost);
    await eventually(
      () => startedWorkflows('handover-'),
      (m) => m.size === total,
      'A to store every start',
    );
    await eventually(
      () => a.count('omega_orchestrator_kafka_start_retries_total'),
      (n) => n >= 15,
      'replica A retrying the 15 unanswered starts',
    );
    await a.ingest.stop();
    running.splice(running.indexOf(a.ingest), 1);

    // Replica B joins the group and is handed the 15 uncommitted records again.
    const b = await startIngest(topic);
    await eventually(
      () => b.count('omega_orchestrator_kafka_duplicates_total'),
      (n) => n === 15,
      'B to see the 15 redelivered records as duplicates',
    );
    expect(await b.count('omega_orchestrator_kafka_consumed_total')).toBe(15);
    expect(await b.count('omega_orchestrator_kafka_started_total')).toBe(0);
    const started = await startedWorkflows('handover-');
    expect(started.size).toBe(total);
    expect([...started.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    // And the engine ran each workflow's step once.
    const ids = Array.from({ length: total }, (_, i) => `handover-${i}`);
    await eventually(
      async () => ids.map((id) => sideEffects.get(id) ?? 0),
      (counts) => counts.every((n) => n >= 1),
      'every handover workflow to run its step',
    );
    expect(ids.filter((id) => sideEffects.get(id) !== 1)).toEqual([]);
  }, 90_000);

  it('logs in with SCRAM-SHA-512 on a SASL listener and starts the requests', async () => {
    const topic = 'requests-sasl';
    await createTopic(topic);
    await startIngest(topic, {
      brokers: broker.saslBrokers,
      saslMechanism: 'scram-sha-512',
      saslUsername: 'omega',
      saslPassword: 'omega-secret',
    });
    await producer.send({
      topic,
      messages: [json({ workflowId: 'sasl-1', playbookId: 'notify' })],
    });
    const started = await eventually(
      () => startedWorkflows('sasl-'),
      (m) => m.size === 1,
      'the request to start',
    );
    expect(Object.fromEntries(started)).toEqual({ 'sasl-1': 1 });
  }, 60_000);

  it('connects over TLS, verifying the broker with the CA in kafka.tlsCaFile', async () => {
    const topic = 'requests-tls';
    await createTopic(topic);
    const caFile = join(mkdtempSync(join(tmpdir(), 'omega-kafka-ca-')), 'ca.pem');
    writeFileSync(caFile, broker.tlsCaPem);
    await startIngest(topic, { brokers: broker.tlsBrokers, tls: true, tlsCaFile: caFile });
    await producer.send({ topic, messages: [json({ workflowId: 'tls-1', playbookId: 'notify' })] });
    const started = await eventually(
      () => startedWorkflows('tls-'),
      (m) => m.size === 1,
      'the request to start',
    );
    expect(Object.fromEntries(started)).toEqual({ 'tls-1': 1 });
  }, 60_000);

  it('refuses to start with a wrong SASL password, saying so', async () => {
    await expect(
      startIngest('requests-sasl', {
        brokers: broker.saslBrokers,
        saslMechanism: 'scram-sha-256',
        saslUsername: 'omega',
        saslPassword: 'wrong',
      }),
    ).rejects.toThrow(/SASL SCRAM SHA256 authentication failed/);
  }, 60_000);

  it('resumes after the broker is killed and restarted', async () => {
    const topic = 'requests-broker-restart';
    await createTopic(topic);
    const run = await startIngest(topic);
    await producer.send({
      topic,
      messages: [json({ workflowId: 'restart-before', playbookId: 'notify' })],
    });
    await eventually(
      () => startedWorkflows('restart-'),
      (m) => m.size === 1,
      'first started',
    );

    await broker.restart({ signal: 'SIGKILL', downtimeMs: 1000 });
    await producer.send({
      topic,
      messages: [json({ workflowId: 'restart-after', playbookId: 'notify' })],
    });

    const started = await eventually(
      () => startedWorkflows('restart-'),
      (m) => m.size === 2,
      'second started',
      60_000,
    );
    expect(Object.fromEntries(started)).toEqual({ 'restart-before': 1, 'restart-after': 1 });
    expect(await run.count('omega_orchestrator_kafka_rejected_total')).toBe(0);
  }, 120_000);

  it('holds the partition while nats-server is down and starts every request once it is back', async () => {
    const topic = 'requests-nats-down';
    await createTopic(topic);
    const run = await startIngest(topic);
    await producer.send({
      topic,
      messages: [json({ workflowId: 'natsdown-0', playbookId: 'notify' })],
    });
    await eventually(
      () => startedWorkflows('natsdown-'),
      (m) => m.size === 1,
      'the first start',
    );

    const restarting = nats.server.restart({ downtimeMs: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(nats.server.running).toBe(false);
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) =>
        json({ workflowId: `natsdown-${i + 1}`, playbookId: 'notify' }),
      ),
    });
    await restarting;

    const started = await eventually(
      () => startedWorkflows('natsdown-'),
      (m) => m.size === 11,
      'all eleven started after NATS came back',
      60_000,
    );
    expect([...started.values()].every((n) => n === 1)).toBe(true);
    expect(await run.count('omega_orchestrator_kafka_start_retries_total')).toBeGreaterThan(0);
    expect(await run.count('omega_orchestrator_kafka_rejected_total')).toBe(0);
  }, 120_000);
});
