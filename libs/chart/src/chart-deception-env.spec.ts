// Every deception setting the chart can render is one the deception service accepts: the rendered
// environment of deception's container, with each optional feature on alone and with all of them
// on (charts/omega/ci/deception-all-values.yaml), is handed to the built service itself, whose
// config loader (libs/runtime loadConfig over apps/deception's deceptionConfigSchema) refuses
// unknown OMEGA_* names and bad values. And a chart value the service would reject (an address the
// values schema's loose pattern lets through) fails here, naming the setting.
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

async function deceptionEnv(options: RenderOptions): Promise<Record<string, string>> {
  const objects = parseObjects(await helmTemplate(findKubeTools(), options));
  const deployment = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === 'omega-deception',
  ) as KubeObject;
  // Ports the process can bind here (0: any free one); every other setting as rendered.
  return { ...containerEnv(deployment), OMEGA_GRPC_PORT: '0', OMEGA_HTTP_PORT: '0' };
}

const FEATURES: [string, RenderOptions][] = [
  ['defaults', {}],
  [
    'ignore lists and audit limits',
    {
      set: {
        'deception.ignore.sources': '{10.0.0.0/8,fd00::/8,192.168.1.7}',
        'deception.ignore.ports': '{2222}',
        'deception.ignore.clients': '{kube-probe/}',
        'deception.auditInteractions.maxEntriesPerMinute': '600',
      },
    },
  ],
  ['planted Secrets', { set: { 'deception.plantSecrets': 'true' } }],
  [
    'Kubernetes decoys (default upstream and peer)',
    {
      set: {
        'deception.kubernetesDecoys.enabled': 'true',
        'deception.kubernetesDecoys.relayImage': 'registry.example.com/tcp-proxy:1.4.2',
        'deception.kubernetesDecoys.relaySources': '{10.244.0.0/16}',
      },
    },
  ],
  [
    'Kubernetes decoys (CIDR peer, ClusterIP upstream, command)',
    {
      set: {
        'deception.kubernetesDecoys.enabled': 'true',
        'deception.kubernetesDecoys.relayImage': 'registry.example.com/tcp-proxy:1.4.2',
        'deception.kubernetesDecoys.relaySources': '{10.244.0.0/16,fd00:10:244::/56}',
        'deception.kubernetesDecoys.relayPeer.cidr': '10.244.3.0/24',
        'deception.kubernetesDecoys.relayUpstream': '10.96.0.40:50060',
        'deception.kubernetesDecoys.relayCommand': '{node,/app/relay-main.js}',
      },
    },
  ],
  [
    'the webhook listener',
    {
      set: {
        'deception.kubernetes.webhook.enabled': 'true',
        'deception.kubernetes.webhook.tlsSecret': 'audit-webhook-tls',
        'deception.kubernetes.webhook.clientCa.secret': 'apiserver-client-ca',
        'deception.kubernetes.webhook.ignoreUsers': '{system:kube-controller-manager}',
      },
    },
  ],
  [
    'the DNS responder',
    { set: { 'deception.dns.enabled': 'true', 'deception.dns.zone': 'Canary.Example.com.' } },
  ],
  ['every feature (deception-all values)', { valuesFiles: [valueSets()['deception-all']!] }],
];

describe("deception's rendered environment, read by the deception service itself", () => {
  it.each(FEATURES)(
    'is accepted with %s',
    async (_name, options) => {
      const env = await deceptionEnv(options);
      const { accepted, output } = await runUntilConfigured('deception', env);
      if (!accepted) {
        throw new Error(
          `deception did not accept ${JSON.stringify(env)}; it printed:\n${output.slice(-3000)}`,
        );
      }
      expect(output).not.toMatch(/config: /);
    },
    90_000,
  );

  it('fails on a chart value the service rejects, naming the setting', async () => {
    const env = await deceptionEnv({ set: { 'deception.ignore.sources': '{300.1.2.3/8}' } });
    expect(env['OMEGA_DECEPTION_IGNORE_SOURCES']).toBe('["300.1.2.3/8"]');
    const { accepted, output } = await runUntilConfigured('deception', env);
    expect(accepted).toBe(false);
    expect(output).toMatch(/deception\.ignore\.sources/);
    expect(output).toMatch(/not a CIDR or address/);
  }, 90_000);
});
