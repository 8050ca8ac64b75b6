// Deception's listeners in charts/omega, rendered by the real helm: the canary URL port and the
// decoy ports on the container, the Service and deception's NetworkPolicy (open to any source); a
// decoy below port 1024 bound by the non-root pod through its own network namespace's
// net.ipv4.ip_unprivileged_port_start (no capability added), which a process run as the pod's uid
// in a fresh network namespace, every capability dropped, is shown to need and to be enough for.
import { spawnSync } from 'node:child_process';
import {
  CHART_DIR,
  findKubeTools,
  helmTemplate,
  parseObjects,
  runTool,
  type KubeObject,
  type KubeTools,
} from './index';

let tools: KubeTools;
beforeAll(() => {
  tools = findKubeTools();
});

interface Port {
  name: string;
  containerPort?: number;
  port?: number;
  targetPort?: string | number;
}
interface DeceptionPod {
  securityContext: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    sysctls?: { name: string; value: string }[];
  };
  containers: {
    env: { name: string; value?: string }[];
    ports: Port[];
    securityContext: { capabilities?: { drop?: string[]; add?: string[] } };
  }[];
}

const LOW_PORTS = {
  'deception.decoyPorts[0].name': 'ssh',
  'deception.decoyPorts[0].port': '22',
  'deception.decoyPorts[1].name': 'http',
  'deception.decoyPorts[1].port': '80',
  'deception.decoyPorts[2].name': 'redis',
  'deception.decoyPorts[2].port': '6379',
};

async function render(set: Record<string, string> = {}) {
  const objects = parseObjects(await helmTemplate(tools, { set }));
  const named = (kind: string, name = 'omega-deception') =>
    objects.find((o) => o.kind === kind && o.metadata.name === name) as KubeObject;
  const deployment = named('Deployment');
  const pod = (deployment['spec'] as { template: { spec: DeceptionPod } }).template.spec;
  const service = (named('Service')['spec'] as { ports: Port[] }).ports;
  const policy = named('NetworkPolicy')['spec'] as {
    ingress: { ports: { port: string }[]; from?: unknown[] }[];
  };
  const others = objects.filter(
    (o) => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind) && o !== deployment,
  );
  return { pod, service, policy, others };
}

const sysctlsOf = (o: KubeObject) =>
  (o['spec'] as { template: { spec: DeceptionPod } }).template.spec.securityContext.sysctls;

describe("deception's listeners in charts/omega", () => {
  it('exposes the canary URL port and the default decoy port on the pod, its Service and to any source', async () => {
    const { pod, service, policy } = await render();
    const container = pod.containers[0]!;
    expect(container.ports).toEqual(
      expect.arrayContaining([
        { name: 'canary', containerPort: 50059 },
        { name: 'decoy-ssh', containerPort: 2222 },
      ]),
    );
    expect(service).toEqual(
      expect.arrayContaining([
        { name: 'canary', port: 50059, targetPort: 'canary' },
        { name: 'decoy-ssh', port: 2222, targetPort: 'decoy-ssh' },
      ]),
    );
    const open = policy.ingress.find((rule) => rule.ports.some((p) => p.port === 'canary'));
    expect(open).toEqual({ ports: [{ port: 'canary' }, { port: 'decoy-ssh' }] });
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      OMEGA_DECEPTION_CANARY_LISTEN: '0.0.0.0:50059',
      OMEGA_DECEPTION_CANARY_BASE_URL: 'http://omega-deception.omega.svc:50059',
      OMEGA_DECEPTION_DECOYS_LISTEN_HOST: '0.0.0.0',
    });
    // 2222 needs nothing: no sysctl, non-root, every capability dropped.
    expect(pod.securityContext.sysctls).toBeUndefined();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  it('binds decoys on ports below 1024 as the non-root user through the pod sysctl, adding no capability', async () => {
    const { pod, service, policy, others } = await render({
      ...LOW_PORTS,
      'deception.canary.port': '8080',
      'deception.canary.baseUrl': 'https://canary.example.com',
    });
    expect(pod.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_unprivileged_port_start', value: '22' },
    ]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const container = pod.containers[0]!;
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(container.ports.filter((p) => p.name !== 'grpc' && p.name !== 'metrics')).toEqual([
      { name: 'canary', containerPort: 8080 },
      { name: 'decoy-ssh', containerPort: 22 },
      { name: 'decoy-http', containerPort: 80 },
      { name: 'decoy-redis', containerPort: 6379 },
    ]);
    expect(service.map((p) => p.port)).toEqual(expect.arrayContaining([8080, 22, 80, 6379]));
    expect(policy.ingress.find((r) => r.ports.some((p) => p.port === 'decoy-http'))?.from).toBe(
      undefined,
    );
    expect(
      Object.fromEntries(container.env.map((e) => [e.name, e.value]))[
        'OMEGA_DECEPTION_CANARY_BASE_URL'
      ],
    ).toBe('https://canary.example.com');
    // The sysctl is deception's alone.
    expect(others.flatMap((o) => sysctlsOf(o) ?? [])).toEqual([]);
  });

  it("the rendered sysctl is what lets the pod's uid bind port 22 in its own network namespace, and only there", async () => {
    if (process.getuid?.() !== 0) throw new Error('must run as root (network namespaces)');
    const { pod } = await render(LOW_PORTS);
    const start = pod.securityContext.sysctls![0]!.value;
    const uid = String(pod.securityContext.runAsUser);
    const bind = (sysctl: string) => {
      const result = spawnSync(
        'unshare',
        [
          '--net',
          'sh',
          '-c',
          `ip link set lo up && ${sysctl} setpriv --reuid ${uid} --regid ${uid} --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs "$0" -e "$1"`,
          process.execPath,
          `require('node:net').createServer().listen(22, '0.0.0.0', function () { console.log('bound ' + this.address().port); this.close(); }).on('error', (e) => console.log(e.code))`,
        ],
        { encoding: 'utf8' },
      );
      return (result.stdout + result.stderr).trim();
    };
    expect(bind('')).toBe('EACCES');
    expect(bind(`sysctl -qw net.ipv4.ip_unprivileged_port_start=${start} &&`)).toBe('bound 22');
    // The host's own setting is untouched: the sysctl is per network namespace.
    expect(
      spawnSync('sysctl', ['-n', 'net.ipv4.ip_unprivileged_port_start'], {
        encoding: 'utf8',
      }).stdout.trim(),
    ).toBe('1024');
  });

  it.each([
    [
      { 'deception.decoyPorts[0].name': 'ssh', 'deception.decoyPorts[0].port': '0' },
      /at '\/deception\/decoyPorts\/0\/port': minimum: got 0, want 1/,
    ],
    [
      { 'deception.decoyPorts[0].name': 'much-too-long', 'deception.decoyPorts[0].port': '22' },
      /at '\/deception\/decoyPorts\/0\/name': maxLength: got 13, want 9/,
    ],
    [
      { 'deception.canary.port': '70000' },
      /at '\/deception\/canary\/port': maximum: got 70,000, want 65,535/,
    ],
  ])('refuses %j, naming the value', async (set, message) => {
    const result = await runTool(tools.helm, [
      'template',
      'omega',
      CHART_DIR,
      ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
