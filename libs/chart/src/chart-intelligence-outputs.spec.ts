// The chart's intelligence.outputs value reaches the intelligence service as it reads it: rendered
// with every output type (charts/omega/ci/intelligence-outputs-values.yaml), the Secrets named by
// tokenSecret / caSecret are mounted and passed as files, and the built service itself accepts the
// rendered environment; a value the service refuses fails, naming the setting.
import {
  containerEnv,
  findKubeTools,
  helmTemplate,
  parseObjects,
  runUntilConfigured,
  valueSets,
  type KubeObject,
  type RenderOptions,
} from './index';

async function intelligenceDeployment(options: RenderOptions): Promise<KubeObject> {
  const objects = parseObjects(await helmTemplate(findKubeTools(), options));
  return objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === 'omega-intelligence',
  ) as KubeObject;
}

interface PodSpec {
  containers: { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
  volumes?: {
    name: string;
    projected?: { sources: { secret: { name: string; items: unknown[] } }[] };
  }[];
}

it('renders every output type as the outputs list, with Secrets mounted as files', async () => {
  const deployment = await intelligenceDeployment({
    valuesFiles: [valueSets()['intelligence-outputs']!],
  });
  const env = containerEnv(deployment);
  expect(JSON.parse(env['OMEGA_INTELLIGENCE_OUTPUTS']!)).toEqual([
    { name: 'logs', type: 'stdout', minSeverity: 'low' },
    { name: 'sidekick', type: 'falcosidekick', url: 'http://falcosidekick:2801/' },
    {
      name: 'siem',
      type: 'ocsf-webhook',
      url: 'https://siem.example/ingest',
      maxQueued: 5000,
      timeoutMs: 3000,
      tokenFile: '/var/run/secrets/omega-outputs/siem/token',
    },
    {
      name: 'lake',
      type: 'kafka',
      brokers: ['kafka-0.kafka:9093', 'kafka-1.kafka:9093'],
      topic: 'omega.findings',
      tls: { caFile: '/var/run/secrets/omega-outputs/lake/ca.crt' },
      sasl: {
        mechanism: 'scram-sha-512',
        username: 'omega',
        passwordFile: '/var/run/secrets/omega-outputs/lake/sasl-password',
      },
    },
    { name: 'am', type: 'alertmanager', url: 'http://alertmanager:9093', endsAfterMs: 3600000 },
    {
      name: 'rsyslog',
      type: 'syslog',
      host: 'syslog.example',
      port: 6514,
      protocol: 'tls',
      caFile: '/var/run/secrets/omega-outputs/rsyslog/ca.crt',
    },
  ]);
  expect(env['OMEGA_INTELLIGENCE_OUTPUT_MAX_ALERT_AGE_MS']).toBe('3600000');
  const pod = (deployment['spec'] as { template: { spec: PodSpec } }).template.spec;
  expect(pod.containers[0]!.volumeMounts!.filter((m) => m.name.startsWith('output-'))).toEqual([
    { name: 'output-siem', mountPath: '/var/run/secrets/omega-outputs/siem', readOnly: true },
    { name: 'output-lake', mountPath: '/var/run/secrets/omega-outputs/lake', readOnly: true },
    { name: 'output-rsyslog', mountPath: '/var/run/secrets/omega-outputs/rsyslog', readOnly: true },
  ]);
  expect(pod.volumes!.filter((v) => v.name.startsWith('output-'))).toEqual([
    {
      name: 'output-siem',
      projected: {
        sources: [{ secret: { name: 'siem-token', items: [{ key: 'token', path: 'token' }] } }],
      },
    },
    {
      name: 'output-lake',
      projected: {
        sources: [
          { secret: { name: 'kafka-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            secret: {
              name: 'kafka-omega-user',
              items: [{ key: 'password', path: 'sasl-password' }],
            },
          },
        ],
      },
    },
    {
      name: 'output-rsyslog',
      projected: {
        sources: [{ secret: { name: 'syslog-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] } }],
      },
    },
  ]);
});

it('is accepted by the intelligence service itself', async () => {
  const deployment = await intelligenceDeployment({
    valuesFiles: [valueSets()['intelligence-outputs']!],
  });
  const env = { ...containerEnv(deployment), OMEGA_GRPC_PORT: '0', OMEGA_HTTP_PORT: '0' };
  const { accepted, output } = await runUntilConfigured('intelligence', env);
  if (!accepted)
    throw new Error(`intelligence refused its rendered environment:\n${output.slice(-3000)}`);
}, 90_000);

it('fails on an output the service refuses, naming the setting', async () => {
  const deployment = await intelligenceDeployment({
    set: {
      'intelligence.outputs[0].name': 'hook',
      'intelligence.outputs[0].type': 'falcosidekick',
      'intelligence.outputs[0].url': 'http://user:secret@falcosidekick:2801/',
    },
  });
  const env = { ...containerEnv(deployment), OMEGA_GRPC_PORT: '0', OMEGA_HTTP_PORT: '0' };
  const { accepted, output } = await runUntilConfigured('intelligence', env);
  expect(accepted).toBe(false);
  expect(output).toMatch(/intelligence\.outputs/);
  expect(output).toMatch(/credentials in the URL/);
}, 90_000);
