// Deception's optional features in charts/omega, rendered by the real helm: each is off unless
// set (nothing on the pod, its Service or its NetworkPolicy), and each one turned on adds exactly
// its settings, its port on the pod and Service, and the NetworkPolicy rule that admits who must
// reach it (evaluated by network-policy-ingress.ts): relay pods from the decoy namespaces only,
// the API server's webhook from networkPolicyFrom, DNS resolvers from anywhere over UDP and TCP.
import {
  CHART_DIR,
  admitsIngress,
  findKubeTools,
  helmTemplate,
  parseObjects,
  runTool,
  valueSets,
  type KubeObject,
  type KubeTools,
  type RenderOptions,
  type Source,
} from './index';

const RBAC_KINDS = ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];

let tools: KubeTools;
beforeAll(() => {
  tools = findKubeTools();
});

interface Port {
  name: string;
  containerPort?: number;
  port?: number;
  targetPort?: string | number;
  protocol?: string;
}
interface Volume {
  name: string;
  secret?: { secretName: string; items?: unknown[] };
  configMap?: { name: string; items?: unknown[] };
}
interface Pod {
  securityContext: { sysctls?: { name: string; value: string }[] };
  volumes: Volume[];
  containers: {
    env: { name: string; value?: string }[];
    ports: Port[];
    volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  }[];
}

const DECEPTION_LABELS = {
  'app.kubernetes.io/name': 'omega',
  'app.kubernetes.io/instance': 'omega',
  'app.kubernetes.io/component': 'deception',
};
const podIn = (namespace: string): Source => ({
  pod: {
    namespace,
    labels: { app: 'ledger' },
    namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
  },
});

async function render(set: Record<string, string> = {}) {
  const objects = parseObjects(await helmTemplate(tools, { set }));
  const find = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);
  const deployment = find('Deployment', 'omega-deception') as KubeObject;
  const pod = (deployment['spec'] as { template: { spec: Pod } }).template.spec;
  const container = pod.containers[0]!;
  const env = Object.fromEntries(
    container.env
      .filter((e) => e.name.startsWith('OMEGA_DECEPTION_'))
      .map((e) => [e.name, e.value]),
  );
  const service = (find('Service', 'omega-deception')!['spec'] as { ports: Port[] }).ports;
  const dnsService = find('Service', 'omega-deception-dns');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const target = {
    namespace: 'omega',
    labels: DECEPTION_LABELS,
    namedPorts: Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort!])),
  };
  const admits = (source: Source, port: number, protocol: 'TCP' | 'UDP' = 'TCP') =>
    admitsIngress(policies, target, source, port, protocol);
  return { objects, pod, container, env, service, dnsService, admits };
}

const BASE_ENV = {
  OMEGA_DECEPTION_CANARY_LISTEN: '0.0.0.0:50059',
  OMEGA_DECEPTION_CANARY_BASE_URL: 'http://omega-deception.omega.svc:50059',
  OMEGA_DECEPTION_DECOYS_LISTEN_HOST: '0.0.0.0',
  OMEGA_DECEPTION_AUDIT_INTERACTIONS_ENABLED: 'true',
  OMEGA_DECEPTION_AUDIT_INTERACTIONS_MAX_ENTRIES_PER_MINUTE: '60',
};

const DECOYS = {
  'deception.kubernetesDecoys.enabled': 'true',
  'deception.kubernetesDecoys.relayImage': 'registry.example.com/platform/tcp-proxy:1.4.2',
  'deception.kubernetesDecoys.relaySources': '{10.244.0.0/16}',
};
const WEBHOOK = {
  'deception.kubernetes.webhook.enabled': 'true',
  'deception.kubernetes.webhook.tlsSecret': 'audit-webhook-tls',
  'deception.kubernetes.webhook.clientCa.configMap': 'apiserver-client-ca',
};
const DNS = {
  'deception.dns.enabled': 'true',
  'deception.dns.zone': 'canary.example.com',
};

