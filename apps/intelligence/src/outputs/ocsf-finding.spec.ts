// The OCSF outputs end to end: alerts on ALERTS (a real nats-server) become Detection Findings
// (class 2004) posted to a webhook and produced to a topic of a real Kafka broker; each finding is
// valid against OCSF 1.8.0's JSON Schema for the class (vendored in testing/ocsf with its licence).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '@omega/bus';
import { eventually, startKafkaBroker, withNats, type KafkaBroker } from '@omega/testkit';
import Ajv2020 from 'ajv/dist/2020';
import { Kafka, logLevel } from 'kafkajs';
import { startHttpReceiver, type HttpReceiver } from '../testing/http-receiver';
import { sinkFor } from './output-sinks';
import {
  alertsBus,
  metricValue,
  publishAlerts,
  sampleAlert,
  startOutputs,
} from '../testing/output-alerts';

const schema = JSON.parse(
  readFileSync(
    join(__dirname, '..', 'testing', 'ocsf', 'detection_finding-1.8.0.schema.json'),
    'utf8',
  ),
) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
function expectValidFinding(finding: unknown): void {
  expect(validate(finding) ? [] : validate.errors).toEqual([]);
}

const nats = withNats({ jetstream: true });
let bus: Bus;
let receiver: HttpReceiver;
let broker: KafkaBroker;
beforeAll(async () => {
  bus = await alertsBus(nats.url, 'ocsf-output-spec');
  receiver = await startHttpReceiver();
  broker = await startKafkaBroker({ tls: true, sasl: { users: { omega: 'omega-pw-1' } } });
}, 120_000);
nats.beforeStop(async () => {
  await broker?.stop();
  await receiver?.close();
  await bus?.drain();
});

const bare = sampleAlert({
  id: '01938a5e-0000-7000-8000-0000000000c1',
  entities: [],
  evidence: [],
  reasons: [],
  attackTechniqueIds: [],
  attackTacticIds: [],
  labels: {},
  incidentId: '',
  confidence: 0,
});
delete (bare as { audit?: unknown }).audit;
delete (bare as { observed?: unknown }).observed;

it('posts each alert to a webhook as an OCSF Detection Finding that the OCSF schema accepts', async () => {
  const { outputs } = await startOutputs(bus, [
    { name: 'siem', type: 'ocsf-webhook', url: `${receiver.url}/ingest` },
  ]);
  await publishAlerts(bus, [sampleAlert(), bare]);
  await eventually('two findings', () => (receiver.requests.length >= 2 ? true : undefined));
  await outputs.stop();
  const findings = receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  for (const finding of findings) expectValidFinding(finding);
  const [full] = findings;
  expect(full).toMatchObject({
    class_uid: 2004,
    category_uid: 2,
    activity_id: 1,
    type_uid: 200401,
    severity_id: 4,
    severity: 'High',
    status_id: 1,
    time: 1_796_681_913_123,
    start_time: 1_796_681_911_123,
    end_time: 1_796_681_913_123,
    message: 'Reverse shell from shop/cart-7f9c to 203.0.113.9',
    confidence_score: 90,
    confidence_id: 3,
    count: 2,
    metadata: {
      version: '1.8.0',
      uid: '01938a5e-7c1f-7a3b-9c2d-4e5f60718293',
      correlation_uid: 'inc-01938a5e',
      labels: ['team=payments'],
    },
    finding_info: {
      uid: '01938a5e-7c1f-7a3b-9c2d-4e5f60718293',
      desc: 'bash in shop/cart-7f9c opened /dev/tcp/203.0.113.9/4444 and duplicated the socket onto stdin and stdout.',
      analytic: {
        uid: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
        name: 'Reverse shell via bash /dev/tcp',
        type_id: 1,
      },
      attacks: [
        { technique: { uid: 'T1059' }, sub_technique: { uid: 'T1059.004' } },
        { technique: { uid: 'T1071' } },
        { tactic: { uid: 'TA0002' } },
        { tactic: { uid: 'TA0011' } },
      ],
    },
    unmapped: {
      omega: { audit: { log_index: '41', leaf_hash: 'ab'.repeat(32), checkpoint_size: '42' } },
    },
  });
  expect((full!['observables'] as unknown[])[5]).toEqual({
    name: 'omega.entity.ip_address',
    type_id: 2,
    value: '203.0.113.9',
  });
  expect((full!['resources'] as unknown[])[0]).toEqual({
    uid: 'shop/cart-7f9c',
    name: 'cart-7f9c',
    type: 'pod',
    namespace: 'shop',
    role_id: 2,
    role: 'Actor',
  });
});

