// The alertmanager output against a real Alertmanager (Debian's prometheus-alertmanager): alerts
// from ALERTS are posted to its API v2 and read back from it with every Omega field in place.
import type { Bus } from '@omega/bus';
import { eventually, startAlertmanager, withNats, type Alertmanager } from '@omega/testkit';
import {
  alertsBus,
  metricValue,
  publishAlerts,
  sampleAlert,
  startOutputs,
} from '../testing/output-alerts';

const nats = withNats({ jetstream: true });
let bus: Bus;
let alertmanager: Alertmanager;
beforeAll(async () => {
  bus = await alertsBus(nats.url, 'alertmanager-output-spec');
  alertmanager = await startAlertmanager();
}, 60_000);
nats.beforeStop(async () => {
  await alertmanager?.stop();
  await bus?.drain();
});

it('posts each alert to Alertmanager, which holds it with the mapped labels and annotations', async () => {
  // Now, so Alertmanager holds it as active (endsAt an hour on).
  const nowMs = Date.now();
  const timeNs = BigInt(nowMs) * 1_000_000n + 456_789n;
  const alert = sampleAlert({
    timeNs,
    observed: { startTimeNs: timeNs - 2_000_000_000n, endTimeNs: timeNs },
    labels: { team: 'payments', 'cost-centre': 'cc-7' },
  });
  const { outputs, registry } = await startOutputs(
    bus,
    [{ name: 'am', type: 'alertmanager', url: alertmanager.url, endsAfterMs: 3_600_000 }],
    { nowMs: () => nowMs },
  );
  await publishAlerts(bus, [alert]);
  const [held] = await eventually('the alert in Alertmanager', async () => {
    const alerts = await alertmanager.alerts();
    return alerts.length > 0 ? alerts : undefined;
  });
  await outputs.stop();
  expect(
    await metricValue(registry, 'omega_intelligence_output_sent_total', { output: 'am' }),
  ).toBe(1);
  expect(held!.status.state).toBe('active');
  expect(held!.labels).toEqual({
    alertname: 'Reverse shell via bash /dev/tcp',
    severity: 'high',
    source: 'omega',
    omega_alert_id: '01938a5e-7c1f-7a3b-9c2d-4e5f60718293',
    omega_rule_id: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
    omega_detector: 'rule',
    node: 'node-a',
    incident_id: 'inc-01938a5e',
    attack_techniques: 'T1059.004,T1071',
    attack_tactics: 'TA0002,TA0011',
    pod: 'shop/cart-7f9c',
    namespace: 'shop',
    container: 'containerd://4f1c2a',
    container_image: 'registry.example/shop/cart@sha256:ab12',
    process: 'node-a:4242:1700000000',
    ip_address: '203.0.113.9',
    team: 'payments',
    cost_centre: 'cc-7',
  });
  expect(held!.annotations).toEqual({
    summary: 'Reverse shell from shop/cart-7f9c to 203.0.113.9',
    description:
      'bash in shop/cart-7f9c opened /dev/tcp/203.0.113.9/4444 and duplicated the socket onto stdin and stdout.',
    confidence: '90',
    count: '2',
    status: 'new',
    time_ns: timeNs.toString(),
    reasons: 'bash redirected stdio to a TCP socket',
    evidence: 'evt-1',
    actors: 'pod:shop/cart-7f9c,container:containerd://4f1c2a,process:node-a:4242:1700000000',
    observed_start: new Date(nowMs - 2000).toISOString().replace('Z', '456789Z'),
    observed_end: new Date(nowMs).toISOString().replace('Z', '456789Z'),
    audit_log_index: '41',
    audit_leaf_hash: 'ab'.repeat(32),
    audit_checkpoint_size: '42',
  });
  // Alertmanager keeps times to the millisecond or finer.
  expect(Math.floor(Date.parse(held!.startsAt))).toBe(nowMs);
  expect(Math.floor(Date.parse(held!.endsAt))).toBe(nowMs + 3_600_000);
});

it('counts an alert Alertmanager refuses (a wrong base URL: 404) as rejected, without retrying it', async () => {
  const nowMs = Date.now();
  const { outputs, registry } = await startOutputs(
    bus,
    [{ name: 'am-bad', type: 'alertmanager', url: `${alertmanager.url}/not-alertmanager/` }],
    { nowMs: () => nowMs },
  );
  const refused = sampleAlert({
    id: '01938a5e-0000-7000-8000-0000000000b1',
    timeNs: BigInt(nowMs) * 1_000_000n,
  });
  await publishAlerts(bus, [refused]);
  const rejected = await eventually('a rejected alert', async () => {
    const n = await metricValue(registry, 'omega_intelligence_output_dropped_total', {
      output: 'am-bad',
      reason: 'rejected',
    });
    return n > 0 ? n : undefined;
  });
  await outputs.stop();
  expect(rejected).toBe(1);
  expect(
    await metricValue(registry, 'omega_intelligence_output_failed_total', { output: 'am-bad' }),
  ).toBe(1);
});
