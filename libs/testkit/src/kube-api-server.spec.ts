// The test API server is a real kube-apiserver + etcd: objects are validated and stored, duplicates
// conflict, RBAC denies what no role grants, TokenRequest/TokenReview work as in a cluster.
// (client-node names the NetworkPolicyPeer field `_from`; a plain `from` is dropped when serialised.)
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KUBE_APISERVER_BUILD_COMMAND,
  KUBE_APISERVER_VERSION,
  findKubeApiServerBinaries,
  loadKubernetesClient,
  startKubeApiServer,
  type KubeApiServer,
  type KubernetesClient,
} from './index';

let server: KubeApiServer;
let k8s: KubernetesClient;

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  server = await startKubeApiServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** The HTTP status of a failed client-node call (ApiException.code). */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

describe('findKubeApiServerBinaries', () => {
  it('names the missing binary and the build command when the cache is empty', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'omega-kube-empty-'));
    try {
      expect(() => findKubeApiServerBinaries({ OMEGA_CACHE_DIR: empty, PATH: '' })).toThrow(
        new RegExp(
          `kube-apiserver not found: no ${empty}/kube-apiserver-${KUBE_APISERVER_VERSION}/kube-apiserver[^]*${KUBE_APISERVER_BUILD_COMMAND}`,
        ),
      );
      expect(() =>
        findKubeApiServerBinaries({ OMEGA_CACHE_DIR: empty, ETCD_BIN: '/nonexistent/etcd' }),
      ).toThrow(/kube-apiserver not found/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('rejects an explicit ETCD_BIN that is not executable, naming the variable', () => {
    const found = findKubeApiServerBinaries();
    expect(() =>
      findKubeApiServerBinaries({
        KUBE_APISERVER_BIN: found.kubeApiServer,
        ETCD_BIN: '/nonexistent/etcd',
      }),
    ).toThrow(/etcd not found: ETCD_BIN=\/nonexistent\/etcd is not an executable file/);
  });
});

describe('startKubeApiServer', () => {
  it('reports the pinned version and writes a kubeconfig kubectl-style clients can load', () => {
    expect(server.version).toBe(KUBE_APISERVER_VERSION);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(server.kubeconfigPath)).toBe(true);
    expect(server.kubeConfig.getCurrentCluster()?.server).toBe(server.url);
  });

  it('stores a namespace and a NetworkPolicy, reads them back, and answers 409 to a duplicate', async () => {
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    const net = server.kubeConfig.makeApiClient(k8s.NetworkingV1Api);
    await core.createNamespace({ body: { metadata: { name: 'netpol-test' } } });
    const policy = {
      metadata: { name: 'deny-from-attacker', namespace: 'netpol-test' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{ _from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.1.2.3/32'] } }] }],
      },
    };
    const created = await net.createNamespacedNetworkPolicy({
      namespace: 'netpol-test',
      body: policy,
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);

    const read = await net.readNamespacedNetworkPolicy({
      name: 'deny-from-attacker',
      namespace: 'netpol-test',
    });
    expect(read.spec?.ingress?.[0]?._from?.[0]?.ipBlock).toEqual({
      cidr: '0.0.0.0/0',
      except: ['10.1.2.3/32'],
    });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);

    expect(
      await statusOf(net.createNamespacedNetworkPolicy({ namespace: 'netpol-test', body: policy })),
    ).toBe(409);
  });

  it('validates objects: an invalid CIDR is refused with 422', async () => {
    const net = server.kubeConfig.makeApiClient(k8s.NetworkingV1Api);
    const status = await statusOf(
      net.createNamespacedNetworkPolicy({
        namespace: 'default',
        body: {
          metadata: { name: 'bad-cidr' },
          spec: { podSelector: {}, ingress: [{ _from: [{ ipBlock: { cidr: '10.0.0.300/8' } }] }] },
        },
      }),
    );
    expect(status).toBe(422);
  });
});

describe('stop', () => {
  it('ends kube-apiserver and etcd and removes the kubeconfig', async () => {
    const second = await startKubeApiServer();
    const core = second.kubeConfig.makeApiClient(k8s.CoreV1Api);
    expect((await core.listNamespace()).items.map((n) => n.metadata?.name)).toContain('default');
    await second.stop();
    expect(existsSync(second.kubeconfigPath)).toBe(false);
    await expect(core.listNamespace()).rejects.toThrow(/ECONNREFUSED|fetch failed|connect/i);
  }, 120_000);
});

describe('service accounts and RBAC', () => {
  beforeAll(async () => {
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'rbac-test' } } });
    await core.createNamespacedServiceAccount({
      namespace: 'rbac-test',
      body: { metadata: { name: 'reader' } },
    });
  });

  it('denies a service account what no role grants, and allows it once a RoleBinding does', async () => {
    const access = await server.serviceAccountAccess('rbac-test', 'reader');
    expect(access.user).toBe('system:serviceaccount:rbac-test:reader');
    const asReader = access.kubeConfig.makeApiClient(k8s.CoreV1Api);
    expect(await statusOf(asReader.listNamespacedPod({ namespace: 'rbac-test' }))).toBe(403);

    const rbac = server.kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: 'rbac-test',
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'rbac-test',
      body: {
        metadata: { name: 'reader-reads-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'rbac-test' }],
      },
    });
    expect(await statusOf(asReader.listNamespacedPod({ namespace: 'rbac-test' }))).toBe(200);
    // Granted in its namespace only.
    expect(await statusOf(asReader.listNamespacedPod({ namespace: 'default' }))).toBe(403);

    const review = await access.kubeConfig
      .makeApiClient(k8s.AuthorizationV1Api)
      .createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: { namespace: 'rbac-test', verb: 'delete', resource: 'pods' },
          },
        },
      });
    expect(review.status?.allowed).toBe(false);
  });

  it('issues pod-bound tokens that TokenReview authenticates with the pod, node and audience', async () => {
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    await core.createNode({ body: { metadata: { name: 'node-1' } } });
    await core.createNamespacedServiceAccount({
      namespace: 'rbac-test',
      body: { metadata: { name: 'omega-sentinel' } },
    });
    // No scheduler runs: the pod names its node itself, as a DaemonSet pod would end up.
    const pod = await core.createNamespacedPod({
      namespace: 'rbac-test',
      body: {
        metadata: { name: 'omega-sentinel-x1' },
        spec: {
          nodeName: 'node-1',
          serviceAccountName: 'omega-sentinel',
          containers: [{ name: 'sentinel', image: 'omega/sentinel:dev' }],
        },
      },
    });
    const token = await server.requestServiceAccountToken('rbac-test', 'omega-sentinel', {
      audiences: ['omega-trust'],
      boundPod: { name: 'omega-sentinel-x1', uid: pod.metadata?.uid ?? '' },
    });

    const auth = server.kubeConfig.makeApiClient(k8s.AuthenticationV1Api);
    const review = await auth.createTokenReview({
      body: { spec: { token, audiences: ['omega-trust'] } },
    });
    expect(review.status?.authenticated).toBe(true);
    expect(review.status?.audiences).toEqual(['omega-trust']);
    expect(review.status?.user?.username).toBe('system:serviceaccount:rbac-test:omega-sentinel');
    expect(review.status?.user?.extra?.['authentication.kubernetes.io/pod-name']).toEqual([
      'omega-sentinel-x1',
    ]);
    expect(review.status?.user?.extra?.['authentication.kubernetes.io/pod-uid']).toEqual([
      pod.metadata?.uid,
    ]);
    expect(review.status?.user?.extra?.['authentication.kubernetes.io/node-name']).toEqual([
      'node-1',
    ]);

    // The same token for another audience, and a tampered token, are not authenticated.
    const wrongAudience = await auth.createTokenReview({
      body: { spec: { token, audiences: ['someone-else'] } },
    });
    expect(wrongAudience.status?.authenticated).toBeFalsy();
    const tampered = await auth.createTokenReview({
      body: { spec: { token: `${token.slice(0, -4)}AAAA`, audiences: ['omega-trust'] } },
    });
    expect(tampered.status?.authenticated).toBeFalsy();
  });

  it('refuses a token for a service account that does not exist, naming it', async () => {
    await expect(server.requestServiceAccountToken('rbac-test', 'nobody')).rejects.toThrow(
      /TokenRequest for service account rbac-test\/nobody: .*404|not found/i,
    );
  });
});
