// The gateway as charts/omega's front door, rendered by the real helm: the Ingress (ingress-nginx
// TLS passthrough) and the Gateway API TLSRoute only when enabled, their host names in the
// gateway's certificate (OMEGA_IDENTITY_SERVER_NAMES), the sentinel discovery settings and grants,
// the Secret for the first admin token, and the `helm test` pod that logs in with it.
import {
  CHART_DIR,
  findKubeTools,
  helmTemplate,
  parseObjects,
  runTool,
  type KubeObject,
  type KubeTools,
} from './index';

let tools: KubeTools;
beforeAll(() => {
  tools = findKubeTools();
});

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  containers: {
    name: string;
    env?: EnvVar[];
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  }[];
  volumes?: {
    name: string;
    configMap?: { name: string; items?: { key: string; path: string }[] };
    secret?: { secretName: string; optional?: boolean };
  }[];
}

async function render(set: Record<string, string> = {}): Promise<KubeObject[]> {
  return parseObjects(await helmTemplate(tools, { set }));
}

function find(objects: KubeObject[], kind: string, name?: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

function podSpec(o: KubeObject | undefined): PodSpec {
  const spec = o?.['spec'] as ({ template?: { spec: PodSpec } } & PodSpec) | undefined;
  if (!spec) throw new Error('no such workload rendered');
  return spec.template?.spec ?? spec;
}

function gatewayEnv(objects: KubeObject[]): Record<string, EnvVar> {
  const env = podSpec(find(objects, 'Deployment', 'omega-gateway')).containers[0]?.env ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e]));
}

function serverNames(objects: KubeObject[]): string[] {
  const trust = podSpec(find(objects, 'Deployment', 'omega-trust')).containers[0]?.env ?? [];
  const value = trust.find((e) => e.name === 'OMEGA_IDENTITY_SERVER_NAMES')?.value ?? '{}';
  return (JSON.parse(value) as Record<string, string[]>)['service/gateway'] ?? [];
}

const SERVICE_NAMES = [
  'omega-gateway',
  'omega-gateway.omega',
  'omega-gateway.omega.svc',
  'omega-gateway.omega.svc.cluster.local',
];
const EXPOSED = {
  'gateway.ingress.enabled': 'true',
  'gateway.ingress.host': 'omega.example.com',
  'gateway.ingress.className': 'nginx',
  'gateway.ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size': '8m',
  'gateway.tlsRoute.enabled': 'true',
  'gateway.tlsRoute.hostnames[0]': 'grpc.example.com',
  'gateway.tlsRoute.parentRefs[0].name': 'edge',
  'gateway.tlsRoute.parentRefs[0].namespace': 'gateways',
  'gateway.tlsRoute.parentRefs[0].sectionName': 'tls-passthrough',
};