describe("deception's optional features in charts/omega", () => {
  it('are all off by default: only the canary, decoy ports and audit settings, no extra port, volume, rule or Service', async () => {
    const { env, container, pod, service, dnsService, admits } = await render();
    expect(env).toEqual(BASE_ENV);
    expect(container.ports.map((p) => p.name)).toEqual(['grpc', 'metrics', 'canary', 'decoy-ssh']);
    expect(service.map((p) => p.name)).toEqual(['grpc', 'metrics', 'canary', 'decoy-ssh']);
    expect(pod.volumes.map((v) => v.name)).toEqual(['tmp', 'omega-token', 'trust-ca']);
    expect(dnsService).toBeUndefined();
    expect(pod.securityContext.sysctls).toBeUndefined();
    // Nothing listens on the features' ports, and nothing admits them.
    for (const port of [50060, 8443, 5353]) expect(admits({ ip: '203.0.113.9' }, port)).toBe(false);
    expect(admits({ ip: '203.0.113.9' }, 5353, 'UDP')).toBe(false);
  });

  it('passes ignore lists and audit limits as the JSON lists and numbers the service reads', async () => {
    const { env } = await render({
      'deception.ignore.sources': '{10.0.0.0/8,fd00::/8,192.168.1.7}',
      'deception.ignore.ports': '{2222,6379}',
      'deception.ignore.clients': '{kube-probe/,Prometheus/}',
      'deception.auditInteractions.enabled': 'false',
      'deception.auditInteractions.maxEntriesPerMinute': '600',
    });
    expect(env).toEqual({
      ...BASE_ENV,
      OMEGA_DECEPTION_IGNORE_SOURCES: '["10.0.0.0/8","fd00::/8","192.168.1.7"]',
      OMEGA_DECEPTION_IGNORE_PORTS: '[2222,6379]',
      OMEGA_DECEPTION_IGNORE_CLIENTS: '["kube-probe/","Prometheus/"]',
      OMEGA_DECEPTION_AUDIT_INTERACTIONS_ENABLED: 'false',
      OMEGA_DECEPTION_AUDIT_INTERACTIONS_MAX_ENTRIES_PER_MINUTE: '600',
    });
  });

  it('plants Kubernetes honeytokens only when plantSecrets is set', async () => {
    const { env } = await render({ 'deception.plantSecrets': 'true' });
    expect(env).toEqual({ ...BASE_ENV, OMEGA_DECEPTION_KUBERNETES_PLANT: 'true' });
  });

  it('places decoys in Kubernetes, relayed to a listener only the decoy namespaces reach', async () => {
    const { env, container, service, admits } = await render(DECOYS);
    const { OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_PEER: peer, ...rest } = env;
    expect(rest).toEqual({
      ...BASE_ENV,
      OMEGA_DECEPTION_DECOYS_PLACEMENT: 'kubernetes',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_NAMESPACES: '["omega-decoys"]',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_IMAGE:
        'registry.example.com/platform/tcp-proxy:1.4.2',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_UPSTREAM: 'omega-deception.omega.svc:50060',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_LISTEN: '0.0.0.0:50060',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_SOURCES: '["10.244.0.0/16"]',
    });
    // The decoy policies' only egress peer: deception's own pods, by namespace and selector labels.
    expect(JSON.parse(peer ?? 'null')).toEqual({ namespace: 'omega', podLabels: DECEPTION_LABELS });
    expect(container.ports).toContainEqual({
      name: 'relay',
      containerPort: 50060,
      protocol: 'TCP',
    });
    expect(service).toContainEqual({ name: 'relay', port: 50060, targetPort: 'relay' });
    expect(admits(podIn('omega-decoys'), 50060)).toBe(true);
    expect(admits(podIn('shop'), 50060)).toBe(false);
    expect(admits({ ip: '10.244.1.7' }, 50060)).toBe(false);
  });

  it('takes the decoy namespaces, relay port, upstream, peer and command when given', async () => {
    const { env, container, admits } = await render({
      ...DECOYS,
      'deception.namespaces': '{omega-decoys,shop,payments}',
      'deception.kubernetesDecoys.namespaces': '{shop,payments}',
      'deception.kubernetesDecoys.relayPort': '7000',
      'deception.kubernetesDecoys.relayUpstream': '10.96.0.40:7000',
      'deception.kubernetesDecoys.relayPeer.cidr': '10.244.3.0/24',
      'deception.kubernetesDecoys.relayCommand': '{node,/app/relay.js}',
    });
    expect(env).toMatchObject({
      OMEGA_DECEPTION_DECOYS_KUBERNETES_NAMESPACES: '["shop","payments"]',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_UPSTREAM: '10.96.0.40:7000',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_LISTEN: '0.0.0.0:7000',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_PEER: '{"cidr":"10.244.3.0/24"}',
      OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_COMMAND: '["node","/app/relay.js"]',
    });
    expect(container.ports).toContainEqual({ name: 'relay', containerPort: 7000, protocol: 'TCP' });
    expect(admits(podIn('shop'), 7000)).toBe(true);
    expect(admits(podIn('payments'), 7000)).toBe(true);
    expect(admits(podIn('omega-decoys'), 7000)).toBe(false);
  });

  it("serves the API server's webhook with its certificate and client CA mounted read-only from the objects named", async () => {
    const { env, container, pod, service, admits } = await render({
      ...WEBHOOK,
      'deception.kubernetes.webhook.clientNames': '{kube-apiserver}',
      'deception.kubernetes.webhook.ignoreUsers': '{system:kube-controller-manager}',
      'deception.kubernetes.webhook.listReads': 'false',
    });
    const dir = '/etc/omega/deception/webhook';
    expect(env).toEqual({
      ...BASE_ENV,
      OMEGA_DECEPTION_KUBERNETES_WEBHOOK_LISTEN: '0.0.0.0:8443',
      OMEGA_DECEPTION_KUBERNETES_WEBHOOK_TLS_CERT_PATH: `${dir}/tls/tls.crt`,
      OMEGA_DECEPTION_KUBERNETES_WEBHOOK_TLS_KEY_PATH: `${dir}/tls/tls.key`,
      OMEGA_DECEPTION_KUBERNETES_WEBHOOK_CLIENT_CA_PATH: `${dir}/client-ca/ca.crt`,
      OMEGA_DECEPTION_KUBERNETES_WEBHOOK_CLIENT_NAMES: '["kube-apiserver"]',
      OMEGA_DECEPTION_KUBERNETES_WEBHOOK_IGNORE_USERS: '["system:kube-controller-manager"]',
      OMEGA_DECEPTION_KUBERNETES_WEBHOOK_LIST_READS: 'false',
    });
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'webhook-tls', mountPath: `${dir}/tls`, readOnly: true },
        { name: 'webhook-client-ca', mountPath: `${dir}/client-ca`, readOnly: true },
      ]),
    );
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'webhook-tls',
          secret: expect.objectContaining({ secretName: 'audit-webhook-tls' }),
        }),
        expect.objectContaining({
          name: 'webhook-client-ca',
          configMap: expect.objectContaining({ name: 'apiserver-client-ca' }),
        }),
      ]),
    );
    expect(container.ports).toContainEqual({
      name: 'webhook',
      containerPort: 8443,
      protocol: 'TCP',
    });
    expect(service).toContainEqual({ name: 'webhook', port: 8443, targetPort: 'webhook' });
    // The API server is rarely a pod a policy can select: any source, mutual TLS refusing others.
    expect(admits({ ip: '172.18.0.2' }, 8443)).toBe(true);
  });

  it('narrows the webhook port to networkPolicyFrom and takes the client CA from a Secret', async () => {
    const { pod, admits } = await render({
      'deception.kubernetes.webhook.enabled': 'true',
      'deception.kubernetes.webhook.tlsSecret': 'audit-webhook-tls',
      'deception.kubernetes.webhook.clientCa.secret': 'apiserver-client-ca',
      'deception.kubernetes.webhook.clientCa.key': 'bundle.pem',
      'deception.kubernetes.webhook.networkPolicyFrom[0].ipBlock.cidr': '172.18.0.2/32',
    });
    expect(pod.volumes.find((v) => v.name === 'webhook-client-ca')).toEqual({
      name: 'webhook-client-ca',
      secret: {
        secretName: 'apiserver-client-ca',
        defaultMode: 0o440, // 288, as the chart writes it (YAML 1.1 and 1.2 read it alike)
        items: [{ key: 'bundle.pem', path: 'bundle.pem' }],
      },
    });
    expect(admits({ ip: '172.18.0.2' }, 8443)).toBe(true);
    expect(admits({ ip: '172.18.0.3' }, 8443)).toBe(false);
    expect(admits(podIn('omega-decoys'), 8443)).toBe(false);
  });

  it('answers DNS canaries on UDP and TCP through a LoadBalancer Service on 53, from any resolver', async () => {
    const { env, container, dnsService, admits, pod } = await render(DNS);
    expect(env).toEqual({
      ...BASE_ENV,
      OMEGA_DECEPTION_DNS_ZONE: 'canary.example.com',
      OMEGA_DECEPTION_DNS_LISTEN: '0.0.0.0:5353',
      OMEGA_DECEPTION_DNS_QUERIES_PER_SECOND_PER_SOURCE: '20',
      OMEGA_DECEPTION_DNS_MAX_TCP_CONNECTIONS: '64',
    });
    expect(container.ports).toEqual(
      expect.arrayContaining([
        { name: 'dns-udp', containerPort: 5353, protocol: 'UDP' },
        { name: 'dns-tcp', containerPort: 5353, protocol: 'TCP' },
      ]),
    );
    expect(dnsService?.['spec']).toEqual({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      selector: DECEPTION_LABELS,
      ports: [
        { name: 'dns-udp', port: 53, targetPort: 'dns-udp', protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 'dns-tcp', protocol: 'TCP' },
      ],
    });
    expect(admits({ ip: '198.51.100.53' }, 5353, 'UDP')).toBe(true);
    expect(admits({ ip: '198.51.100.53' }, 5353, 'TCP')).toBe(true);
    expect(pod.securityContext.sysctls).toBeUndefined();
  });

  it('binds DNS on container port 53 through the pod sysctl, and takes the Service type and names', async () => {
    const { env, dnsService, pod } = await render({
      ...DNS,
      'deception.dns.port': '53',
      'deception.dns.nameServers': '{ns1.canary.example.com,ns2.canary.example.com}',
      'deception.dns.hostmaster': 'hostmaster.example.com',
      'deception.dns.service.type': 'ClusterIP',
    });
    expect(env).toMatchObject({
      OMEGA_DECEPTION_DNS_LISTEN: '0.0.0.0:53',
      OMEGA_DECEPTION_DNS_NAME_SERVERS: '["ns1.canary.example.com","ns2.canary.example.com"]',
      OMEGA_DECEPTION_DNS_HOSTMASTER: 'hostmaster.example.com',
    });
    expect(pod.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_unprivileged_port_start', value: '53' },
    ]);
    expect(dnsService?.['spec']).toMatchObject({ type: 'ClusterIP' });
    expect(dnsService?.['spec']).not.toHaveProperty('externalTrafficPolicy');
  });

  it('refuses decoy namespaces where the chart grants deception no Role', async () => {
    const result = await runTool(tools.helm, [
      'template',
      'omega',
      CHART_DIR,
      ...Object.entries(DECOYS).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      '--set',
      'deception.kubernetesDecoys.namespaces={omega-decoys,shop}',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /deception.kubernetesDecoys.namespaces: "shop" is not in deception.namespaces/,
    );
  });

  it('grants the same RBAC with every feature on as with none', async () => {
    const rbac = async (options: RenderOptions) =>
      parseObjects(await helmTemplate(tools, options))
        .filter((o) => RBAC_KINDS.includes(o.kind))
        .map((o) => JSON.stringify(o))
        .sort();
    const all = await rbac({ valuesFiles: [valueSets()['deception-all']!] });
    expect(all.length).toBeGreaterThan(0);
    expect(all).toEqual(await rbac({}));
  });

  it.each([
    ['deception.kubernetesDecoys.relayImage', DECOYS, /kubernetesDecoys\/relayImage': minLength/],
    ['deception.kubernetesDecoys.relaySources', DECOYS, /relaySources': minItems: got 0, want 1/],
    ['deception.kubernetes.webhook.tlsSecret', WEBHOOK, /webhook\/tlsSecret': minLength/],
    ['deception.kubernetes.webhook.clientCa.configMap', WEBHOOK, /clientCa': 'oneOf' failed/],
    ['deception.dns.zone', DNS, /dns\/zone': minLength/],
  ])('refuses the feature turned on without %s, naming it', async (missing, set, message) => {
    const result = await runTool(tools.helm, [
      'template',
      'omega',
      CHART_DIR,
      ...Object.entries(set)
        .filter(([k]) => k !== missing)
        .flatMap(([k, v]) => ['--set', `${k}=${v}`]),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