it('produces each alert to a Kafka topic as an OCSF Detection Finding keyed by the alert id', async () => {
  const kafka = new Kafka({
    clientId: 'ocsf-spec',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: 'omega.findings', numPartitions: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const { outputs, registry } = await startOutputs(bus, [
    {
      name: 'lake',
      type: 'kafka',
      brokers: broker.brokers,
      topic: 'omega.findings',
      timeoutMs: 20_000,
    },
  ]);
  const alerts = [
    sampleAlert({ id: '01938a5e-0000-7000-8000-0000000000d1' }),
    { ...bare, id: '01938a5e-0000-7000-8000-0000000000d2' },
  ];
  await publishAlerts(bus, alerts);
  await eventually(
    'two sent',
    async () =>
      (await metricValue(registry, 'omega_intelligence_output_sent_total', { output: 'lake' })) >= 2
        ? true
        : undefined,
    60_000,
  );
  await outputs.stop();

  const consumer = kafka.consumer({ groupId: 'ocsf-spec-reader' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'omega.findings', fromBeginning: true });
  const read: { key: string; value: Record<string, unknown> }[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      read.push({
        key: message.key!.toString('utf8'),
        value: JSON.parse(message.value!.toString('utf8')) as Record<string, unknown>,
      });
    },
  });
  await eventually('two findings read back', () => (read.length >= 2 ? true : undefined), 60_000);
  await consumer.disconnect();
  expect(read.map((m) => m.key)).toEqual(alerts.map((a) => a.id));
  for (const { value } of read) expectValidFinding(value);
  expect(read.map((m) => (m.value['finding_info'] as { uid: string }).uid)).toEqual(
    alerts.map((a) => a.id),
  );
}, 120_000);

it('produces to Kafka over TLS, trusting the brokers by the configured CA', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'omega-kafka-ca-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, broker.tlsCaPem);
  const kafka = new Kafka({
    clientId: 'ocsf-spec-tls',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: 'omega.findings.tls', numPartitions: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const { outputs, registry } = await startOutputs(bus, [
    {
      name: 'lake-tls',
      type: 'kafka',
      brokers: broker.tlsBrokers,
      topic: 'omega.findings.tls',
      tls: { caFile },
      timeoutMs: 20_000,
    },
  ]);
  await publishAlerts(bus, [sampleAlert({ id: '01938a5e-0000-7000-8000-0000000000d3' })]);
  await eventually(
    'one sent over TLS',
    async () =>
      (await metricValue(registry, 'omega_intelligence_output_sent_total', {
        output: 'lake-tls',
      })) >= 1
        ? true
        : undefined,
    60_000,
  );
  await outputs.stop();
  await rm(dir, { recursive: true });
  const consumer = kafka.consumer({ groupId: 'ocsf-spec-tls-reader' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'omega.findings.tls', fromBeginning: true });
  const keys: string[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      keys.push(message.key!.toString('utf8'));
    },
  });
  await eventually('the finding read back', () => (keys.length >= 1 ? true : undefined), 60_000);
  await consumer.disconnect();
  expect(keys).toEqual(['01938a5e-0000-7000-8000-0000000000d3']);
}, 120_000);

it('authenticates to Kafka with SASL SCRAM, the password from the environment', async () => {
  const kafka = new Kafka({
    clientId: 'ocsf-spec-sasl',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: 'omega.findings.sasl', numPartitions: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const sasl = (passwordEnv: string) => ({
    mechanism: 'scram-sha-512',
    username: 'omega',
    passwordEnv,
  });
  const env = { KAFKA_PASSWORD: 'omega-pw-1', WRONG_PASSWORD: 'not-it' };
  const { outputs, registry } = await startOutputs(
    bus,
    [
      {
        name: 'lake-sasl',
        type: 'kafka',
        brokers: broker.saslBrokers,
        topic: 'omega.findings.sasl',
        sasl: sasl('KAFKA_PASSWORD'),
        timeoutMs: 20_000,
      },
      {
        name: 'lake-wrong',
        type: 'kafka',
        brokers: broker.saslBrokers,
        topic: 'omega.findings.sasl',
        sasl: sasl('WRONG_PASSWORD'),
        timeoutMs: 20_000,
        maxAttempts: 2,
        initialBackoffMs: 1,
        maxBackoffMs: 2,
      },
    ],
    { sinkOf: (output) => sinkFor(output, env) },
  );
  await publishAlerts(bus, [sampleAlert({ id: '01938a5e-0000-7000-8000-0000000000d4' })]);
  const metric = (name: string, labels: Record<string, string>) =>
    metricValue(registry, name, labels);
  await eventually(
    'sent with the right password, given up with the wrong one',
    async () =>
      (await metric('omega_intelligence_output_sent_total', { output: 'lake-sasl' })) === 1 &&
      (await metric('omega_intelligence_output_dropped_total', {
        output: 'lake-wrong',
        reason: 'retries_exhausted',
      })) === 1
        ? true
        : undefined,
    60_000,
  );
  await outputs.stop();
  expect(await metric('omega_intelligence_output_failed_total', { output: 'lake-wrong' })).toBe(2);
  expect(await metric('omega_intelligence_output_sent_total', { output: 'lake-wrong' })).toBe(0);
}, 120_000);
