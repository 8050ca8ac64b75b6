// Each service run the way its pod runs it, in a stand-in for the container (no container runtime
// here): a private mount namespace whose root filesystem is read-only, a tmpfs where the chart
// mounts an emptyDir or a volume, the pod's user (uid/gid 10001, every capability dropped, no new
// privileges) — the sentinel as uid 0 with only BPF, PERFMON and NET_ADMIN — and the pod's own
// environment from the rendered chart. Every service must become ready against a real
// nats-server, and the sentinel must load its eBPF programs and report events with those three
// capabilities and nothing broader. Enrollment is off (no kubelet projects service-account tokens
// here), and identities are what mutual TLS and the authenticated bus are made of, so this spec
// renders with insecureDevelopmentMode (tls.enabled=false, nats.auth=none); the secure defaults'
// TLS and NATS config run in chart-nats.spec and chart-env.spec.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, withNats } from '@omega/testkit';
import {
  CHART_DIR,
  configMapDirectory,
  describeObject,
  findKubeTools,
  helmTemplate,
  parseObjects,
  type KubeObject,
} from './index';

const ROOT = join(CHART_DIR, '..', '..');
const nats = withNats();
const children: ChildProcess[] = [];
/** Rendered ConfigMaps written out as directories, by name. */
const configMapDirs = new Map<string, string>();
let configMapRoot: string | undefined;
const createdMountPoints: string[] = [];

