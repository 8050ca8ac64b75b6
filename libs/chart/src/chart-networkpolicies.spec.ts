// Who reaches which of Omega's ports under the NetworkPolicies charts/omega renders, evaluated from
// the rendered objects (network-policy-ingress.ts) against a table written by hand: NATS's client
// port and trust's gRPC and tlog ports admit Omega's own pods (and, when set, the nodes' ranges
// that host-network sentinels come from), never another pod of the namespace, an impostor with
// Omega's labels elsewhere, or an outside address.
import {
  admitsIngress,
  findKubeTools,
  helmTemplate,
  parseObjects,
  valueSets,
  type KubeObject,
  type Source,
  type TargetPod,
} from './index';

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: { ports?: { name: string; containerPort: number }[] }[] };
}

const omegaLabels = (component: string) => ({
  'app.kubernetes.io/name': 'omega',
  'app.kubernetes.io/instance': 'omega',
  'app.kubernetes.io/component': component,
});

/** The connecting parties, by name. */
const SOURCES: Record<string, Source> = {
  'omega intelligence pod': {
    pod: { namespace: 'omega', labels: omegaLabels('intelligence'), namespaceLabels: {} },
  },
  'omega gateway pod': {
    pod: { namespace: 'omega', labels: omegaLabels('gateway'), namespaceLabels: {} },
  },
  'omega nats pod': {
    pod: { namespace: 'omega', labels: omegaLabels('nats'), namespaceLabels: {} },
  },
  'other pod in omega namespace': {
    pod: { namespace: 'omega', labels: { app: 'web' }, namespaceLabels: {} },
  },
  'impostor with omega labels in namespace shop': {
    pod: { namespace: 'shop', labels: omegaLabels('intelligence'), namespaceLabels: {} },
  },
  'gateway client namespace pod': {
    pod: {
      namespace: 'apps',
      labels: { app: 'client' },
      namespaceLabels: { 'omega.dev/gateway-clients': 'true' },
    },
  },
  'ingress-nginx controller pod': {
    pod: {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
      namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    },
  },
  'other pod in ingress-nginx namespace': {
    pod: {
      namespace: 'ingress-nginx',
      labels: { app: 'default-backend' },
      namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    },
  },
  'omega helm test pod': {
    pod: { namespace: 'omega', labels: omegaLabels('test'), namespaceLabels: {} },
  },
  'monitoring pod': {
    pod: {
      namespace: 'monitoring',
      labels: { app: 'prometheus' },
      namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
    },
  },
  'node 10.0.0.5 (host-network sentinel)': { ip: '10.0.0.5' },
  'outside address 192.168.7.7': { ip: '192.168.7.7' },
};

type Row = [target: string, port: number, source: keyof typeof SOURCES, admitted: boolean];

const DEFAULT: Row[] = [
  ['nats', 4222, 'omega intelligence pod', true],
  ['nats', 4222, 'omega gateway pod', true],
  ['nats', 4222, 'other pod in omega namespace', false],
  ['nats', 4222, 'impostor with omega labels in namespace shop', false],
  ['nats', 4222, 'node 10.0.0.5 (host-network sentinel)', false],
  ['nats', 4222, 'outside address 192.168.7.7', false],
  ['nats', 6222, 'omega nats pod', true],
  ['nats', 6222, 'omega intelligence pod', false],
  ['trust', 50052, 'omega intelligence pod', true],
  ['trust', 50052, 'other pod in omega namespace', false],
  ['trust', 50052, 'impostor with omega labels in namespace shop', false],
  ['trust', 50052, 'node 10.0.0.5 (host-network sentinel)', false],
  ['trust', 8081, 'omega gateway pod', true],
  ['trust', 8081, 'other pod in omega namespace', false],
  ['trust', 8081, 'outside address 192.168.7.7', false],
  ['intelligence', 50053, 'omega gateway pod', true],
  ['intelligence', 50053, 'other pod in omega namespace', false],
  ['gateway', 50051, 'other pod in omega namespace', true],
  ['gateway', 50051, 'outside address 192.168.7.7', true],
  ['intelligence', 9466, 'other pod in omega namespace', true],
];

const LOCKED_DOWN: Row[] = [
  ['nats', 4222, 'omega intelligence pod', true],
  ['nats', 4222, 'node 10.0.0.5 (host-network sentinel)', true],
  ['nats', 4222, 'outside address 192.168.7.7', false],
  ['nats', 4222, 'other pod in omega namespace', false],
  ['trust', 50052, 'node 10.0.0.5 (host-network sentinel)', true],
  ['trust', 50052, 'outside address 192.168.7.7', false],
  ['trust', 50052, 'impostor with omega labels in namespace shop', false],
  ['trust', 8081, 'node 10.0.0.5 (host-network sentinel)', true],
  ['trust', 8081, 'other pod in omega namespace', false],
  ['gateway', 50051, 'gateway client namespace pod', true],
  ['gateway', 50051, 'other pod in omega namespace', false],
  // Narrowed by gatewayFrom, the gateway still admits its Ingress's controller and `helm test`.
  ['gateway', 50051, 'ingress-nginx controller pod', true],
  ['gateway', 50051, 'other pod in ingress-nginx namespace', false],
  ['gateway', 50051, 'omega helm test pod', true],
  ['gateway', 50051, 'impostor with omega labels in namespace shop', false],
  ['gateway', 50051, 'outside address 192.168.7.7', false],
  ['intelligence', 9466, 'monitoring pod', true],
  ['intelligence', 9466, 'other pod in omega namespace', false],
];

describe.each([
  ['default', [] as string[], DEFAULT],
  ['locked-down', [valueSets()['locked-down'] as string], LOCKED_DOWN],
])('NetworkPolicies of charts/omega with %s values', (_name, valuesFiles, rows) => {
  let objects: KubeObject[];
  beforeAll(async () => {
    objects = parseObjects(await helmTemplate(findKubeTools(), { valuesFiles }));
  });

  function target(component: string): TargetPod {
    const workload = objects.find(
      (o) =>
        ['Deployment', 'StatefulSet'].includes(o.kind) &&
        o.metadata.labels?.['app.kubernetes.io/component'] === component,
    );
    if (!workload) throw new Error(`no Deployment or StatefulSet for ${component} rendered`);
    const template = (workload['spec'] as { template: PodTemplate }).template;
    const namedPorts: Record<string, number> = {};
    for (const c of template.spec.containers) {
      for (const p of c.ports ?? []) namedPorts[p.name] = p.containerPort;
    }
    return { namespace: 'omega', labels: template.metadata.labels, namedPorts };
  }

  it.each(rows)('%s port %d, from %s: admitted %s', (component, port, source, admitted) => {
    const pod = target(component);
    expect(Object.values(pod.namedPorts)).toContain(port);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(admitsIngress(policies, pod, SOURCES[source] as Source, port)).toBe(admitted);
  });
});
