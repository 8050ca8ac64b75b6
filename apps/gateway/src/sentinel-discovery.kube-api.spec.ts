// Sentinel discovery against a real kube-apiserver (libs/testkit) with charts/omega installed by
// helm: as the chart's omega-gateway service account, with exactly the RBAC the chart grants, the
// gateway's BackendPool maps a node named by `omega-node` to the IP of the sentinel pod on it (what
// a kubelet writes through the status subresource) and the sentinel port, follows changes, ignores
// pods that are not this release's sentinels, and refuses an unknown node with NOT_FOUND naming the
// known ones. Pods never run on the test server: their status is written as a kubelet would.
import * as grpc from '@grpc/grpc-js';
import { findKubeTools, helmTemplate, installChart, parseObjects } from '@omega/chart';
import { Code, OmegaError, createLogger } from '@omega/runtime';
import {
  eventually,
  loadKubernetesClient,
  startKubeApiServer,
  type KubeApiServer,
} from '@omega/testkit';
import { BackendPool, NODE_HEADER } from './backend-pool';
import { gatewayConfigSchema } from './gateway-config';
import { SentinelDiscovery, SentinelPods } from './sentinel-discovery';

const NS = 'omega';
const logger = createLogger({
  service: 'gateway',
  level: process.env['SPEC_LOG'] === '1' ? 'debug' : 'silent',
});
let server: KubeApiServer;
let core: InstanceType<Awaited<ReturnType<typeof loadKubernetesClient>>['CoreV1Api']>;
/** The gateway's OMEGA_GATEWAY_SENTINEL_* settings as the chart renders them. */
let chartEnv: Record<string, string>;
let gatewayKubeconfig: string;
let pool: BackendPool;

const SENTINEL_LABELS = {
  'app.kubernetes.io/name': 'omega',
  'app.kubernetes.io/instance': 'omega',
  'app.kubernetes.io/component': 'sentinel',
};

/** A sentinel pod on `node` as the DaemonSet would make it, with the status a kubelet writes. */
async function createSentinelPod(
  name: string,
  node: string,
  podIP: string | undefined,
  { namespace = NS, labels = SENTINEL_LABELS } = {},
): Promise<void> {
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        nodeName: node,
        hostNetwork: true,
        serviceAccountName: 'omega-sentinel',
        containers: [{ name: 'sentinel', image: 'omega-sentinel' }],
      },
    },
  });
  if (podIP !== undefined) await setPodIP(name, podIP, namespace);
}

async function setPodIP(name: string, podIP: string, namespace = NS): Promise<void> {
  const pod = await core.readNamespacedPod({ name, namespace });
  pod.status = { phase: 'Running', podIP, podIPs: [{ ip: podIP }], hostIP: podIP };
  await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}

function sentinelCall(node: string): string {
  const metadata = new grpc.Metadata();
  metadata.set(NODE_HEADER, node);
  return pool.target('sentinel', '/omega.v1.SentinelService/GetStatus', metadata).address;
}

function refusal(node: string): OmegaError | undefined {
  try {
    sentinelCall(node);
    return undefined;
  } catch (err) {
    return err as OmegaError;
  }
}

