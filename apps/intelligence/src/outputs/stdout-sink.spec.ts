// The stdout output end to end on a real nats-server: alerts published on ALERTS come out as one
// JSON line each, valid against the schema docs/alert-outputs.md documents.
import { PassThrough } from 'node:stream';
import type { Bus } from '@omega/bus';
import { Severity } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import Ajv2020 from 'ajv/dist/2020';
import { documentedAlertLineSchema } from '../testing/docs-schema';
import {
  alertsBus,
  metricValue,
  publishAlerts,
  sampleAlert,
  SAMPLE_TIME_NS,
  startOutputs,
} from '../testing/output-alerts';
import { stdoutSink } from './stdout-sink';

const nats = withNats({ jetstream: true });
let bus: Bus;
beforeAll(async () => {
  bus = await alertsBus(nats.url, 'stdout-output-spec');
});
nats.beforeStop(() => bus.drain());

it('writes each alert on ALERTS as one JSON line that the documented schema accepts', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const { outputs, registry } = await startOutputs(
    bus,
    [{ name: 'logs', type: 'stdout', minSeverity: 'medium' }],
    { sinkOf: () => stdoutSink(out) },
  );
  const low = sampleAlert({
    id: '01938a5e-0000-7000-8000-000000000001',
    severity: Severity.SEVERITY_LOW,
  });
  const minimal = sampleAlert({
    id: '01938a5e-0000-7000-8000-000000000002',
    entities: [],
    evidence: [],
    reasons: [],
    labels: {},
  });
  delete (minimal as { audit?: unknown }).audit;
  delete (minimal as { observed?: unknown }).observed;
  await publishAlerts(bus, [sampleAlert(), low, minimal]);
  const lines = await eventually('two alert lines', () => {
    const done = text.split('\n').filter(Boolean);
    return done.length >= 2 ? done : undefined;
  });
  await outputs.stop();

  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
    documentedAlertLineSchema(),
  );
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const line of parsed) {
    expect(validate(line) ? [] : validate.errors).toEqual([]);
  }
  // The low-severity alert is below the output's minSeverity.
  expect(parsed.map((l) => l['id'])).toEqual([
    '01938a5e-7c1f-7a3b-9c2d-4e5f60718293',
    '01938a5e-0000-7000-8000-000000000002',
  ]);
  const [full, bare] = parsed;
  expect(full).toMatchObject({
    kind: 'omega.alert',
    version: 1,
    time: '2026-12-07T22:18:33.123456789Z',
    time_ns: SAMPLE_TIME_NS.toString(),
    severity: 'high',
    severity_id: 4,
    rule: {
      id: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
      name: 'Reverse shell via bash /dev/tcp',
    },
    detector: 'rule',
    attack: { techniques: ['T1059.004', 'T1071'], tactics: ['TA0002', 'TA0011'] },
    status: 'new',
    observed: { start: '2026-12-07T22:18:31.123456789Z', end: '2026-12-07T22:18:33.123456789Z' },
    audit: { log_index: '41', leaf_hash: 'ab'.repeat(32), checkpoint_size: '42' },
    labels: { team: 'payments' },
    incident_id: 'inc-01938a5e',
  });
  expect((full!['entities'] as unknown[])[0]).toEqual({
    kind: 'pod',
    value: 'shop/cart-7f9c',
    display_name: 'cart-7f9c',
    is_actor: true,
  });
  // Above 2^53: kept exact as a string.
  expect(
    (full!['evidence'] as { batch: { stream_sequence: string } }[])[0]!.batch.stream_sequence,
  ).toBe('9007199254740993');
  expect(bare).toMatchObject({ audit: null, observed: null, entities: [], labels: {} });
  expect(
    await metricValue(registry, 'omega_intelligence_output_sent_total', { output: 'logs' }),
  ).toBe(2);
});

it('counts alerts too old to send as stale instead of sending them', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const { outputs, registry } = await startOutputs(bus, [{ name: 'late', type: 'stdout' }], {
    sinkOf: () => stdoutSink(out),
    // Two hours after the sample alerts' time: what is published now is stale.
    nowMs: () => Number(SAMPLE_TIME_NS / 1_000_000n) + 7_200_000,
  });
  await publishAlerts(
    bus,
    [1, 2, 3].map((n) => sampleAlert({ id: `01938a5e-0000-7000-8000-00000000010${n}` })),
  );
  const stale = await eventually('three stale alerts', async () => {
    const n = await metricValue(registry, 'omega_intelligence_output_dropped_total', {
      output: 'late',
      reason: 'stale',
    });
    return n >= 3 ? n : undefined;
  });
  await outputs.stop();
  expect(stale).toBe(3);
  expect(text).toBe('');
});
