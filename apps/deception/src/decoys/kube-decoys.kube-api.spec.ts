// Kubernetes decoys on a real kube-apiserver where charts/omega was installed with helm, acting as
// the service account omega-deception with exactly the RBAC the chart grants it: DeployDecoy makes
// a NetworkPolicy, a Service and a Deployment; dry_run makes nothing; RemoveDecoy deletes them; the
// reconcile loop deletes an orphan's and an expired decoy's objects, makes a deleted Service again
// and marks a decoy FAILED naming the Kubernetes error. Bad specs are INVALID_ARGUMENT naming the field.
import { findKubeTools, installChart } from '@omega/chart';
import { connectBus, provision, type Bus, type KV } from '@omega/bus';
import { DecoyKind, DecoySpec, DecoyStatus } from '@omega/proto';
import { Code, createLogger } from '@omega/runtime';
import {
  loadKubernetesClient,
  startKubeApiServer,
  withNats,
  type KubeApiServer,
  type KubernetesClient,
} from '@omega/testkit';
import { DECOYS_BUCKET } from './decoy-host';
import { DecoyObjects } from './decoy-objects';
import { DecoyReconciler } from './decoy-reconcile';
import { KubeDecoys } from './kube-decoys';
import { NS, createNeighbours, relay } from '../testing/decoy-neighbours';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'deception', level: 'silent' });
let k8s: KubernetesClient;
let server: KubeApiServer;
let bus: Bus;
let kv: KV;
let asDeception: DecoyObjects;

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  server = await startKubeApiServer();
  await installChart(findKubeTools(), server.kubeconfigPath, {
    namespace: 'omega',
    set: { 'deception.namespaces': `{${NS}}` },
  });
  await createNeighbours(k8s, server.kubeConfig);
  const access = await server.serviceAccountAccess('omega', 'omega-deception');
  asDeception = await DecoyObjects.open({
    kubeConfig: access.kubeConfig,
    listLimit: 100,
    requestTimeoutMs: 10_000,
  });
  bus = await connectBus({ servers: nats.url, name: 'kube-decoys-spec', logger });
  await provision(bus, { kv: [DECOYS_BUCKET] });
  kv = await bus.kv(DECOYS_BUCKET);
}, 240_000);

nats.beforeStop(async () => {
  await bus?.drain();
  await server?.stop();
});

function decoys(objects = asDeception, clock?: () => number): KubeDecoys {
  return new KubeDecoys({
    kv,
    objects,
    relay,
    namespaces: [NS],
    kinds: new Set([DecoyKind.DECOY_KIND_REDIS, DecoyKind.DECOY_KIND_POSTGRES]),
    maxDecoys: 100,
    logger,
    ...(clock ? { clock } : {}),
  });
}

const spec = (partial: Partial<DecoySpec> = {}): DecoySpec =>
  DecoySpec.fromPartial({
    kind: DecoyKind.DECOY_KIND_REDIS,
    namespace: NS,
    port: 6379,
    ...partial,
  });

/** Which of the three objects named `name` exist, read as the cluster admin. */
async function objectsNamed(name: string): Promise<string[]> {
  const kc = server.kubeConfig;
  const present: string[] = [];
  const probes: Array<[string, () => Promise<unknown>]> = [
    [
      'NetworkPolicy',
      () =>
        kc.makeApiClient(k8s.NetworkingV1Api).readNamespacedNetworkPolicy({ namespace: NS, name }),
    ],
    [
      'Service',
      () => kc.makeApiClient(k8s.CoreV1Api).readNamespacedService({ namespace: NS, name }),
    ],
    [
      'Deployment',
      () => kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ namespace: NS, name }),
    ],
  ];
  for (const [kind, read] of probes) {
    if (
      await read().then(
        () => true,
        () => false,
      )
    )
      present.push(kind);
  }
  return present;
}

