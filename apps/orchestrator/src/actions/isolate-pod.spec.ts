// isolate_pod against a real kube-apiserver + etcd (libs/testkit): the NetworkPolicy exists with
// the selector the pod now carries and denies both directions; a retry changes nothing; undo
// removes the policy and the label.
import { Code } from '@omega/runtime';
import { startKubeApiServer, type KubeApiServer } from '@omega/testkit';
import { context } from '../testing/activity-context';
import {
  ISOLATION_LABEL,
  isolatePod,
  isolationToken,
  unisolatePod,
  type KubernetesAccess,
} from './isolate-pod';
import { loadKubernetesClient } from './kubernetes-client';

let server: KubeApiServer;
let access: KubernetesAccess;

beforeAll(async () => {
  server = await startKubeApiServer();
  const k8s = await loadKubernetesClient();
  const config = new k8s.KubeConfig();
  config.loadFromFile(server.kubeconfigPath);
  access = { k8s, config };
  const core = config.makeApiClient(k8s.CoreV1Api);
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
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

it('isolates a pod with a deny-all NetworkPolicy on a label it adds, idempotently, and undoes both', async () => {
  const { k8s, config } = access;
  const core = config.makeApiClient(k8s.CoreV1Api);
  const net = config.makeApiClient(k8s.NetworkingV1Api);
  const isolate = isolatePod(() => Promise.resolve(access));
  const ctx = context({ namespace: 'shop', pod: 'web-7f9c' }, { idempotencyKey: 'wf-9/isolate' });
  const outputs = await isolate(ctx);
  const token = isolationToken('wf-9/isolate');
  expect(outputs).toEqual({
    namespace: 'shop',
    pod: 'web-7f9c',
    policy: `omega-isolate-${token}`,
    label: `${ISOLATION_LABEL}=${token}`,
  });
  await isolate({ ...ctx, attempt: 2 });

  const policies = await net.listNamespacedNetworkPolicy({ namespace: 'shop' });
  expect(policies.items).toHaveLength(1);
  const policy = policies.items[0]!;
  expect(policy.metadata?.name).toBe(`omega-isolate-${token}`);
  expect(policy.spec?.podSelector?.matchLabels).toEqual({ [ISOLATION_LABEL]: token });
  expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
  expect(policy.spec?.ingress ?? []).toEqual([]);
  expect(policy.spec?.egress ?? []).toEqual([]);
  expect(policy.metadata?.annotations?.['omega.dev/workflow']).toBe('wf-1');
  const pod = await core.readNamespacedPod({ name: 'web-7f9c', namespace: 'shop' });
  expect(pod.metadata?.labels).toEqual({ app: 'web', [ISOLATION_LABEL]: token });

  const undo = unisolatePod(() => Promise.resolve(access));
  const undoCtx = context({ namespace: 'shop', pod: 'web-7f9c', policy: outputs['policy']! });
  await undo(undoCtx);
  await undo(undoCtx);
  expect((await net.listNamespacedNetworkPolicy({ namespace: 'shop' })).items).toEqual([]);
  const after = await core.readNamespacedPod({ name: 'web-7f9c', namespace: 'shop' });
  expect(after.metadata?.labels).toEqual({ app: 'web' });
});

it('fails without retrying when the pod does not exist, naming it', async () => {
  const isolate = isolatePod(() => Promise.resolve(access));
  const call = isolate(context({ namespace: 'shop', pod: 'ghost' }));
  await expect(call).rejects.toMatchObject({
    code: Code.NotFound,
    codeName: 'http_404',
    retryable: false,
  });
  await expect(call).rejects.toThrow(
    'step step-1: read pod shop/ghost: HTTP 404: pods "ghost" not found',
  );
});
