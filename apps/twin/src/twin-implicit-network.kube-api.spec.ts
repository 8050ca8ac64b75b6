// Above reachabilityMaxPods the twin stores no NETWORK_REACH edges, yet its attack paths still take
// network steps: they are read from NetworkPolicy matrices at query time (ImplicitNetworkView).
// Checked against a real kube-apiserver: the paths equal those of a full rebuild that stores one
// edge per allowed pair, before and after a NetworkPolicy denies the step.
import {
  AttackGraph,
  findAttackPaths,
  reachabilityOf,
  type AttackPathResult,
} from '@omega/attack-graph';
import { GraphEdgeKind, type AttackPath } from '@omega/proto';
import { eventually, startKubeApiServer, withNats, type KubeApiServer } from '@omega/testkit';
import { ns } from './testing/shop-manifests';
import { KUBECTL_KINDS, TwinOnKube } from './testing/twin-kube-fixture';

jest.setTimeout(180_000);

const nats = withNats({ jetstream: true });
let server: KubeApiServer;
let twin: TwinOnKube;

const pod = (name: string, app: string, port: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app } },
  spec: {
    nodeName: 'n1',
    containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: port }] }],
  },
});

const QUERY = {
  sourceNodeIds: ['pod/shop/a'],
  targetNodeIds: ['pod/shop/c'],
  targetKinds: [],
  maxDepth: 0,
  maxPaths: 10,
  edgeKinds: [GraphEdgeKind.GRAPH_EDGE_KIND_NETWORK_ALLOWED],
};

const twinSummary = (paths: AttackPath[]) =>
  paths.map((p) => `${p.risk.toFixed(12)} ${p.edges.map((e) => e.id).join(' ')}`).sort();
const libSummary = (paths: AttackPathResult[]) =>
  paths.map((p) => `${p.risk.toFixed(12)} ${p.edges.map((e) => e.id).join(' ')}`).sort();

/** The same query on a full rebuild of what kubectl lists, one stored edge per allowed pair. */
async function rebuiltPaths(): Promise<string[]> {
  const list = JSON.parse(await twin.kubectlRun(['get', KUBECTL_KINDS, '-A', '-o', 'json'])) as {
    items: unknown[];
  };
  const reachability = reachabilityOf(AttackGraph.build(list.items).objects());
  const graph = AttackGraph.build(list.items, { reachability });
  return libSummary(
    findAttackPaths(graph, {
      sources: ['pod/shop/a'],
      targets: ['pod/shop/c'],
      maxPaths: 10,
      attacks: ['NETWORK_REACH'],
    }),
  );
}

beforeAll(async () => {
  server = await startKubeApiServer();
  twin = new TwinOnKube(server, nats.url);
  await twin.apply([
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    ns('shop'),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' } },
    pod('a', 'a', 8080),
    pod('b', 'b', 8080),
    pod('c', 'c', 5432),
  ]);
  // Three pods, more than the cap of 2: the twin stores no NETWORK_REACH edges.
  await twin.start({
    kubernetes: {
      kubeconfigPath: server.kubeconfigPath,
      initialBackoffMs: 100,
      maxBackoffMs: 400,
      requestTimeoutMs: 5_000,
      reachabilityMaxPods: 2,
    },
  });
}, 180_000);

nats.beforeStop(async () => {
  await twin?.close();
  await server?.stop();
});

describe('the twin above reachabilityMaxPods', () => {
  it('stores no network edge, yet finds the network paths a full rebuild finds', async () => {
    await eventually('the twin to list the three pods', async () =>
      (await twin.current()).nodes.some((n) => n.id === 'pod/shop/c') ? true : undefined,
    );
    const { edges } = await twin.current();
    expect(edges.filter((e) => e.id.includes(':NETWORK_REACH:'))).toEqual([]);
    const { paths } = await twin.client.findAttackPaths({ query: QUERY, snapshotId: '' });
    // Default allow: a → c directly, and a → b → c.
    expect(paths.map((p) => p.nodeIds)).toEqual([
      ['pod/shop/a', 'pod/shop/c'],
      ['pod/shop/a', 'pod/shop/b', 'pod/shop/c'],
    ]);
    expect(twinSummary(paths)).toEqual(await rebuiltPaths());
  });

  it('follows a NetworkPolicy change: only the path through b is left', async () => {
    await twin.apply([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'c-from-b', namespace: 'shop' },
        spec: {
          podSelector: { matchLabels: { app: 'c' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }] }],
        },
      },
    ]);
    await eventually('the policy to close a → c', async () => {
      const { paths } = await twin.client.findAttackPaths({ query: QUERY, snapshotId: '' });
      return paths.length === 1 ? paths : undefined;
    });
    const { paths } = await twin.client.findAttackPaths({ query: QUERY, snapshotId: '' });
    expect(paths.map((p) => p.nodeIds)).toEqual([['pod/shop/a', 'pod/shop/b', 'pod/shop/c']]);
    expect(twinSummary(paths)).toEqual(await rebuiltPaths());
  });
});
