// The manifests of a decoy take the shape of the namespace's workloads, written here by hand as a
// team's Helm chart would make them: the naming pattern, the shared label keys with the decoy's own
// values, the port naming, the resource and security shapes; nothing names what the objects are.
import type { V1Deployment, V1Service } from '@kubernetes/client-node' with {
  'resolution-mode': 'import',
};
import { DecoyKind, DecoySpec } from '@omega/proto';
import { decoyManifests, type DecoyRelay } from './decoy-manifests';

const relay: DecoyRelay = {
  image: 'registry.example.com/platform/tcp-proxy:1.4.2',
  command: [],
  upstream: '10.96.0.40:7000',
  egressPeer: { ipBlock: { cidr: '10.244.3.0/24' } },
  dns: false,
};

/** A workload as a Helm chart writes it: part-of, team, tier, name and instance labels. */
function workload(name: string, port: number, tier: string): { d: V1Deployment; s: V1Service } {
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/part-of': 'shop',
    team: 'checkout',
    tier,
  };
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  return {
    d: {
      metadata: {
        name,
        namespace: 'shop',
        labels,
        annotations: { 'owner.example.com/slack': '#checkout' },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            imagePullSecrets: [{ name: 'regcred' }],
            containers: [
              {
                name,
                image: `registry.example.com/shop/${name}:2.3.1`,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'tcp-app', containerPort: port }],
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { memory: '256Mi' },
                },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
              },
            ],
          },
        },
      },
    },
    s: {
      metadata: { name, namespace: 'shop', labels },
      spec: { selector, ports: [{ name: 'tcp-app', port, targetPort: 'tcp-app' }] },
    },
  };
}

const fixtures = [
  workload('shop-cart-api', 8080, 'backend'),
  workload('shop-orders-api', 8080, 'backend'),
  workload('shop-redis-api', 6379, 'data'),
];
const deployments = fixtures.map((f) => f.d);
const services = fixtures.map((f) => f.s);

const spec = (partial: Partial<DecoySpec>): DecoySpec =>
  DecoySpec.fromPartial({
    kind: DecoyKind.DECOY_KIND_REDIS,
    namespace: 'shop',
    port: 6379,
    ...partial,
  });

describe('decoy manifests', () => {
  it('names the decoy after the namespace pattern and copies the shared label keys with its own values', () => {
    const m = decoyManifests({
      spec: spec({}),
      route: '0a1b2c3d4e5f',
      deployments,
      services,
      relay,
    });
    expect(m.name).toBe('shop-cache-api');
    const labels = {
      'app.kubernetes.io/name': 'shop-cache-api',
      'app.kubernetes.io/instance': 'shop-cache-api',
      'app.kubernetes.io/part-of': 'shop',
      team: 'checkout',
      tier: 'backend',
    };
    expect(m.deployment.metadata?.labels).toEqual(labels);
    expect(m.service.metadata?.labels).toEqual(labels);
    expect(m.deployment.metadata?.annotations).toEqual({ 'owner.example.com/slack': '#checkout' });
    expect(m.deployment.spec?.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'shop-cache-api',
      'app.kubernetes.io/instance': 'shop-cache-api',
    });
    expect(m.service.spec?.selector).toEqual(m.deployment.spec?.selector.matchLabels);
    expect(m.networkPolicy.spec?.podSelector?.matchLabels).toEqual(
      m.deployment.spec?.selector.matchLabels,
    );
  });

  it('copies port naming, replicas, resources and security shapes from the workload on the same port', () => {
    const m = decoyManifests({
      spec: spec({}),
      route: '0a1b2c3d4e5f',
      deployments,
      services,
      relay,
    });
    expect(m.service.spec?.ports).toEqual([
      { name: 'tcp-app', port: 6379, protocol: 'TCP', targetPort: 'tcp-app' },
    ]);
    const pod = m.deployment.spec?.template.spec;
    const container = pod?.containers[0];
    expect(m.deployment.spec?.replicas).toBe(2);
    expect(container?.name).toBe('shop-cache-api');
    expect(container?.ports).toEqual([{ name: 'tcp-app', containerPort: 6379, protocol: 'TCP' }]);
    expect(container?.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    });
    expect(container?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(container?.imagePullPolicy).toBe('IfNotPresent');
    expect(pod?.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001 });
    expect(pod?.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('gives the pod no credential and no environment', () => {
    const m = decoyManifests({
      spec: spec({}),
      route: '0a1b2c3d4e5f',
      deployments,
      services,
      relay,
    });
    const pod = m.deployment.spec?.template.spec;
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.volumes).toBeUndefined();
    expect(pod?.containers[0]?.env).toBeUndefined();
    expect(pod?.containers[0]?.envFrom).toBeUndefined();
  });

  it('lets in the decoy port only and lets out only to the relay peer on its port', () => {
    const m = decoyManifests({
      spec: spec({}),
      route: '0a1b2c3d4e5f',
      deployments,
      services,
      relay,
    });
    expect(m.networkPolicy.spec).toEqual({
      podSelector: { matchLabels: m.deployment.spec?.selector.matchLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: 6379 }] }],
      egress: [
        { to: [{ ipBlock: { cidr: '10.244.3.0/24' } }], ports: [{ protocol: 'TCP', port: 7000 }] },
      ],
    });
    const withDns = decoyManifests({
      spec: spec({}),
      route: '0a1b2c3d4e5f',
      deployments,
      services,
      relay: { ...relay, upstream: 'edge.platform.svc:7000', dns: true },
    });
    expect(withDns.networkPolicy.spec?.egress?.[1]?.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
  });

  it('says nothing of what it is in any name, label, annotation or argument', () => {
    const m = decoyManifests({
      spec: spec({}),
      route: '0a1b2c3d4e5f',
      deployments,
      services,
      relay,
    });
    expect(JSON.stringify(m)).not.toMatch(/honeypot|decoy|omega|deception|canary|trap/i);
  });

  it('keeps a given name and the spec labels, and never takes a name a workload has', () => {
    const named = decoyManifests({
      spec: spec({ name: 'sessions', labels: { tier: 'data' } }),
      route: '0a1b2c3d4e5f',
      deployments,
      services,
      relay,
    });
    expect(named.name).toBe('sessions');
    expect(named.deployment.metadata?.labels?.['tier']).toBe('data');
    const crowded = [
      ...deployments,
      workload('shop-cache-api', 6379, 'data').d,
      workload('shop-redis-api', 1, 'x').d,
    ];
    const derived = decoyManifests({
      spec: spec({}),
      route: '0a1b2c3d4e5f',
      deployments: crowded,
      services,
      relay,
    });
    expect(derived.name).toBe('shop-sessions-api');
  });

  it('in an empty namespace still makes a complete, plain set of objects', () => {
    const m = decoyManifests({
      spec: spec({ kind: DecoyKind.DECOY_KIND_POSTGRES, port: 5432 }),
      route: 'ab',
      deployments: [],
      services: [],
      relay,
    });
    expect(m.name).toBe('db');
    expect(m.deployment.spec?.selector.matchLabels).toEqual({ app: 'db' });
    expect(m.deployment.spec?.template.metadata?.labels).toEqual({ app: 'db' });
    expect(m.service.spec?.ports).toEqual([{ port: 5432, protocol: 'TCP', targetPort: 5432 }]);
  });
});
