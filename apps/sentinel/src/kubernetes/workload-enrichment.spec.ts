// Real-kernel test of cgroup → container → pod enrichment: a process exec'd inside a cgroup v2
// directory laid out as kubelet's systemd driver does (on a cgroup2 mount of our own) is stamped with
// the pod that owns that container id. The pods come from Pod objects handed to the index directly:
// the real API server path (pod watch) is exercised where libs/testkit provides kube-apiserver.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@omega/runtime';
import { CgroupDirectory } from './cgroup-directory';
import { FrameType, type ExecFrame, type Frame } from '../wire/loader-frames';
import { LoaderSupervisor } from '../wire/loader-supervisor';
import { PodIndex } from './pod-index';
import { processEvent } from '../events/process-events';
import { DEFAULT_LOADER_PATH } from '../sentinel-config';
import { WorkloadEnricher } from './workload-enricher';
import { buildLoader } from '../testing/loader-build';

const CONTAINER_ID = 'e'.repeat(63) + '1';
const POD_UID = '11111111-2222-3333-4444-555555555555';
const mount = mkdtempSync(join(tmpdir(), 'omega-cgroup2-'));
const SLICE = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_UID.replace(/-/g, '_')}.slice`;
const SCOPE = `${SLICE}/cri-containerd-${CONTAINER_ID}.scope`;
const execs: ExecFrame[] = [];
let loader: LoaderSupervisor;

beforeAll(async () => {
  if (process.getuid?.() !== 0)
    throw new Error('workload enrichment spec: must run as root (cgroup2 mount, BPF)');
  buildLoader('workload enrichment spec');
  execFileSync('mount', ['-t', 'cgroup2', 'none', mount]);
  mkdirSync(join(mount, SCOPE), { recursive: true });
  loader = new LoaderSupervisor({
    loaderPath: DEFAULT_LOADER_PATH,
    logger: createLogger({ service: 'sentinel', level: 'silent' }),
    onFrame: (frame: Frame) => {
      if (frame.type === FrameType.Exec) execs.push(frame);
    },
  });
  await loader.start();
}, 60_000);

afterAll(async () => {
  await loader?.stop();
  const parts = SCOPE.split('/').filter(Boolean);
  for (let i = parts.length; i > 0; i--) {
    try {
      rmdirSync(join(mount, ...parts.slice(0, i)));
    } catch {
      // still populated (a process exiting late): the unmount below fails too and says so
    }
  }
  spawnSync('umount', [mount]);
});

describe('workload enrichment (real kernel, real cgroup v2)', () => {
  it("stamps a process run in a pod's container cgroup with that pod, namespace and container", async () => {
    const procs = join(mount, SCOPE, 'cgroup.procs');
    // the shell moves itself into the container's cgroup, then execs the program
    const child = spawn('sh', ['-c', `echo $$ > ${procs} && exec /bin/echo omega-in-pod`], {
      stdio: 'ignore',
    });
    await new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 2_000;
    let frame: ExecFrame | undefined;
    while (!(frame = execs.find((e) => e.pid === child.pid && e.filename === '/bin/echo'))) {
      if (Date.now() > deadline) throw new Error('no exec event for /bin/echo within 2 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    // the kernel's cgroup id is the inode of the directory we made
    expect(frame.cgroupId).toBe(statSync(join(mount, SCOPE), { bigint: true }).ino);

    const index = new PodIndex();
    index.upsert({
      metadata: { name: 'shop-web-0', namespace: 'shop', uid: POD_UID, labels: { app: 'web' } },
      spec: { serviceAccountName: 'web', containers: [{ name: 'web', image: 'web:1' }] },
      status: { containerStatuses: [{ name: 'web', containerID: `containerd://${CONTAINER_ID}` }] },
    });
    const enricher = new WorkloadEnricher(new CgroupDirectory({ root: mount }), index);
    const event = enricher.enrich(processEvent(frame, 'node-a'));
    expect(event.workload).toMatchObject({
      namespace: 'shop',
      pod: 'shop-web-0',
      podUid: POD_UID,
      container: 'web',
      containerId: CONTAINER_ID,
      image: 'web:1',
      serviceAccount: 'web',
    });
  });

  it('leaves events from cgroups that are not containers as they are', () => {
    const enricher = new WorkloadEnricher(new CgroupDirectory({ root: mount }), new PodIndex());
    const root = statSync(mount, { bigint: true }).ino;
    const event = processEvent({ ...(execs[0] as ExecFrame), cgroupId: root }, 'node-a');
    expect(enricher.enrich(event).workload).toBeUndefined();
  });
});
