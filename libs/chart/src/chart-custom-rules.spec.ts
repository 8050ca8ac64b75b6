// intelligence.customRules: rendered as a ConfigMap intelligence mounts as a rule directory, and
// checked before it goes live by a pre-install/pre-upgrade hook Job running intelligence's rule
// check. `helm install` and `helm upgrade` run for real against a real kube-apiserver; the test kit
// has no kubelet or job controller, so HookJobStandIn runs the hook Job's own command over the
// ConfigMap's files, as the kubelet would in the image, and serves its output where helm reads it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeApiServer, type KubeApiServer } from '@omega/testkit';
import { stringify } from 'yaml';
import { HookJobStandIn } from './hook-job-stand-in';
import {
  CHART_DIR,
  findKubeTools,
  helmTemplate,
  parseObjects,
  runTool,
  runToolOk,
  type KubeObject,
  type KubeTools,
} from './index';

const RULE_ID = 'b16b00b5-0000-4000-8000-0000000000a1';
const GOOD = `title: Team probe tool
id: ${RULE_ID}
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    Image|endswith: /omega-team-probe
  condition: selection
level: high
`;
// Line 8, column 5: the misspelt modifier.
const BROKEN = GOOD.replace('Image|endswith', 'Image|endswth');
const BROKEN_REPORT = `customRules/broken.yml:8:5: rule ${RULE_ID}: 'Image|endswth': unknown modifier 'endswth'`;

let tools: KubeTools;
let dir: string;