describe('decoys in Kubernetes', () => {
  it('deploys a NetworkPolicy, a Service and a Deployment, records it, and removes all three', async () => {
    const host = decoys();
    const { decoy, manifestsYaml } = await host.deploy(
      spec({ name: 'sessions-cache' }),
      'DeployDecoy',
      false,
    );
    expect(decoy).toMatchObject({
      status: DecoyStatus.DECOY_STATUS_RUNNING,
      address: `sessions-cache.${NS}.svc:6379`,
    });
    expect(await objectsNamed('sessions-cache')).toEqual([
      'NetworkPolicy',
      'Service',
      'Deployment',
    ]);
    expect(k8s.loadAllYaml(manifestsYaml).map((o: { kind: string }) => o.kind)).toEqual([
      'NetworkPolicy',
      'Service',
      'Deployment',
    ]);
    expect((await kv.get(decoy.id))?.operation).toBe('PUT');

    const removed = await host.remove(decoy.id, 'drill over', 'RemoveDecoy');
    expect(removed.status).toBe(DecoyStatus.DECOY_STATUS_REMOVED);
    expect(await objectsNamed('sessions-cache')).toEqual([]);
  });

  it('on dry_run answers the manifests and creates and stores nothing', async () => {
    const keysBefore = await countKeys();
    const { decoy, manifestsYaml } = await decoys().deploy(spec({}), 'DeployDecoy', true);
    expect(decoy.status).toBe(DecoyStatus.DECOY_STATUS_PENDING);
    const kinds = k8s
      .loadAllYaml(manifestsYaml)
      .map((o: { kind: string; metadata: { name: string } }) => [o.kind, o.metadata.name]);
    expect(kinds).toEqual([
      ['NetworkPolicy', decoy.spec?.name],
      ['Service', decoy.spec?.name],
      ['Deployment', decoy.spec?.name],
    ]);
    expect(await objectsNamed(decoy.spec!.name)).toEqual([]);
    expect(await countKeys()).toBe(keysBefore);
  });

  it('refuses malformed specs with INVALID_ARGUMENT naming the field, and a taken name', async () => {
    const host = decoys();
    const refused = (s: DecoySpec) => host.deploy(s, 'DeployDecoy', false);
    await expect(refused(spec({ namespace: 'kube-system' }))).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringMatching(/spec\.namespace: "kube-system" is not a decoy namespace/),
    });
    await expect(refused(spec({ name: 'Bad_Name' }))).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('spec.name'),
    });
    await expect(refused(spec({ port: 70000 }))).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('spec.port'),
    });
    await expect(refused(spec({ labels: { 'bad key!': 'x' } }))).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('spec.labels'),
    });
    await expect(refused(spec({ name: 'shop-cart-api' }))).rejects.toMatchObject({
      code: Code.AlreadyExists,
      message: expect.stringContaining('spec.name: "shop-cart-api" is taken'),
    });
  });

  it('reconcile deletes an orphan and an expired decoy, and makes a deleted Service and NetworkPolicy again', async () => {
    let nowMs = Date.now();
    const host = decoys(asDeception, () => nowMs);
    const orphan = (await host.deploy(spec({ name: 'orphan-cache' }), 'DeployDecoy', false)).decoy;
    const expiring = (
      await host.deploy(spec({ name: 'brief-cache', ttlSeconds: 60 }), 'DeployDecoy', false)
    ).decoy;
    const kept = (
      await host.deploy(
        spec({ name: 'kept-db', kind: DecoyKind.DECOY_KIND_POSTGRES, port: 5432 }),
        'DeployDecoy',
        false,
      )
    ).decoy;
    await kv.delete(orphan.id);
    await server.kubeConfig
      .makeApiClient(k8s.CoreV1Api)
      .deleteNamespacedService({ namespace: NS, name: 'kept-db' });
    await server.kubeConfig
      .makeApiClient(k8s.NetworkingV1Api)
      .deleteNamespacedNetworkPolicy({ namespace: NS, name: 'kept-db' });
    nowMs += 61_000;

    const report = await new DecoyReconciler(host).pass();
    expect(report.orphaned).toEqual([orphan.id]);
    expect(report.expired).toEqual([expiring.id]);
    expect(report.recreated).toEqual({ [kept.id]: ['NetworkPolicy', 'Service'] });
    expect(await objectsNamed('orphan-cache')).toEqual([]);
    expect(await objectsNamed('brief-cache')).toEqual([]);
    expect(await objectsNamed('kept-db')).toEqual(['NetworkPolicy', 'Service', 'Deployment']);
    expect(
      host.list({ namespace: NS, kind: 0, includeRemoved: true }).find((d) => d.id === expiring.id),
    ).toMatchObject({
      status: DecoyStatus.DECOY_STATUS_REMOVED,
      statusMessage: 'ttl_seconds passed',
    });

    // A restarted service reads the same decoys back from the bucket.
    const restarted = decoys();
    await restarted.restore();
    expect(
      restarted.list({ namespace: NS, kind: 0, includeRemoved: false }).map((d) => d.id),
    ).toContain(kept.id);
    await host.remove(kept.id, 'done', 'RemoveDecoy');
  });

  it('marks a decoy FAILED naming the Kubernetes error when its objects cannot be made, RUNNING once they can', async () => {
    const host = decoys();
    const decoy = (
      await host.deploy(
        spec({ name: 'ledger-db', kind: DecoyKind.DECOY_KIND_POSTGRES, port: 5432 }),
        'DeployDecoy',
        false,
      )
    ).decoy;
    await server.kubeConfig
      .makeApiClient(k8s.AppsV1Api)
      .deleteNamespacedDeployment({ namespace: NS, name: 'ledger-db' });
    // The same records, driven by an account the chart grants nothing.
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: NS,
      body: { metadata: { name: 'nobody' } },
    });
    const nobody = await server.serviceAccountAccess(NS, 'nobody');
    const denied = decoys(
      await DecoyObjects.open({
        kubeConfig: nobody.kubeConfig,
        listLimit: 10,
        requestTimeoutMs: 10_000,
      }),
    );
    const report = await new DecoyReconciler(denied).pass();
    expect(report.failed[decoy.id]).toMatch(/HTTP 403/);
    const failed = denied
      .list({ namespace: NS, kind: 0, includeRemoved: false })
      .find((d) => d.id === decoy.id);
    expect(failed?.status).toBe(DecoyStatus.DECOY_STATUS_FAILED);
    expect(failed?.statusMessage).toMatch(
      /^reconcile: Kubernetes: .*ledger-db: HTTP 403: .*forbidden/,
    );

    await new DecoyReconciler(decoys()).pass();
    const again = decoys();
    await again.restore();
    expect(
      again.list({ namespace: NS, kind: 0, includeRemoved: false }).find((d) => d.id === decoy.id)
        ?.status,
    ).toBe(DecoyStatus.DECOY_STATUS_RUNNING);
    expect(await objectsNamed('ledger-db')).toEqual(['NetworkPolicy', 'Service', 'Deployment']);
    await again.remove(decoy.id, 'done', 'RemoveDecoy');
  });

  it('refuses a deploy it cannot complete, leaving nothing, and reconcile does not make it later', async () => {
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    const rbac = server.kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
    await core.createNamespacedServiceAccount({
      namespace: NS,
      body: { metadata: { name: 'reader' } },
    });
    await rbac.createNamespacedRole({
      namespace: NS,
      body: {
        metadata: { name: 'read-only' },
        rules: [
          { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'delete'] },
          { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'delete'] },
        ],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-only' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: NS }],
      },
    });
    const reader = await server.serviceAccountAccess(NS, 'reader');
    const host = decoys(
      await DecoyObjects.open({
        kubeConfig: reader.kubeConfig,
        listLimit: 10,
        requestTimeoutMs: 10_000,
      }),
    );
    await expect(
      host.deploy(spec({ name: 'audit-cache' }), 'DeployDecoy', false),
    ).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      message: expect.stringMatching(
        /DeployDecoy: decoy dc-[0-9a-f]{12} \(shop\/audit-cache\): Kubernetes: create NetworkPolicy shop\/audit-cache: HTTP 403/,
      ),
    });
    const failed = host
      .list({ namespace: NS, kind: 0, includeRemoved: false })
      .find((d) => d.spec?.name === 'audit-cache');
    expect(failed?.status).toBe(DecoyStatus.DECOY_STATUS_FAILED);
    await new DecoyReconciler(decoys()).pass();
    expect(await objectsNamed('audit-cache')).toEqual([]);
  });
});

async function countKeys(): Promise<number> {
  let count = 0;
  for await (const _key of await kv.keys()) count += 1;
  return count;
}