beforeAll(async () => {
  server = await startKubeApiServer();
  const k8s = await loadKubernetesClient();
  core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const tools = findKubeTools();
  await installChart(tools, server.kubeconfigPath, { namespace: NS });
  await core.createNamespace({ body: { metadata: { name: 'elsewhere' } } });
  await core.createNamespacedServiceAccount({
    namespace: 'elsewhere',
    body: { metadata: { name: 'omega-sentinel' } },
  });
  const gateway = parseObjects(await helmTemplate(tools, { namespace: NS })).find(
    (o) => o.kind === 'Deployment' && o.metadata.name === 'omega-gateway',
  );
  const containers = (
    gateway?.['spec'] as {
      template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
    }
  ).template.spec.containers;
  chartEnv = Object.fromEntries(
    (containers[0]?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])),
  );
  gatewayKubeconfig = (await server.serviceAccountAccess(NS, 'omega-gateway')).kubeconfigPath;

  await createSentinelPod('omega-sentinel-aaaaa', 'node-a', '10.0.0.1');
  await createSentinelPod('omega-sentinel-bbbbb', 'node-b', '10.0.0.2');
  // Not yet given an IP by its kubelet; another release's; not a sentinel; another namespace.
  await createSentinelPod('omega-sentinel-ccccc', 'node-c', undefined);
  await createSentinelPod('other-sentinel-ddddd', 'node-d', '10.0.0.4', {
    labels: { ...SENTINEL_LABELS, 'app.kubernetes.io/instance': 'other' },
  });
  await createSentinelPod('omega-twin-eeeee', 'node-e', '10.0.0.5', {
    labels: { ...SENTINEL_LABELS, 'app.kubernetes.io/component': 'twin' },
  });
  await createSentinelPod('omega-sentinel-fffff', 'node-f', '10.0.0.6', {
    namespace: 'elsewhere',
  });

  // The pool as the chart configures it; the in-cluster credential localised to a kubeconfig of
  // the same service account (the pod's own mount does not exist here).
  const config = gatewayConfigSchema.parse({
    sentinelNode: 'node-a',
    sentinelDiscovery: chartEnv['OMEGA_GATEWAY_SENTINEL_DISCOVERY'],
    sentinelNamespace: chartEnv['OMEGA_GATEWAY_SENTINEL_NAMESPACE'],
    sentinelSelector: chartEnv['OMEGA_GATEWAY_SENTINEL_SELECTOR'],
    sentinelPort: Number(chartEnv['OMEGA_GATEWAY_SENTINEL_PORT']),
    sentinelKubeconfig: gatewayKubeconfig,
  });
  pool = new BackendPool(config, () => grpc.credentials.createInsecure(), logger);
  await pool.discovery?.listed;
}, 120_000);

afterAll(async () => {
  pool?.close();
  await server?.stop();
});