beforeAll(async () => {
  tools = findKubeTools();
  dir = await mkdtemp(join(tmpdir(), 'omega-custom-rules-chart-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function valuesFile(name: string, customRules: Record<string, string>): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, stringify({ intelligence: { customRules } }));
  return path;
}

type Container = {
  name: string;
  securityContext?: unknown;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
};
type PodSpec = {
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
};
const podSpecOf = (o: KubeObject): PodSpec =>
  (o['spec'] as { template: { spec: PodSpec } }).template.spec;

describe('customRules as rendered', () => {
  let objects: KubeObject[];
  const find = (kind: string, name: string): KubeObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} rendered`);
    return found;
  };

  beforeAll(async () => {
    objects = parseObjects(
      await helmTemplate(tools, {
        valuesFiles: [await valuesFile('render', { 'team-probe.yml': GOOD })],
        set: { 'intelligence.rulesVolume.configMap.name': 'team-rules' },
      }),
    );
  });

  it('puts each file in the ConfigMap intelligence mounts read-only as a rule directory', () => {
    expect(find('ConfigMap', 'omega-intelligence-rules')['data']).toEqual({
      'team-probe.yml': GOOD,
    });
    const pod = podSpecOf(find('Deployment', 'omega-intelligence'));
    const container = pod.containers[0]!;
    expect(container.env?.find((e) => e.name === 'OMEGA_INTELLIGENCE_CUSTOM_RULES_DIRS')).toEqual({
      name: 'OMEGA_INTELLIGENCE_CUSTOM_RULES_DIRS',
      value: '/etc/omega/rules/custom,/etc/omega/rules/volume',
    });
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'custom-rules', mountPath: '/etc/omega/rules/custom', readOnly: true },
        { name: 'rules-volume', mountPath: '/etc/omega/rules/volume', readOnly: true },
      ]),
    );
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'custom-rules', configMap: { name: 'omega-intelligence-rules' } },
        { name: 'rules-volume', configMap: { name: 'team-rules' } },
      ]),
    );
  });

  it('checks the files in a pre-install/pre-upgrade hook Job whose output helm prints on failure', () => {
    const files = find('ConfigMap', 'omega-intelligence-rules-check');
    expect(files.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-10',
    });
    expect(files['data']).toEqual({ 'team-probe.yml': GOOD });
    const job = find('Job', 'omega-intelligence-rules-check');
    expect(job.metadata.annotations).toEqual({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '0',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      'helm.sh/hook-output-log-policy': 'hook-failed',
    });
    expect(job['spec']).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 120 });
    const pod = podSpecOf(job);
    expect(pod.containers[0]).toMatchObject({
      image: 'ghcr.io/omega-mesh/omega-intelligence:0.1.0',
      command: ['node', 'apps/intelligence/dist/rules-check-main.js'],
      args: ['customRules=/etc/omega/rules/custom'],
      volumeMounts: [
        { name: 'custom-rules', mountPath: '/etc/omega/rules/custom', readOnly: true },
      ],
    });
    expect(pod.volumes).toEqual([
      { name: 'custom-rules', configMap: { name: 'omega-intelligence-rules-check' } },
    ]);
    // Locked down like the services: non-root, read-only, no capabilities, no API token.
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001 },
    });
    expect(pod.containers[0]!['securityContext']).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('without customRules: an empty ConfigMap still mounted (rules added later need no restart), no hook', async () => {
    const plain = parseObjects(await helmTemplate(tools));
    const configMap = plain.find((o) => o.metadata.name === 'omega-intelligence-rules');
    expect(configMap?.['data']).toBeUndefined();
    const deployment = plain.find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'omega-intelligence',
    )!;
    expect(podSpecOf(deployment).containers[0]!.env).toContainEqual({
      name: 'OMEGA_INTELLIGENCE_CUSTOM_RULES_DIRS',
      value: '/etc/omega/rules/custom',
    });
    expect(plain.filter((o) => o.metadata.annotations?.['helm.sh/hook'])).toEqual(
      plain.filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test'),
    );
  });

  it('refuses a file name that is not a rule file before rendering', async () => {
    const result = await runTool(tools.helm, [
      'template',
      'omega',
      CHART_DIR,
      '--set',
      'intelligence.customRules.notes\\.txt=x',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("'notes.txt' does not match pattern");
  });
});

describe('helm install and upgrade with customRules on a real API server', () => {
  let server: KubeApiServer;
  let standIn: HookJobStandIn;
  const env = () => ({ KUBECONFIG: server.kubeconfigPath });
  const kubectl = (args: string[]) =>
    runToolOk(tools.kubectl, ['--kubeconfig', server.kubeconfigPath, ...args]);

  beforeAll(async () => {
    server = await startKubeApiServer();
    standIn = await HookJobStandIn.start(tools, server.kubeconfigPath);
  }, 120_000);

  afterAll(async () => {
    await standIn?.stop();
    await server?.stop();
  });

  /** `helm <verb>` of the chart with `values`, the hook Job run as the cluster would run it. */
  async function helm(verb: 'install' | 'upgrade', namespace: string, values: string) {
    const release = runTool(
      tools.helm,
      [
        verb,
        'omega',
        CHART_DIR,
        '--namespace',
        namespace,
        ...(verb === 'install' ? ['--create-namespace'] : []),
        '--values',
        values,
        '--timeout',
        '120s',
      ],
      { env: env() },
    );
    const job = await standIn.run(namespace, 'omega-intelligence-rules-check');
    return { job, result: await release };
  }

  it('a broken rule fails helm install, which prints its file, line and reason, and nothing of the release is created', async () => {
    const { job, result } = await helm(
      'install',
      'omega-broken',
      await valuesFile('broken', { 'good.yml': GOOD.replace('a1', 'a2'), 'broken.yml': BROKEN }),
    );
    expect(job.exitCode).toBe(1);
    expect(result.code).not.toBe(0);
    // helm prints the hook's output (hook-output-log-policy) and names the failed Job.
    expect(result.stderr).toContain(BROKEN_REPORT);
    expect(result.stderr).toContain('rules check: 1 problem(s) in customRules');
    expect(result.stderr).toMatch(/Job\/omega-broken\/omega-intelligence-rules-check/);
    expect(
      await kubectl(['get', 'deployments,configmaps', '-n', 'omega-broken', '-o', 'name']),
    ).not.toMatch(/omega-intelligence-rules\n|deployment/);
    // The failed Job stays for `kubectl logs`.
    await kubectl(['get', 'job/omega-intelligence-rules-check', '-n', 'omega-broken']);
  }, 180_000);

  it('valid rules install; a broken change fails helm upgrade and the rules running stay as they were', async () => {
    const install = await helm(
      'install',
      'omega-rules',
      await valuesFile('good', { 'team-probe.yml': GOOD }),
    );
    expect(install.job).toMatchObject({ exitCode: 0 });
    expect(install.job.output).toBe(
      `rules check: 1 rule(s) in customRules load: sigma:${RULE_ID}\n`,
    );
    expect(install.result.stderr).toBe('');
    expect(install.result.stdout).toMatch(/STATUS: deployed/);
    const rulesNow = async () =>
      (
        JSON.parse(
          await kubectl([
            'get',
            'configmap',
            'omega-intelligence-rules',
            '-n',
            'omega-rules',
            '-o',
            'json',
          ]),
        ) as { data: Record<string, string> }
      ).data;
    expect(await rulesNow()).toEqual({ 'team-probe.yml': GOOD });
    // The check's ConfigMap and Job are removed once they succeeded.
    expect(
      await kubectl(['get', 'jobs,configmaps', '-n', 'omega-rules', '-o', 'name']),
    ).not.toMatch(/rules-check/);

    const upgrade = await helm(
      'upgrade',
      'omega-rules',
      await valuesFile('upgrade-broken', { 'team-probe.yml': GOOD, 'broken.yml': BROKEN }),
    );
    expect(upgrade.result.code).not.toBe(0);
    expect(upgrade.result.stderr).toContain(BROKEN_REPORT);
    expect(await rulesNow()).toEqual({ 'team-probe.yml': GOOD });
  }, 240_000);
});
