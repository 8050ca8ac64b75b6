// Every object charts/omega renders, with the default values and every value set in
// charts/omega/ci, applied to a real kube-apiserver with kubectl: server-side dry-run with strict
// field validation, then for real, then read back. And `helm install` itself against that server.
import { startKubeApiServer, type KubeApiServer } from '@omega/testkit';
import {
  CHART_DIR,
  PROMETHEUS_RULE_CRD,
  SERVICE_MONITOR_CRD,
  describeObject,
  findKubeTools,
  helmArgs,
  helmTemplate,
  parseObjects,
  runTool,
  runToolOk,
  valueSets,
  type KubeObject,
  type KubeTools,
} from './index';

let tools: KubeTools;
let server: KubeApiServer;

function kubectl(args: string[], input?: string): Promise<string> {
  return runToolOk(tools.kubectl, ['--kubeconfig', server.kubeconfigPath, ...args], {
    ...(input !== undefined ? { input } : {}),
  });
}

function yamlOf(objects: readonly KubeObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

beforeAll(async () => {
  tools = findKubeTools();
  server = await startKubeApiServer();
  // The Prometheus Operator's own CRDs (vendored from its v0.85.0 release), so ServiceMonitors and
  // the PrometheusRule are checked against the real schema rather than skipped.
  await kubectl(['apply', '--server-side', '-f', SERVICE_MONITOR_CRD]);
  await kubectl(['apply', '--server-side', '-f', PROMETHEUS_RULE_CRD]);
  await kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/servicemonitors.monitoring.coreos.com',
    'crd/prometheusrules.monitoring.coreos.com',
  ]);
  // Namespaces the locked-down values grant the orchestrator (the chart expects them to exist).
  await kubectl(['create', 'namespace', 'payments']);
  await kubectl(['create', 'namespace', 'web']);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const SETS: [string, string[]][] = [
  ['default', []],
  ...Object.entries(valueSets()).map(([name, file]): [string, string[]] => [name, [file]]),
];

describe.each(SETS)('charts/omega with %s values on a real API server', (name, valuesFiles) => {
  const namespace = `omega-${name}`;
  let objects: KubeObject[];

  beforeAll(async () => {
    objects = parseObjects(
      await helmTemplate(tools, {
        namespace,
        valuesFiles,
        // Decoy namespaces per value set, so sets do not share (and overwrite) deception's Roles.
        set: { 'deception.namespaces': `{${namespace}-decoys}` },
        apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'],
      }),
    );
    await kubectl(['create', 'namespace', namespace]);
  });

  it('renders ServiceMonitors when the cluster serves their API', () => {
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors.length).toBe(name === 'sentinel-off' ? 6 : 7);
  });

  // helm's order: the pre-install hooks (the customRules check), the release's objects, then (on
  // `helm test`) its test hooks.
  const phases = (): [string, KubeObject[]][] => [
    [
      'pre-install hooks',
      objects.filter((o) =>
        o.metadata.annotations?.['helm.sh/hook']?.split(',').includes('pre-install'),
      ),
    ],
    ['release objects', objects.filter((o) => !o.metadata.annotations?.['helm.sh/hook'])],
    ['test hooks', objects.filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test')],
  ];

  it('is accepted object by object in a server-side dry run with strict field validation, then applied for real', async () => {
    // A dry run cannot create a namespace that other objects then live in: create those first.
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    if (namespaces.length > 0)
      await kubectl(['apply', '--server-side', '-f', '-'], yamlOf(namespaces));
    for (const [phase, batch] of phases()) {
      if (batch.length === 0) continue;
      const dryRun = await runTool(
        tools.kubectl,
        [
          '--kubeconfig',
          server.kubeconfigPath,
          'apply',
          '--server-side',
          '--dry-run=server',
          '--validate=strict',
          '--field-manager=omega-chart-test',
          '-o',
          'name',
          '-f',
          '-',
        ],
        { input: yamlOf(batch) },
      );
      expect({ phase, stderr: dryRun.stderr, code: dryRun.code }).toEqual({
        phase,
        stderr: '',
        code: 0,
      });
      expect(dryRun.stdout.trim().split('\n').length).toBe(batch.length);
      await kubectl(
        [
          'apply',
          '--server-side',
          '--validate=strict',
          '--field-manager=omega-chart-test',
          '-f',
          '-',
        ],
        yamlOf(batch),
      );
    }
  });

  it('stores every object as rendered', async () => {
    const stored = JSON.parse(await kubectl(['get', '-f', '-', '-o', 'json'], yamlOf(objects))) as {
      items: KubeObject[];
    };
    expect(stored.items.map(describeObject)).toEqual(objects.map(describeObject));
    for (const [i, o] of objects.entries()) {
      expect(stored.items[i]?.metadata.labels).toMatchObject(o.metadata.labels ?? {});
    }
  });
});

describe('the PrometheusRule on a real API server with the Prometheus Operator CRD', () => {
  it('is accepted with strict field validation and stored as rendered', async () => {
    const namespace = 'omega-rules';
    await kubectl(['create', 'namespace', namespace]);
    const rules = parseObjects(
      await helmTemplate(tools, {
        namespace,
        set: { 'metrics.prometheusRule.enabled': 'auto' },
        apiVersions: ['monitoring.coreos.com/v1/PrometheusRule'],
      }),
    ).filter((o) => o.kind === 'PrometheusRule');
    expect(rules.map(describeObject)).toEqual([`PrometheusRule ${namespace}/omega-alerts`]);
    const dryRun = await runTool(
      tools.kubectl,
      [
        '--kubeconfig',
        server.kubeconfigPath,
        'apply',
        '--server-side',
        '--dry-run=server',
        '--validate=strict',
        '-f',
        '-',
      ],
      { input: yamlOf(rules) },
    );
    expect({ stderr: dryRun.stderr, code: dryRun.code }).toEqual({ stderr: '', code: 0 });
    await kubectl(['apply', '--server-side', '--validate=strict', '-f', '-'], yamlOf(rules));
    const stored = JSON.parse(
      await kubectl([
        'get',
        'prometheusrules.monitoring.coreos.com',
        '-n',
        namespace,
        '-o',
        'json',
      ]),
    ) as { items: KubeObject[] };
    expect(stored.items.map((r) => r['spec'])).toEqual(rules.map((r) => r['spec']));
  });
});

describe('helm install against the real API server', () => {
  it('installs the chart (ServiceMonitors auto-detected from the served CRD) and lists the release', async () => {
    const env = { KUBECONFIG: server.kubeconfigPath };
    const install = await runTool(
      tools.helm,
      [
        'install',
        'omega',
        CHART_DIR,
        ...helmArgs({ namespace: 'omega' }),
        '--create-namespace',
        '--timeout',
        '60s',
      ],
      { env },
    );
    expect(install.stderr).toBe('');
    expect(install.stdout).toMatch(/STATUS: deployed/);
    // NOTES.txt rendered for the user.
    expect(install.stdout).toMatch(/helm test omega --namespace omega/);
    const monitors = JSON.parse(
      await kubectl(['get', 'servicemonitors.monitoring.coreos.com', '-n', 'omega', '-o', 'json']),
    ) as { items: KubeObject[] };
    expect(monitors.items.map((m) => m.metadata.name).sort()).toEqual(
      ['deception', 'gateway', 'intelligence', 'orchestrator', 'sentinel', 'trust', 'twin'].map(
        (c) => `omega-${c}`,
      ),
    );
    const list = await runToolOk(tools.helm, ['list', '-n', 'omega', '-o', 'json'], { env });
    expect(JSON.parse(list)).toMatchObject([{ name: 'omega', status: 'deployed' }]);
  });

  it('refuses a wrong value before touching the cluster, naming it', async () => {
    const env = { KUBECONFIG: server.kubeconfigPath };
    const install = await runTool(
      tools.helm,
      [
        'install',
        'omega-bad',
        CHART_DIR,
        '--namespace',
        'omega-bad',
        '--create-namespace',
        '--set',
        'sentinel.mode=bpf',
      ],
      { env },
    );
    expect(install.code).not.toBe(0);
    expect(install.stderr).toMatch(
      /at '\/sentinel\/mode': value must be one of 'auto', 'ebpf', 'off'/,
    );
    const namespaces = await kubectl(['get', 'namespaces', '-o', 'name']);
    expect(namespaces).not.toMatch(/omega-bad/);
  });

  it('upgrades the release in place to the HA values (replicas, JetStream cluster, PDB)', async () => {
    const env = { KUBECONFIG: server.kubeconfigPath };
    const upgrade = await runTool(
      tools.helm,
      [
        'upgrade',
        'omega',
        CHART_DIR,
        ...helmArgs({ namespace: 'omega', valuesFiles: [valueSets()['ha'] as string] }),
      ],
      { env },
    );
    expect(upgrade.stderr).toBe('');
    expect(upgrade.stdout).toMatch(/REVISION: 2/);
    const get = async (what: string) =>
      JSON.parse(await kubectl(['get', what, '-n', 'omega', '-o', 'json'])) as {
        spec: { replicas?: number; strategy?: { type: string } };
      };
    expect((await get('deployment/omega-gateway')).spec.replicas).toBe(3);
    expect((await get('deployment/omega-trust')).spec.replicas).toBe(1);
    expect((await get('deployment/omega-trust')).spec.strategy?.type).toBe('Recreate');
    expect((await get('statefulset/omega-nats')).spec.replicas).toBe(3);
    await kubectl(['get', 'poddisruptionbudget/omega-nats', '-n', 'omega']);
  });

  it("uninstalls everything but trust's key volume (kept by policy)", async () => {
    const env = { KUBECONFIG: server.kubeconfigPath };
    await runToolOk(tools.helm, ['uninstall', 'omega', '--namespace', 'omega'], { env });
    const left = await kubectl([
      'get',
      'all,pvc,configmaps,serviceaccounts',
      '-n',
      'omega',
      '-o',
      'name',
    ]);
    expect(left.split('\n').filter((l) => l.includes('omega-'))).toEqual([
      'persistentvolumeclaim/omega-trust-keys',
    ]);
    // The release's cluster-scoped grants go too (the value sets above used other namespaces).
    expect(await kubectl(['get', 'clusterroles,clusterrolebindings', '-o', 'name'])).not.toMatch(
      /\/omega-omega-(trust|twin|orchestrator|sentinel)$/m,
    );
  });
});
