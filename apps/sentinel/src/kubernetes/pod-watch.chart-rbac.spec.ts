// The sentinel's pod watch as it runs in a cluster: as the service account omega-sentinel with
// exactly the RBAC charts/omega grants it (list/watch pods), on a real kube-apiserver where the
// chart was installed with helm. A missing grant fails here; rbac-expected.yaml keeps the grants
// from growing.
import { createLogger } from '@omega/runtime';
import { findKubeTools, installChart } from '@omega/chart';
import { loadKubernetesClient, startKubeApiServer, type KubeApiServer } from '@omega/testkit';
import { PodIndex } from './pod-index';
import { watchNodePods, type PodWatch } from './pod-watch';

const logger = createLogger({ service: 'sentinel', level: 'silent' });
const NODE = 'node-a';
let server: KubeApiServer;
let watch: PodWatch | undefined;

beforeAll(async () => {
  server = await startKubeApiServer();
  await installChart(findKubeTools(), server.kubeconfigPath, { namespace: 'omega' });
  const k8s = await loadKubernetesClient();
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  // No controller manager here to create the namespace's default service account.
  await core.createNamespacedServiceAccount({
    namespace: 'shop',
    body: { metadata: { name: 'web' } },
  });
  for (const [name, node] of [
    ['web', NODE],
    ['elsewhere', 'node-b'],
  ] as const) {
    await core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name },
        spec: {
          nodeName: node,
          serviceAccountName: 'web',
          containers: [{ name: 'c', image: 'x' }],
        },
      },
    });
  }
}, 180_000);

afterAll(async () => {
  await watch?.stop();
  await server?.stop();
}, 30_000);

it("watches its node's pods as omega-sentinel with the chart-granted RBAC", async () => {
  const access = await server.serviceAccountAccess('omega', 'omega-sentinel');
  const index = new PodIndex();
  watch = await watchNodePods({ node: NODE, index, logger, kubeconfig: access.kubeconfigPath });
  // The first list is in the index when watchNodePods resolves: this node's pod only.
  expect(index.size.pods).toBe(1);
});

it('cannot read secrets or change pods with those credentials', async () => {
  const access = await server.serviceAccountAccess('omega', 'omega-sentinel');
  const k8s = await loadKubernetesClient();
  const core = access.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await expect(core.listSecretForAllNamespaces()).rejects.toMatchObject({ code: 403 });
  await expect(core.deleteNamespacedPod({ namespace: 'shop', name: 'web' })).rejects.toMatchObject({
    code: 403,
  });
});
