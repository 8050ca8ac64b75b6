// The pod watch against a real kube-apiserver (libs/testkit): pods on this node (and only those)
// reach the index with the container ids their status reports; a process exec'd in a real cgroup v2
// directory for one of those containers is stamped with its pod. Pods never run on the test server
// (no kubelet), so their status is written through the status subresource as a kubelet would.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@omega/runtime';
import {
  eventually,
  loadKubernetesClient,
  startKubeApiServer,
  type KubeApiServer,
} from '@omega/testkit';
import { CgroupDirectory } from './cgroup-directory';
import { FrameType, type ExecFrame } from '../wire/loader-frames';
import { LoaderSupervisor } from '../wire/loader-supervisor';
import { PodIndex } from './pod-index';
import { watchNodePods, type PodWatch } from './pod-watch';
import { processEvent } from '../events/process-events';
import { DEFAULT_LOADER_PATH } from '../sentinel-config';
import { WorkloadEnricher } from './workload-enricher';
import { buildLoader } from '../testing/loader-build';

const NODE = 'node-a';
const NS = 'shop';
const logger = createLogger({ service: 'sentinel', level: 'silent' });
let server: KubeApiServer;
let core: InstanceType<Awaited<ReturnType<typeof loadKubernetesClient>>['CoreV1Api']>;
let watch: PodWatch;
const index = new PodIndex();

function containerId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

async function createPod(name: string, node: string, containerIds: string[]): Promise<string> {
  const pod = await core.createNamespacedPod({
    namespace: NS,
    body: {
      metadata: { name, labels: { app: name } },
      spec: {
        nodeName: node,
        serviceAccountName: 'web',
        containers: containerIds.map((_, i) => ({
          name: `c${i}`,
          image: `registry.example/${name}:${i}`,
        })),
      },
    },
  });
  await setContainerIds(name, containerIds);
  return pod.metadata!.uid!;
}

/** What a kubelet writes once the containers run. */
async function setContainerIds(name: string, containerIds: string[]): Promise<void> {
  const pod = await core.readNamespacedPod({ name, namespace: NS });
  pod.status = {
    phase: 'Running',
    containerStatuses: containerIds.map((id, i) => ({
      name: `c${i}`,
      image: `registry.example/${name}:${i}`,
      imageID: `registry.example/${name}@sha256:${String(i).repeat(64)}`,
      containerID: `containerd://${id}`,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: new Date() } },
    })),
  };
  await core.replaceNamespacedPodStatus({ name, namespace: NS, body: pod });
}

beforeAll(async () => {
  server = await startKubeApiServer();
  const k8s = await loadKubernetesClient();
  core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  // no controller manager here to create the namespace's default service account
  await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'web' } } });
}, 120_000);

afterAll(async () => {
  await watch?.stop();
  await server?.stop();
}, 30_000);

describe('pod watch (real kube-apiserver)', () => {
  let webUid = '';

  it("indexes the pods on this node by their containers' ids, and not other nodes' pods", async () => {
    webUid = await createPod('web', NODE, [containerId(1), containerId(2)]);
    await createPod('elsewhere', 'node-b', [containerId(9)]);
    watch = await watchNodePods({ node: NODE, index, logger, kubeconfig: server.kubeconfigPath });
    const web = await eventually('web indexed', () =>
      index.lookup({ containerId: containerId(2) }),
    );
    expect(web).toMatchObject({
      namespace: NS,
      pod: 'web',
      podUid: webUid,
      container: 'c1',
      containerId: containerId(2),
      image: `registry.example/web@sha256:${'1'.repeat(64)}`,
      serviceAccount: 'web',
      podLabels: { app: 'web' },
    });
    expect(index.lookup({ containerId: containerId(9) })).toBeUndefined();
    expect(index.size.pods).toBe(1);
  });

  it('follows pods created later, container restarts (status updates) and deletions', async () => {
    await createPod('api', NODE, [containerId(3)]);
    await eventually('api indexed', () => index.lookup({ containerId: containerId(3) }));
    await setContainerIds('api', [containerId(4)]); // restarted: a new container id
    await eventually('restarted container indexed', () =>
      index.lookup({ containerId: containerId(4) }),
    );
    expect(index.lookup({ containerId: containerId(3) })).toBeUndefined();
    await core.deleteNamespacedPod({ name: 'api', namespace: NS, gracePeriodSeconds: 0 });
    await eventually('api gone', () =>
      index.lookup({ containerId: containerId(4) }) === undefined ? true : undefined,
    );
  });

  it('stamps a process in a real cgroup of one of those containers with its pod', async () => {
    if (process.getuid?.() !== 0) throw new Error('must run as root (cgroup2 mount, BPF)');
    buildLoader('pod watch spec');
    const mount = mkdtempSync(join(tmpdir(), 'omega-cgroup2-'));
    const scope = `/kubepods/besteffort/pod${webUid}/${containerId(1)}`; // cgroupfs driver layout
    execFileSync('mount', ['-t', 'cgroup2', 'none', mount]);
    const execs: ExecFrame[] = [];
    const loader = new LoaderSupervisor({
      loaderPath: DEFAULT_LOADER_PATH,
      logger,
      onFrame: (f) => void (f.type === FrameType.Exec && execs.push(f)),
    });
    try {
      mkdirSync(join(mount, scope), { recursive: true });
      await loader.start();
      const child = spawn('sh', [
        '-c',
        `echo $$ > ${join(mount, scope, 'cgroup.procs')} && exec /bin/true`,
      ]);
      await new Promise((r) => child.once('exit', r));
      const frame = await eventually('exec of /bin/true', () =>
        execs.find((e) => e.pid === child.pid && e.filename === '/bin/true'),
      );
      const enricher = new WorkloadEnricher(new CgroupDirectory({ root: mount }), index);
      expect(enricher.enrich(processEvent(frame, NODE)).workload).toMatchObject({
        namespace: NS,
        pod: 'web',
        container: 'c0',
        containerId: containerId(1),
      });
    } finally {
      await loader.stop();
      const parts = scope.split('/').filter(Boolean);
      for (let i = parts.length; i > 0; i--) rmdirSync(join(mount, ...parts.slice(0, i)));
      spawnSync('umount', [mount]);
    }
  }, 60_000);
});
