import { Registry } from 'prom-client';
import { sentinelMetrics } from './sentinel-metrics';

async function line(registry: Registry, series: string): Promise<string | undefined> {
  return (await registry.metrics()).split('\n').find((l) => l.startsWith(series));
}

describe('the loader totals, as counters', () => {
  it('add what each running total grew by, so the counter is the total', async () => {
    const registry = new Registry();
    const metrics = sentinelMetrics(registry);
    metrics.ringbufLost.record(0, { kind: 'dns' });
    expect(await line(registry, 'omega_sentinel_ringbuf_lost_records_total{kind="dns"}')).toBe(
      'omega_sentinel_ringbuf_lost_records_total{kind="dns"} 0',
    );
    metrics.ringbufLost.record(7, { kind: 'dns' });
    metrics.ringbufLost.record(3, { kind: 'exec' });
    metrics.ringbufLost.record(12, { kind: 'dns' });
    expect(await line(registry, 'omega_sentinel_ringbuf_lost_records_total{kind="dns"}')).toBe(
      'omega_sentinel_ringbuf_lost_records_total{kind="dns"} 12',
    );
    expect(await line(registry, 'omega_sentinel_ringbuf_lost_records_total{kind="exec"}')).toBe(
      'omega_sentinel_ringbuf_lost_records_total{kind="exec"} 3',
    );
  });

  it('never go down when a new loader counts from zero again: its count is added', async () => {
    const registry = new Registry();
    const metrics = sentinelMetrics(registry);
    metrics.xdpDropped.record(40);
    metrics.xdpDropped.record(5); // a restarted loader has dropped 5 since it started
    metrics.xdpDropped.record(9);
    expect(await line(registry, 'omega_sentinel_xdp_dropped_packets_total ')).toBe(
      'omega_sentinel_xdp_dropped_packets_total 49',
    );
  });
});