describe('sentinel discovery from the chart-installed API server', () => {
  it('is what the chart configures the gateway with', () => {
    expect(chartEnv).toMatchObject({
      OMEGA_GATEWAY_SENTINEL_DISCOVERY: 'kubernetes',
      OMEGA_GATEWAY_SENTINEL_NAMESPACE: NS,
      OMEGA_GATEWAY_SENTINEL_PORT: '50057',
    });
    expect(pool.discovery).toBeDefined();
  });

  it("routes a node's SentinelService call to its sentinel pod's IP and the sentinel port", () => {
    expect(sentinelCall('node-a')).toBe('10.0.0.1:50057');
    expect(sentinelCall('node-b')).toBe('10.0.0.2:50057');
    // Without the header: the gateway's own node.
    const target = pool.target(
      'sentinel',
      '/omega.v1.SentinelService/GetStatus',
      new grpc.Metadata(),
    );
    expect(target).toMatchObject({ name: 'sentinel node-a', address: '10.0.0.1:50057' });
  });

  it('refuses an unknown node with NOT_FOUND naming the nodes it knows', () => {
    const err = refusal('node-z');
    expect(err).toBeInstanceOf(OmegaError);
    expect(err?.code).toBe(Code.NotFound);
    expect(err?.message).toMatch(
      /node 'node-z', for which the gateway has no sentinel address \(known: node-a, node-b; no sentinel pod \(app\.kubernetes\.io\/component=sentinel,app\.kubernetes\.io\/instance=omega,app\.kubernetes\.io\/name=omega\) with an IP runs on it\)/,
    );
  });

  it("ignores pods without an IP yet, other releases' sentinels, other components and namespaces", () => {
    for (const node of ['node-c', 'node-d', 'node-e', 'node-f']) {
      expect([node, refusal(node)?.code]).toEqual([node, Code.NotFound]);
    }
  });

  it('follows changes: a new IP, a pod given its IP, a pod deleted, a pod replaced', async () => {
    await setPodIP('omega-sentinel-bbbbb', '10.0.1.2');
    await eventually('node-b at its new address', () =>
      refusal('node-b') === undefined && sentinelCall('node-b') === '10.0.1.2:50057'
        ? true
        : undefined,
    );
    await setPodIP('omega-sentinel-ccccc', '10.0.0.3');
    await eventually('node-c found', () => (refusal('node-c') === undefined ? true : undefined));
    expect(sentinelCall('node-c')).toBe('10.0.0.3:50057');

    await core.deleteNamespacedPod({
      name: 'omega-sentinel-aaaaa',
      namespace: NS,
      gracePeriodSeconds: 0,
    });
    await eventually('node-a gone', () => refusal('node-a'));
    expect(refusal('node-a')?.message).toMatch(/known: node-b, node-c;/);

    // The DaemonSet's replacement on node-a, on the node's new address.
    await createSentinelPod('omega-sentinel-ggggg', 'node-a', '10.0.2.1');
    await eventually('node-a back', () => (refusal('node-a') === undefined ? true : undefined));
    expect(sentinelCall('node-a')).toBe('10.0.2.1:50057');
  });

  it('lists the discovered sentinels for GetServerInfo', () => {
    const sentinels = pool
      .known()
      .filter(({ backend }) => backend === 'sentinel')
      .map(({ target }) => [target.name, target.address]);
    expect(sentinels).toEqual([
      ['sentinel node-a', '10.0.2.1:50057'],
      ['sentinel node-b', '10.0.1.2:50057'],
      ['sentinel node-c', '10.0.0.3:50057'],
    ]);
  });

  it('is refused, and says so, as a service account the chart grants nothing', async () => {
    const asTest = await server.serviceAccountAccess(NS, 'omega-test');
    const lines: string[] = [];
    const discovery = new SentinelDiscovery({
      namespace: NS,
      labelSelector: 'app.kubernetes.io/component=sentinel',
      port: 50057,
      logger: createLogger({
        service: 'gateway',
        destination: { write: (l: string) => lines.push(l) },
      }),
      kubeconfig: asTest.kubeconfigPath,
      restartDelayMs: 60_000,
    });
    try {
      await expect(
        Promise.race([
          discovery.listed,
          new Promise((resolve) => setTimeout(() => resolve('still listing'), 3_000)),
        ]),
      ).resolves.toBe('still listing');
      expect(discovery.pods.nodes()).toEqual([]);
      expect(lines.join('')).toMatch(
        /sentinel discovery: listing or watching pods app.kubernetes.io\/component=sentinel in omega failed, again in 60000 ms: .*pods is forbidden: User .*system:serviceaccount:omega:omega-test/,
      );
    } finally {
      await discovery.stop();
    }
  });
});

describe('SentinelPods', () => {
  it('resolves two pods on one node (a rollout) to the newer, and IPv6 in brackets', () => {
    const pods = new SentinelPods(50057);
    const pod = (uid: string, ip: string, created: string) => ({
      metadata: { uid, creationTimestamp: created },
      spec: { nodeName: 'n' },
      status: { phase: 'Running', podIP: ip },
    });
    pods.upsert(pod('old', '10.0.0.1', '2026-01-01T00:00:00Z'));
    pods.upsert(pod('new', 'fd00::1', '2026-01-02T00:00:00Z'));
    expect(pods.address('n')).toBe('[fd00::1]:50057');
    pods.upsert({ ...pod('new', 'fd00::1', '2026-01-02T00:00:00Z'), status: { phase: 'Failed' } });
    expect(pods.address('n')).toBe('10.0.0.1:50057');
    pods.remove(pod('old', '', ''));
    expect([pods.address('n'), pods.nodes()]).toEqual([undefined, []]);
  });
});