interface Container {
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  securityContext?: { capabilities?: { add?: string[] }; readOnlyRootFilesystem?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
  containers: Container[];
  volumes?: {
    name: string;
    emptyDir?: object;
    persistentVolumeClaim?: object;
    hostPath?: { path: string };
    configMap?: { name: string };
  }[];
}

let workloads: KubeObject[];
beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('must run as root (mount namespaces, BPF)');
  // The sentinel's eBPF programs and loader, where its image has them (bpf/build).
  const make = spawnSync('make', ['-C', join(ROOT, 'bpf')], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make -C bpf failed:\n${make.stderr}${make.stdout}`);
  const objects = parseObjects(
    await helmTemplate(findKubeTools(), {
      set: {
        'enrollment.mode': 'off',
        insecureDevelopmentMode: 'true',
        'tls.enabled': 'false',
        'nats.auth': 'none',
      },
    }),
  );
  workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');
  // Each rendered ConfigMap as the kubelet would project it: one file per key.
  configMapRoot = mkdtempSync(join(tmpdir(), 'omega-sandbox-configmaps-'));
  for (const o of objects.filter((x) => x.kind === 'ConfigMap')) {
    configMapDirs.set(
      o.metadata.name,
      await configMapDirectory(objects, o.metadata.name, join(configMapRoot, o.metadata.name)),
    );
  }
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  if (configMapRoot) rmSync(configMapRoot, { recursive: true, force: true });
  // Mount points this spec had to create on the host (the sandbox binds ConfigMaps over them).
  for (const dir of createdMountPoints.reverse()) rmSync(dir, { recursive: true, force: true });
});

const CAPABILITY_BITS: Record<string, number> = {
  NET_ADMIN: 12,
  SYS_RESOURCE: 24,
  PERFMON: 38,
  BPF: 39,
};

function heldByThisProcess(capability: string): boolean {
  const bits = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const bit = CAPABILITY_BITS[capability];
  if (bits === undefined || bit === undefined) throw new Error(`unknown capability ${capability}`);
  return ((BigInt(`0x${bits}`) >> BigInt(bit)) & 1n) === 1n;
}

/** Where the sandbox sees the repository (bound over /mnt in its own mount namespace only). */
const APP_DIR = '/mnt';

/** This Node binary as the sandbox sees it: the pinned Node 24 lives inside the repository. */
function nodeInSandbox(): string {
  return process.execPath.startsWith(`${ROOT}/`)
    ? join(APP_DIR, process.execPath.slice(ROOT.length + 1))
    : process.execPath;
}

/** The shell run inside the new mount namespace, ending in exec of the service as the pod's user. */
function sandboxScript(name: string, spec: PodSpec, container: Container): string {
  const uid = spec.securityContext?.runAsUser ?? 0;
  const gid = spec.securityContext?.runAsGroup ?? 0;
  // The repository is bound at a fixed path first: a tmpfs the chart mounts (e.g. at /tmp) must
  // not hide it when the checkout lives below that path (a CI clone under /tmp does).
  const lines = ['set -e', `mount --bind ${ROOT} ${APP_DIR}`];
  // ConfigMap volumes: the rendered ConfigMap's files bound read-only at the mount path (before
  // the tmpfs mounts below, one of which may cover where those files are written).
  for (const mount of container.volumeMounts ?? []) {
    const volume = spec.volumes?.find((v) => v.name === mount.name);
    if (!volume?.configMap) continue;
    const source = configMapDirs.get(volume.configMap.name);
    if (!source) throw new Error(`${name}: ConfigMap ${volume.configMap.name} is not rendered`);
    if (!existsSync(mount.mountPath)) {
      let top = mount.mountPath;
      while (!existsSync(join(top, '..'))) top = join(top, '..');
      mkdirSync(mount.mountPath, { recursive: true });
      createdMountPoints.push(top);
    }
    lines.push(
      `mount --bind ${source} ${mount.mountPath}`,
      `mount -o remount,bind,ro ${mount.mountPath}`,
    );
  }
  // Volumes the chart mounts writable: emptyDir and PVC become tmpfs; host paths the sentinel
  // reads stay the host's (the namespace sees them already); its data hostPath becomes tmpfs.
  const writable = (container.volumeMounts ?? []).filter((m) => {
    const volume = spec.volumes?.find((v) => v.name === m.name);
    return volume?.emptyDir || volume?.persistentVolumeClaim || m.name === 'data';
  });
  for (const mount of writable) {
    // The mount point may not exist on this machine: give its parent a tmpfs first when needed.
    lines.push(
      `p=${mount.mountPath}; while [ ! -d "$p" ]; do p=$(dirname "$p"); done`,
      `[ "$p" = ${mount.mountPath} ] || { mount -t tmpfs tmpfs "$p" && mkdir -p ${mount.mountPath}; }`,
      `mount -t tmpfs -o mode=0770 tmpfs ${mount.mountPath}`,
      `chown ${uid}:${spec.securityContext?.fsGroup ?? gid} ${mount.mountPath}`,
    );
  }
  if (container.securityContext?.readOnlyRootFilesystem) lines.push('mount -o remount,bind,ro /');
  // A capability this machine withholds from root cannot be granted here (this VM has no
  // SYS_RESOURCE); the service then runs with fewer than its pod would get, never more.
  const caps = (container.securityContext?.capabilities?.add ?? [])
    .filter((c) => heldByThisProcess(c))
    .map((c) => `+${c.toLowerCase()}`);
  const capSet = ['-all', ...caps].join(',');
  lines.push(
    `cd ${APP_DIR}`,
    `exec setpriv --reuid=${uid} --regid=${gid} --groups=${spec.securityContext?.fsGroup ?? gid} ` +
      `--inh-caps=${capSet} --bounding-set=${capSet} ${uid === 0 ? '' : '--no-new-privs '}` +
      `${nodeInSandbox()} apps/${name}/dist/main.js`,
  );
  return lines.join('\n');
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

it.each(['gateway', 'trust', 'intelligence', 'orchestrator', 'deception', 'twin', 'sentinel'])(
  '%s becomes ready as its pod runs it',
  async (name) => {
    const workload = workloads.find((w) => w.metadata.name === `omega-${name}`) as KubeObject;
    const spec = (workload['spec'] as { template: { spec: PodSpec } }).template.spec;
    const container = spec.containers[0] as Container;
    const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: '/' };
    for (const v of container.env ?? []) {
      if (v.value !== undefined) env[v.name] = v.value;
      else if (v.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') env[v.name] = 'node-1';
    }
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    Object.assign(env, {
      OMEGA_NATS_SERVERS: nats.url,
      OMEGA_GRPC_PORT: String(grpcPort),
      OMEGA_HTTP_PORT: String(httpPort),
    });
    // Its own network namespace gives a pod every port; here trust's tiles port must be free too.
    if (name === 'trust') env['OMEGA_TRUST_TLOG_PORT'] = String(await freePort());
    // The host's cgroup2 tree, which the chart mounts at /host/cgroup.
    if (env['OMEGA_SENTINEL_KUBERNETES_CGROUP_ROOT']) {
      env['OMEGA_SENTINEL_KUBERNETES_CGROUP_ROOT'] = '/sys/fs/cgroup/unified';
    }
    const child = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', sandboxScript(name, spec, container)],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));

    const deadline = Date.now() + 60_000;
    while ((await readyz(httpPort)) !== 200) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `${describeObject(workload)} did not become ready in its sandbox (exit ${child.exitCode}); it printed:\n${output.slice(-4000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (name === 'sentinel') {
      // eBPF for real under the three capabilities: events are counted, not just readiness.
      const eventsDeadline = Date.now() + 30_000;
      let events = 0;
      while (events === 0 && Date.now() < eventsDeadline) {
        const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        events = [...text.matchAll(/^omega_sentinel_events_total\{[^}]*\} (\d+)/gm)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        );
        if (events === 0) await new Promise((r) => setTimeout(r, 500));
      }
      // Live events come only from the eBPF programs (the other source is pcap replay).
      expect({ events: events > 0, mode: output.includes('sentinel runs in ebpf mode') }).toEqual({
        events: true,
        mode: true,
      });
    }
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  },
  120_000,
);
