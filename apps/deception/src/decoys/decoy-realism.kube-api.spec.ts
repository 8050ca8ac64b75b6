// Can a decoy be told from its neighbours by someone who may only get and list in the namespace?
// A service account bound to a Role of get/list on Deployments, Services and NetworkPolicies reads
// the namespace with kubectl; the decoy (deployed with no name, so the name is derived) must carry
// the same label keys, annotation keys, name pattern, port shape and writer as the fixture
// workloads of testing/decoy-neighbours.ts, and nothing that says what it is.
import { findKubeTools, installChart, runToolOk } from '@omega/chart';
import { connectBus, provision, type Bus } from '@omega/bus';
import { DecoyKind, DecoySpec } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import {
  loadKubernetesClient,
  startKubeApiServer,
  withNats,
  type KubeApiServer,
} from '@omega/testkit';
import {
  NEIGHBOURS,
  NEIGHBOUR_NAME_PATTERN,
  NS,
  createNeighbours,
  relay,
} from '../testing/decoy-neighbours';
import { DECOYS_BUCKET } from './decoy-host';
import { DecoyObjects } from './decoy-objects';
import { KubeDecoys } from './kube-decoys';

interface Listed {
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: Array<{ manager: string; operation: string }>;
    ownerReferences?: unknown[];
  };
  spec: {
    type?: string;
    ports?: Array<{ name?: string; port: number; protocol: string; targetPort: number | string }>;
    template?: {
      spec: { containers: Array<{ ports?: Array<{ name?: string; protocol: string }> }> };
    };
  };
}

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'deception', level: 'silent' });
let server: KubeApiServer;
let bus: Bus;
let listed: Listed[];
let decoyName: string;

beforeAll(async () => {
  const k8s = await loadKubernetesClient();
  const tools = findKubeTools();
  server = await startKubeApiServer();
  await installChart(tools, server.kubeconfigPath, {
    namespace: 'omega',
    set: { 'deception.namespaces': `{${NS}}` },
  });
  await createNeighbours(k8s, server.kubeConfig);
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const rbac = server.kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({
    namespace: NS,
    body: { metadata: { name: 'auditor' } },
  });
  await rbac.createNamespacedRole({
    namespace: NS,
    body: {
      metadata: { name: 'read-workloads' },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
        {
          apiGroups: ['networking.k8s.io'],
          resources: ['networkpolicies'],
          verbs: ['get', 'list'],
        },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: NS,
    body: {
      metadata: { name: 'auditor' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-workloads' },
      subjects: [{ kind: 'ServiceAccount', name: 'auditor', namespace: NS }],
    },
  });

  bus = await connectBus({ servers: nats.url, name: 'decoy-realism-spec', logger });
  await provision(bus, { kv: [DECOYS_BUCKET] });
  const access = await server.serviceAccountAccess('omega', 'omega-deception');
  const decoys = new KubeDecoys({
    kv: await bus.kv(DECOYS_BUCKET),
    objects: await DecoyObjects.open({
      kubeConfig: access.kubeConfig,
      listLimit: 100,
      requestTimeoutMs: 10_000,
    }),
    relay,
    namespaces: [NS],
    kinds: new Set([DecoyKind.DECOY_KIND_REDIS]),
    maxDecoys: 10,
    logger,
  });
  const spec = DecoySpec.fromPartial({
    kind: DecoyKind.DECOY_KIND_REDIS,
    namespace: NS,
    port: 6379,
  });
  decoyName = (await decoys.deploy(spec, 'DeployDecoy', false)).decoy.spec!.name;

  const auditor = await server.serviceAccountAccess(NS, 'auditor');
  const out = await runToolOk(tools.kubectl, [
    '--kubeconfig',
    auditor.kubeconfigPath,
    '-n',
    NS,
    'get',
    'deployments,services,networkpolicies',
    '-o',
    'json',
  ]);
  listed = (JSON.parse(out) as { items: Listed[] }).items;
}, 240_000);

nats.beforeStop(async () => {
  await bus?.drain();
  await server?.stop();
});

const keys = (map: Record<string, string> | undefined) => Object.keys(map ?? {}).sort();
const neighbourNames: string[] = NEIGHBOURS.map((n) => n.name);

function split(kind: string): { decoy: Listed; neighbours: Listed[] } {
  const ofKind = listed.filter((o) => o.kind === kind);
  const decoy = ofKind.find((o) => o.metadata.name === decoyName);
  if (decoy === undefined) throw new Error(`the auditor sees no ${kind} ${decoyName}`);
  // Nothing else in the namespace: every other object is a fixture.
  expect(
    ofKind
      .map((o) => o.metadata.name)
      .filter((n) => n !== decoyName)
      .sort(),
  ).toEqual([...neighbourNames].sort());
  return { decoy, neighbours: ofKind.filter((o) => o.metadata.name !== decoyName) };
}

describe.each(['Deployment', 'Service', 'NetworkPolicy'])(
  'a decoy %s, as a get/list-only reader sees it',
  (kind) => {
    it('follows the neighbours’ name pattern', () => {
      const { decoy, neighbours } = split(kind);
      for (const n of neighbours) expect(n.metadata.name).toMatch(NEIGHBOUR_NAME_PATTERN);
      expect(decoy.metadata.name).toMatch(NEIGHBOUR_NAME_PATTERN);
    });

    it('carries exactly the label keys and annotation keys each neighbour carries', () => {
      const { decoy, neighbours } = split(kind);
      for (const n of neighbours) {
        expect(keys(decoy.metadata.labels)).toEqual(keys(n.metadata.labels));
        expect(keys(decoy.metadata.annotations)).toEqual(keys(n.metadata.annotations));
      }
    });

    it('was written by the same field manager, and is owned by nothing', () => {
      const { decoy, neighbours } = split(kind);
      const writers = (o: Listed) =>
        (o.metadata.managedFields ?? []).map((f) => `${f.manager}/${f.operation}`);
      for (const n of neighbours) expect(writers(decoy)).toEqual(writers(n));
      expect(decoy.metadata.ownerReferences).toBeUndefined();
    });

    it('says nothing of what it is anywhere the reader can see', () => {
      const { decoy } = split(kind);
      expect(JSON.stringify(decoy)).not.toMatch(/honeypot|decoy|omega|deception|canary/i);
    });
  },
);

describe('ports', () => {
  const shape = (o: Listed) => ({
    type: o.spec.type,
    ports: (o.spec.ports ?? []).map((p) => ({
      named: typeof p.name === 'string',
      protocol: p.protocol,
      targetPort: typeof p.targetPort,
    })),
  });

  it('a decoy Service has the shape of every neighbour Service, and the name its port’s neighbour uses', () => {
    const { decoy, neighbours } = split('Service');
    for (const n of neighbours) expect(shape(decoy)).toEqual(shape(n));
    const sameNumber = neighbours.find((n) => n.spec.ports?.[0]?.port === 6379);
    expect(decoy.spec.ports?.[0]?.name).toBe(sameNumber?.spec.ports?.[0]?.name);
  });

  it('a decoy Deployment’s container ports have the shape of the neighbours’', () => {
    const { decoy, neighbours } = split('Deployment');
    const ports = (o: Listed) =>
      o.spec.template?.spec.containers.map((c) =>
        (c.ports ?? []).map((p) => ({ named: typeof p.name, protocol: p.protocol })),
      );
    for (const n of neighbours) expect(ports(decoy)).toEqual(ports(n));
  });
});
