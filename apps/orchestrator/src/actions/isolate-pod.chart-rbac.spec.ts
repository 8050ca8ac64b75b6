// isolate_pod and unisolate_pod as the orchestrator runs them in a cluster: as the service account
// omega-orchestrator with exactly the RBAC charts/omega grants it, on a real kube-apiserver where
// the chart was installed with helm. A missing grant fails here; rbac-expected.yaml keeps the
// grants from growing.
import { findKubeTools, installChart } from '@omega/chart';
import { startKubeApiServer, type KubeApiServer } from '@omega/testkit';
import { context } from '../testing/activity-context';
import { ISOLATION_LABEL, isolatePod, unisolatePod, type KubernetesAccess } from './isolate-pod';
import { loadKubernetesClient } from './kubernetes-client';

let server: KubeApiServer;
let asOrchestrator: KubernetesAccess;

beforeAll(async () => {
  server = await startKubeApiServer();
  await installChart(findKubeTools(), server.kubeconfigPath, { namespace: 'omega' });
  const k8s = await loadKubernetesClient();
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  // No controller-manager runs here to create it; pod admission needs it.
  await core.createNamespacedServiceAccount({
    namespace: 'shop',
    body: { metadata: { name: 'default' } },
  });
  await core.createNamespacedPod({
    namespace: 'shop',
    body: {
      metadata: { name: 'web-7f9c', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  });
  const access = await server.serviceAccountAccess('omega', 'omega-orchestrator');
  asOrchestrator = { k8s, config: access.kubeConfig };
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

it('isolates and releases a pod as omega-orchestrator with the chart-granted RBAC', async () => {
  const ctx = context({ namespace: 'shop', pod: 'web-7f9c' }, { idempotencyKey: 'wf-3/isolate' });
  const outputs = await isolatePod(() => Promise.resolve(asOrchestrator))(ctx);

  // Checked as admin: what the orchestrator's calls left behind.
  const k8s = asOrchestrator.k8s;
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const net = server.kubeConfig.makeApiClient(k8s.NetworkingV1Api);
  const policy = await net.readNamespacedNetworkPolicy({
    namespace: 'shop',
    name: outputs['policy'] ?? '',
  });
  expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
  const pod = await core.readNamespacedPod({ namespace: 'shop', name: 'web-7f9c' });
  expect(outputs['label']).toBe(`${ISOLATION_LABEL}=${pod.metadata?.labels?.[ISOLATION_LABEL]}`);

  await unisolatePod(() => Promise.resolve(asOrchestrator))(
    context({ namespace: 'shop', pod: 'web-7f9c', policy: outputs['policy'] ?? '' }),
  );
  const after = await core.readNamespacedPod({ namespace: 'shop', name: 'web-7f9c' });
  expect(after.metadata?.labels?.[ISOLATION_LABEL]).toBeUndefined();
  expect((await net.listNamespacedNetworkPolicy({ namespace: 'shop' })).items).toEqual([]);
});

it('cannot do what the chart does not grant it: read secrets, or delete the pod it isolates', async () => {
  const core = asOrchestrator.config.makeApiClient(asOrchestrator.k8s.CoreV1Api);
  await expect(core.listNamespacedSecret({ namespace: 'shop' })).rejects.toMatchObject({
    code: 403,
  });
  await expect(
    core.deleteNamespacedPod({ namespace: 'shop', name: 'web-7f9c' }),
  ).rejects.toMatchObject({ code: 403 });
});
