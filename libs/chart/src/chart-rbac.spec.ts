// Every service account charts/omega creates holds exactly the permissions in
// charts/omega/rbac-expected.yaml: the chart is installed with helm on a real kube-apiserver, and
// the API server is asked, as each service account, what it may do in each namespace
// (SelfSubjectRulesReview, what `kubectl auth can-i --list` shows). Nothing missing, nothing extra.
import {
  loadKubernetesClient,
  startKubeApiServer,
  type KubeApiServer,
  type KubernetesClient,
} from '@omega/testkit';
import {
  CHART_DIR,
  RBAC_TABLE,
  SERVICE_MONITOR_CRD,
  expectedGrants,
  expectedRbac,
  findKubeTools,
  grantsFromRules,
  helmArgs,
  runToolOk,
  valueSets,
  type Grants,
  type KubeTools,
  type ResourceRule,
} from './index';

let k8s: KubernetesClient;
let tools: KubeTools;
let server: KubeApiServer;

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  tools = findKubeTools();
  server = await startKubeApiServer();
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  for (const name of ['elsewhere', 'payments', 'web']) {
    await core.createNamespace({ body: { metadata: { name } } });
  }
  // The locked-down values force ServiceMonitors on: their CRD must be served.
  const kubectl = ['--kubeconfig', server.kubeconfigPath];
  await runToolOk(tools.kubectl, [...kubectl, 'apply', '--server-side', '-f', SERVICE_MONITOR_CRD]);
  await runToolOk(tools.kubectl, [
    ...kubectl,
    'wait',
    '--for=condition=Established',
    'crd/servicemonitors.monitoring.coreos.com',
  ]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** What `user` may do in `namespace`, as the API server answers that user itself. */
async function rulesOf(namespace: string, serviceAccountNamespace: string, serviceAccount: string) {
  const access = await server.serviceAccountAccess(serviceAccountNamespace, serviceAccount);
  const review = await access.kubeConfig
    .makeApiClient(k8s.AuthorizationV1Api)
    .createSelfSubjectRulesReview({ body: { spec: { namespace } } });
  expect(review.status?.incomplete).toBe(false);
  return (review.status?.resourceRules ?? []) as ResourceRule[];
}

describe.each([
  ['default', [] as string[]],
  ['locked-down', [valueSets()['locked-down'] as string]],
])('RBAC of charts/omega with %s values', (valueSet, valuesFiles) => {
  const table = expectedRbac(valueSet);
  const release = table.release;
  let serviceAccounts: string[];

  beforeAll(async () => {
    await runToolOk(
      tools.helm,
      [
        'install',
        'omega',
        CHART_DIR,
        ...helmArgs({ namespace: release, valuesFiles }),
        '--create-namespace',
      ],
      { env: { KUBECONFIG: server.kubeconfigPath } },
    );
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    serviceAccounts = (await core.listNamespacedServiceAccount({ namespace: release })).items
      .map((sa) => sa.metadata?.name ?? '')
      .sort();
    // A service account nobody bound anything to: what every service account may do anyway.
    await core.createNamespacedServiceAccount({
      namespace: release,
      body: { metadata: { name: 'baseline-nobody' } },
    });
  }, 120_000);

  it('creates exactly the service accounts the table lists', () => {
    expect(serviceAccounts).toEqual(Object.keys(table.serviceAccounts).sort());
  });

  it.each(Object.keys(table.serviceAccounts))(
    '%s holds exactly its grants in every checked namespace',
    async (serviceAccount) => {
      const actual: Record<string, Grants> = {};
      const expected: Record<string, Grants> = {};
      for (const namespace of table.checkNamespaces) {
        const baseline = grantsFromRules(await rulesOf(namespace, release, 'baseline-nobody'));
        actual[namespace] = grantsFromRules(
          await rulesOf(namespace, release, serviceAccount),
          baseline,
        );
        expected[namespace] = expectedGrants(table, serviceAccount, namespace);
      }
      // On failure the diff names the namespace and resource: fix the chart or the table.
      expect({ serviceAccount, table: RBAC_TABLE, grants: actual }).toEqual({
        serviceAccount,
        table: RBAC_TABLE,
        grants: expected,
      });
    },
  );

  it('cross-checks one grant and one refusal per account with kubectl auth can-i', async () => {
    const canI = async (sa: string, ...args: string[]) =>
      (
        await runToolOk(tools.kubectl, [
          '--kubeconfig',
          server.kubeconfigPath,
          'auth',
          'can-i',
          ...args,
          `--as=system:serviceaccount:${release}:${sa}`,
        ]).catch((err: Error) => err.message)
      ).trim();
    expect(await canI('omega-trust', 'create', 'tokenreviews.authentication.k8s.io')).toBe('yes');
    expect(await canI('omega-trust', 'list', 'pods', '-n', release)).toMatch(/no$/);
    // The bus's Secret: trust may patch that one, not read it or any other.
    expect(await canI('omega-trust', 'patch', 'secrets/omega-nats-tls', '-n', release)).toBe('yes');
    expect(await canI('omega-trust', 'get', 'secrets/omega-nats-tls', '-n', release)).toMatch(
      /no$/,
    );
    expect(await canI('omega-trust', 'patch', 'secrets/other', '-n', release)).toMatch(/no$/);
    // The gateway: reads pods (its sentinels) in its own namespace only; its one Secret.
    expect(await canI('omega-gateway', 'watch', 'pods', '-n', release)).toBe('yes');
    expect(await canI('omega-gateway', 'list', 'pods', '--all-namespaces')).toMatch(/no$/);
    expect(await canI('omega-gateway', 'patch', 'pods', '-n', release)).toMatch(/no$/);
    const adminToken = 'secrets/omega-gateway-admin-token';
    expect(await canI('omega-gateway', 'patch', adminToken, '-n', release)).toBe('yes');
    expect(await canI('omega-gateway', 'delete', adminToken, '-n', release)).toMatch(/no$/);
    expect(await canI('omega-gateway', 'get', 'secrets/omega-nats-tls', '-n', release)).toMatch(
      /no$/,
    );
    expect(await canI('omega-gateway', 'list', 'secrets', '-n', release)).toMatch(/no$/);
    expect(await canI('omega-sentinel', 'watch', 'pods', '--all-namespaces')).toBe('yes');
    expect(await canI('omega-sentinel', 'get', 'secrets', '-n', release)).toMatch(/no$/);
  });
});