describe('the gateway as the front door of charts/omega', () => {
  it('keeps the gateway on a ClusterIP Service, with no Ingress or route, by default', async () => {
    const objects = await render();
    const service = find(objects, 'Service', 'omega-gateway');
    expect((service?.['spec'] as { type: string }).type).toBe('ClusterIP');
    expect(objects.filter((o) => ['Ingress', 'TLSRoute'].includes(o.kind))).toEqual([]);
    expect(serverNames(objects)).toEqual(SERVICE_NAMES);
  });

  it('serves the browser protocol on the Service and lets in the same callers as gRPC', async () => {
    const objects = await render();
    const ports = (
      find(objects, 'Service', 'omega-gateway')?.['spec'] as {
        ports: { name: string; port: number; targetPort: string }[];
      }
    ).ports;
    expect(ports).toContainEqual(
      expect.objectContaining({ name: 'web', port: 50058, targetPort: 'web' }),
    );
    const policy = find(objects, 'NetworkPolicy', 'omega-gateway')?.['spec'] as {
      ingress: { ports: { port: string }[] }[];
    };
    expect(policy.ingress[0]?.ports).toEqual([{ port: 'grpc' }, { port: 'web' }]);
  });

  it('renders a TLS-passthrough Ingress and a TLSRoute when enabled, to the gateway Service', async () => {
    const objects = await render(EXPOSED);
    const ingress = find(objects, 'Ingress', 'omega-gateway');
    expect(ingress?.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress?.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
      'nginx.ingress.kubernetes.io/backend-protocol': 'GRPCS',
      'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
    });
    expect(ingress?.['spec']).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['omega.example.com'] }],
      rules: [
        {
          host: 'omega.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'omega-gateway', port: { name: 'grpc' } } },
              },
            ],
          },
        },
      ],
    });
    const route = find(objects, 'TLSRoute', 'omega-gateway');
    // v1alpha2 unless the cluster serves TLSRoute v1 (Gateway API v1.5+ standard channel).
    expect(route?.apiVersion).toBe('gateway.networking.k8s.io/v1alpha2');
    expect(route?.['spec']).toEqual({
      parentRefs: [{ name: 'edge', namespace: 'gateways', sectionName: 'tls-passthrough' }],
      hostnames: ['grpc.example.com'],
      rules: [{ backendRefs: [{ name: 'omega-gateway', port: 50051 }] }],
    });
    const v1 = parseObjects(
      await helmTemplate(tools, {
        set: EXPOSED,
        apiVersions: ['gateway.networking.k8s.io/v1/TLSRoute'],
      }),
    );
    expect(find(v1, 'TLSRoute')?.apiVersion).toBe('gateway.networking.k8s.io/v1');
  });

  it("adds the Ingress host and the TLSRoute hostnames to the gateway's certificate", async () => {
    const objects = await render({ ...EXPOSED, 'gateway.serverNames[0]': 'lb.example.com' });
    expect(serverNames(objects)).toEqual([
      ...SERVICE_NAMES,
      'lb.example.com',
      'omega.example.com',
      'grpc.example.com',
    ]);
  });

  it.each([
    [{ 'gateway.ingress.enabled': 'true' }, /gateway\.ingress\.host: name the host clients dial/],
    [
      { 'gateway.tlsRoute.enabled': 'true', 'gateway.tlsRoute.parentRefs[0].name': 'edge' },
      /gateway\.tlsRoute\.hostnames: name at least one host/,
    ],
    [
      { 'gateway.tlsRoute.enabled': 'true', 'gateway.tlsRoute.hostnames[0]': 'a.example.com' },
      /gateway\.tlsRoute\.parentRefs: name the Gateway/,
    ],
    [{ 'gateway.ingress.host': '*.example.com' }, /at '\/gateway\/ingress\/host'/],
    [{ 'gateway.tlsRoute.hostnames[0]': 'Bad_Name' }, /at '\/gateway\/tlsRoute\/hostnames\/0'/],
    [{ 'gateway.ingress.tls': 'true' }, /additional properties 'tls' not allowed/],
    [{ 'gateway.sentinelDiscovery': 'dns' }, /at '\/gateway\/sentinelDiscovery'/],
  ])('refuses %j, naming it', async (set, message) => {
    const args = ['template', 'omega', CHART_DIR];
    for (const [key, value] of Object.entries(set)) args.push('--set', `${key}=${value}`);
    const result = await runTool(tools.helm, args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it("has the gateway find sentinels from this release's sentinel pods, with a read-only grant", async () => {
    const objects = await render();
    const env = gatewayEnv(objects);
    expect(env['OMEGA_GATEWAY_SENTINEL_DISCOVERY']?.value).toBe('kubernetes');
    expect(env['OMEGA_GATEWAY_SENTINEL_NAMESPACE']?.value).toBe('omega');
    expect(env['OMEGA_GATEWAY_SENTINEL_PORT']?.value).toBe('50057');
    // The DaemonSet's own selector labels.
    const daemonSet = find(objects, 'DaemonSet', 'omega-sentinel')?.['spec'] as {
      selector: { matchLabels: Record<string, string> };
    };
    const selector = Object.entries(daemonSet.selector.matchLabels)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(',');
    expect(env['OMEGA_GATEWAY_SENTINEL_SELECTOR']?.value).toBe(selector);
    expect(env['OMEGA_GATEWAY_SENTINEL_NODE']?.valueFrom).toEqual({
      fieldRef: { fieldPath: 'spec.nodeName' },
    });
    expect(podSpec(find(objects, 'Deployment', 'omega-gateway')).automountServiceAccountToken).toBe(
      true,
    );
    const role = find(objects, 'Role', 'omega-gateway');
    expect(role?.['rules']).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['omega-gateway-admin-token'],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  it('routes statically, to the sentinel on its node and the listed ones, without a pods grant', async () => {
    const objects = await render({
      'gateway.sentinelDiscovery': 'static',
      'gateway.sentinelNodes.node-b': '10.0.0.7:50057',
    });
    const env = gatewayEnv(objects);
    expect(env['OMEGA_GATEWAY_SENTINEL_DISCOVERY']?.value).toBe('static');
    expect(env['NODE_IP']?.valueFrom).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } });
    expect(env['OMEGA_GATEWAY_SENTINEL_ADDRESS']?.value).toBe('$(NODE_IP):50057');
    expect(env['OMEGA_GATEWAY_SENTINEL_NODES']?.value).toBe('{"node-b":"10.0.0.7:50057"}');
    const rules = find(objects, 'Role', 'omega-gateway')?.['rules'] as { resources: string[] }[];
    expect(rules.map((r) => r.resources)).toEqual([['secrets']]);
  });

  it('creates the admin-token Secret empty, and has the gateway fill it', async () => {
    const objects = await render();
    const env = gatewayEnv(objects);
    expect(env['OMEGA_GATEWAY_FIRST_ADMIN_TOKEN_KUBERNETES_SECRET']?.value).toBe(
      'omega-gateway-admin-token',
    );
    expect(env['OMEGA_GATEWAY_FIRST_ADMIN_TOKEN_NAMESPACE']?.value).toBe('omega');
    const secret = find(objects, 'Secret', 'omega-gateway-admin-token');
    expect(secret).toBeDefined();
    expect(secret?.['data']).toBeUndefined();
    expect(secret?.['stringData']).toBeUndefined();
  });

  it('has helm test log in through the gateway Service with the admin token and the trust CA', async () => {
    const objects = await render();
    const test = objects.find((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
    const spec = podSpec(test);
    const container = spec.containers[0];
    expect(container?.name).toBe('gateway-login');
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toEqual({
      TARGET: 'omega-gateway.omega.svc:50051',
      CA_FILE: '/etc/omega/trust-ca/ca.pem',
      TOKEN_FILE: '/etc/omega/gateway-admin-token/token',
      TOKEN_SECRET: 'omega-gateway-admin-token',
    });
    expect(container?.volumeMounts).toEqual([
      { name: 'trust-ca', mountPath: '/etc/omega/trust-ca', readOnly: true },
      { name: 'admin-token', mountPath: '/etc/omega/gateway-admin-token', readOnly: true },
    ]);
    expect(spec.volumes).toEqual([
      {
        name: 'trust-ca',
        configMap: { name: 'omega-trust-ca', items: [{ key: 'ca.pem', path: 'ca.pem' }] },
      },
      {
        name: 'admin-token',
        secret: { secretName: 'omega-gateway-admin-token', optional: true, defaultMode: 256 },
      },
    ]);
    // The test pod's own service account has no API token: the kubelet mounts the Secret.
    expect(spec.automountServiceAccountToken).toBe(false);
  });
});
