// The trust metrics on a real log and a real enrollment, read back from the registry.
import { Registry } from 'prom-client';
import { withNats } from '@omega/testkit';
import { alertEntry, newLogKey, openBus, openLog } from './testing/audit-spec-helpers';
import {
  closeIdentityFixture,
  enrollWithJoinToken,
  openIdentityFixture,
} from './testing/identity-spec-helpers';
import { trustMetrics } from './trust-metrics';

const nats = withNats({ jetstream: true });

async function values(registry: Registry, name: string) {
  return (await registry.getSingleMetric(name)!.get()).values;
}

describe('trust metrics', () => {
  it('counts answered appends, observes batch sizes and checkpoint durations', async () => {
    const registry = new Registry();
    const metrics = trustMetrics(registry);
    const bus = await openBus(nats.url, 'metrics-spec');
    const log = await openLog(bus, await newLogKey(), { metrics: metrics.audit });
    await Promise.all(
      Array.from({ length: 50 }, (_, n) => log.append(alertEntry(n), { requestId: `m-${n}` })),
    );
    await log.append(alertEntry(1), { requestId: 'm-1' }); // a retry is answered, so it counts
    await log.close();
    await bus.drain();

    const text = await registry.metrics();
    expect(text).toMatch(/^omega_trust_audit_appends_total 51$/m);
    expect(text).toMatch(/^omega_trust_audit_batch_size_sum 51$/m);
    const checkpoints = /^omega_trust_audit_checkpoint_duration_seconds_count (\d+)$/m.exec(text);
    expect(Number(checkpoints?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('counts issued identities by subject kind', async () => {
    const registry = new Registry();
    const metrics = trustMetrics(registry);
    const fixture = await openIdentityFixture(nats.url, { metrics: metrics.identities });
    try {
      await enrollWithJoinToken(fixture, 'sentinel', 'node-m1');
      await enrollWithJoinToken(fixture, 'sentinel', 'node-m2');
      await enrollWithJoinToken(fixture, 'service', 'intelligence');
    } finally {
      await closeIdentityFixture(fixture);
    }
    const issued = await values(registry, 'omega_trust_identities_issued_total');
    expect(Object.fromEntries(issued.map((v) => [v.labels['kind'], v.value]))).toEqual({
      sentinel: 2,
      service: 1,
    });
  });
});
