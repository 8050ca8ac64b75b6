// The sentinel service end to end with Kubernetes metadata: real kube-apiserver (libs/testkit),
// real nats-server, real kernel. A pod on this node (status written through the status
// subresource, as a kubelet would: the test server runs no kubelet) and a process exec'd in a real
// cgroup v2 directory of its container: the process event on TELEMETRY names the pod.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type Bus } from '@omega/bus';
import { EventBatch, type Event } from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import {
  loadKubernetesClient,
  startKubeApiServer,
  withNats,
  type KubeApiServer,
} from '@omega/testkit';
import { buildSentinel, sentinelServiceConfigSchema } from './sentinel-service';
import { DEFAULT_LOADER_PATH } from './sentinel-config';
import { buildLoader } from './testing/loader-build';

const NODE = 'node-k8s-test';
const CONTAINER_ID = 'c'.repeat(63) + '7';
const tmp = mkdtempSync(join(tmpdir(), 'omega-sentinel-k8s-'));
const mount = join(tmp, 'cgroup2');
const nats = withNats();
let kube: KubeApiServer;
let running: RunningService<unknown>;
let bus: Bus;
let podUid = '';
let scope = '';
const seen: Event[] = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('sentinel kubernetes spec: must run as root');
  buildLoader('sentinel kubernetes spec');
  kube = await startKubeApiServer();
  const k8s = await loadKubernetesClient();
  const core = kube.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'payments' } } });
  await core.createNamespacedServiceAccount({
    namespace: 'payments',
    body: { metadata: { name: 'ledger' } },
  });
  const pod = await core.createNamespacedPod({
    namespace: 'payments',
    body: {
      metadata: { name: 'ledger-0', labels: { app: 'ledger' } },
      spec: {
        nodeName: NODE,
        serviceAccountName: 'ledger',
        containers: [{ name: 'ledger', image: 'registry.example/ledger:4' }],
      },
    },
  });
  podUid = pod.metadata!.uid!;
  pod.status = {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'ledger',
        image: 'registry.example/ledger:4',
        imageID: `registry.example/ledger@sha256:${'4'.repeat(64)}`,
        containerID: `containerd://${CONTAINER_ID}`,
        ready: true,
        restartCount: 0,
      },
    ],
  };
  await core.replaceNamespacedPodStatus({ name: 'ledger-0', namespace: 'payments', body: pod });

  mkdirSync(mount);
  execFileSync('mount', ['-t', 'cgroup2', 'none', mount]);
  scope = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${podUid.replace(/-/g, '_')}.slice/cri-containerd-${CONTAINER_ID}.scope`;
  mkdirSync(join(mount, scope), { recursive: true });

  const configFile = join(tmp, 'sentinel.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      grpc: { port: 0, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      nats: { servers: [nats.url] },
      log: { level: 'warn' },
      sentinel: {
        node: NODE,
        mode: 'ebpf',
        loaderPath: DEFAULT_LOADER_PATH,
        dataDir: join(tmp, 'state'),
        flushIntervalMs: 20,
        kubernetes: { mode: 'on', kubeconfig: kube.kubeconfigPath, cgroupRoot: mount },
      },
    }),
  );
  running = await runService({
    name: 'sentinel',
    configSchema: sentinelServiceConfigSchema,
    resources: { streams: ['TELEMETRY', 'DLQ'], kv: ['omega_policy'] },
    env: { OMEGA_CONFIG_FILE: configFile },
    argv: [],
    installSignalHandlers: false,
    build: async (p) => {
      await buildSentinel(p);
    },
  });
  nats.beforeStop(async () => {
    await bus?.drain();
    await running?.service.shutdown('test done');
  });
  bus = await connectBus({
    servers: [nats.url],
    name: 'sentinel-k8s-spec',
    logger: running.service.logger,
  });
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    filter_subjects: [`omega.telemetry.process.${NODE}`],
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) seen.push(...EventBatch.decode(m.data).events);
  })();
}, 120_000);

afterAll(async () => {
  const parts = scope.split('/').filter(Boolean);
  for (let i = parts.length; i > 0; i--) {
    try {
      rmdirSync(join(mount, ...parts.slice(0, i)));
    } catch {
      // a process still leaving: umount below reports a busy mount
    }
  }
  spawnSync('umount', [mount]);
  await kube?.stop();
}, 30_000);

describe('sentinel with Kubernetes metadata (real kube-apiserver, kernel, cgroup v2)', () => {
  it('publishes the exec of a process in a pod container with that pod, namespace and container', async () => {
    const child = spawn(
      'sh',
      ['-c', `echo $$ > ${join(mount, scope, 'cgroup.procs')} && exec /bin/true`],
      { stdio: 'ignore' },
    );
    await new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 3_000;
    let event: Event | undefined;
    while (
      !(event = seen.find(
        (e) =>
          e.payload?.$case === 'processActivity' &&
          e.payload.value.activityId === 1 &&
          e.payload.value.process?.pid === child.pid &&
          e.payload.value.process?.executablePath === '/bin/true', // not the sh before it
      ))
    ) {
      if (Date.now() > deadline) throw new Error('no exec event for the pod process within 3 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(event.workload).toEqual({
      namespace: 'payments',
      pod: 'ledger-0',
      podUid,
      container: 'ledger',
      containerId: CONTAINER_ID,
      image: `registry.example/ledger@sha256:${'4'.repeat(64)}`,
      serviceAccount: 'ledger',
      podLabels: { app: 'ledger' },
    });
  });

  it('leaves a host process (root cgroup) without a workload', async () => {
    const child = spawn('/bin/true', [], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 3_000;
    let event: Event | undefined;
    while (
      !(event = seen.find(
        (e) => e.payload?.$case === 'processActivity' && e.payload.value.process?.pid === child.pid,
      ))
    ) {
      if (Date.now() > deadline) throw new Error('no exec event for the host process within 3 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(event.workload).toBeUndefined();
  });
});
