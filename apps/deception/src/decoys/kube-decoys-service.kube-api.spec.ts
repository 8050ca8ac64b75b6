// The deception service configured with `decoys.placement: kubernetes`, on a real nats-server and
// a real kube-apiserver where the chart was installed, reaching it with the omega-deception token
// file as in a pod: DeployDecoy over gRPC answers the manifests on dry_run and creates the objects
// otherwise; the relay started from the created Deployment's own arguments takes curl to the
// decoy's honeypot in the service; a bad spec is INVALID_ARGUMENT naming the field; a repeated
// request_id deploys nothing more.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKubeTools, installChart } from '@omega/chart';
import {
  DecoyKind,
  DecoySpec,
  DecoyStatus,
  DeceptionServiceClient,
  type DeceptionServiceService,
} from '@omega/proto';
import { Code, createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import {
  eventually,
  freePort,
  loadKubernetesClient,
  startKubeApiServer,
  withNats,
  type KubeApiServer,
  type KubernetesClient,
} from '@omega/testkit';
import type { DeceptionServiceConfig } from '../deception-service';
import { runClient } from '../testing/client-process';
import { NS, createNeighbours } from '../testing/decoy-neighbours';
import { startDeception } from '../testing/start-deception';
import { parseHostPort, startTcpRelay, type TcpRelay } from '../relay/tcp-relay';

const nats = withNats({ jetstream: true });
let k8s: KubernetesClient;
let server: KubeApiServer;
let dir: string;
let running: RunningService<DeceptionServiceConfig>;
let client: PromiseClient<typeof DeceptionServiceService>;
let relay: TcpRelay | undefined;

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  server = await startKubeApiServer();
  await installChart(findKubeTools(), server.kubeconfigPath, {
    namespace: 'omega',
    set: { 'deception.namespaces': `{${NS}}` },
  });
  await createNeighbours(k8s, server.kubeConfig);
  dir = await mkdtemp(join(tmpdir(), 'omega-kube-decoys-'));
  const tokenPath = join(dir, 'token');
  await writeFile(tokenPath, await server.requestServiceAccountToken('omega', 'omega-deception'));
  const relayPort = await freePort();
  const config = {
    deception: {
      kubernetes: { apiServerUrl: server.url, tokenPath, caPath: server.caPath },
      decoys: {
        placement: 'kubernetes',
        kubernetes: {
          namespaces: [NS],
          relayImage: 'registry.example.com/platform/tcp-proxy:1.4.2',
          relayUpstream: `127.0.0.1:${relayPort}`,
          relayListen: `127.0.0.1:${relayPort}`,
          relaySources: ['127.0.0.0/8'],
          relayPeer: { cidr: '10.244.3.0/24' },
        },
      },
    },
  };
  const configFile = join(dir, 'deception.yaml');
  await writeFile(configFile, JSON.stringify(config));
  running = await startDeception(nats.url, { OMEGA_CONFIG_FILE: configFile });
  client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 240_000);

nats.beforeStop(async () => {
  await relay?.close();
  client?.close();
  await running?.service.shutdown('test done');
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const spec = (partial: Partial<DecoySpec> = {}) =>
  DecoySpec.fromPartial({ kind: DecoyKind.DECOY_KIND_HTTP, namespace: NS, port: 8081, ...partial });

describe('the deception service placing decoys in Kubernetes', () => {
  it('answers the manifests on dry_run, creating nothing', async () => {
    const { decoy, manifestsYaml } = await client.deployDecoy({
      spec: spec(),
      dryRun: true,
      requestId: '',
    });
    expect(decoy?.status).toBe(DecoyStatus.DECOY_STATUS_PENDING);
    const kinds = k8s.loadAllYaml(manifestsYaml).map((o: { kind: string }) => o.kind);
    expect(kinds).toEqual(['NetworkPolicy', 'Service', 'Deployment']);
    const apps = server.kubeConfig.makeApiClient(k8s.AppsV1Api);
    const names = (await apps.listNamespacedDeployment({ namespace: NS })).items.map(
      (d) => d.metadata?.name,
    );
    expect(names).not.toContain(decoy?.spec?.name);
  });

  it('deploys a decoy whose relay, run with its Deployment’s own arguments, reaches the honeypot', async () => {
    const { decoy } = await client.deployDecoy({ spec: spec(), dryRun: false, requestId: '' });
    expect(decoy?.status).toBe(DecoyStatus.DECOY_STATUS_RUNNING);
    const apps = server.kubeConfig.makeApiClient(k8s.AppsV1Api);
    const deployment = await apps.readNamespacedDeployment({
      namespace: NS,
      name: decoy!.spec!.name,
    });
    const args = deployment.spec?.template.spec?.containers[0]?.args ?? [];
    const flag = (name: string) =>
      args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
    relay = await startTcpRelay({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: parseHostPort(flag('upstream'), '--upstream'),
      route: flag('route'),
    });
    const curl = await runClient('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `http://127.0.0.1:${relay.port}/`,
    ]);
    expect(curl.stdout).toMatch(/^[1-5][0-9][0-9]$/);

    // ListDecoys counts what the decoy's honeypot saw.
    const counted = await eventually('the decoy counts the request', async () => {
      const seen = await client.listDecoys({
        namespace: NS,
        kind: 0,
        includeRemoved: false,
        pageSize: 0,
        pageToken: '',
      });
      const count = seen.decoys.find((d) => d.id === decoy?.id)?.interactionCount ?? 0n;
      return count > 0n ? count : undefined;
    });
    expect(counted).toBeGreaterThan(0n);
    const listed = await client.listDecoys({
      namespace: NS,
      kind: 0,
      includeRemoved: false,
      pageSize: 0,
      pageToken: '',
    });
    expect(listed.decoys.map((d) => d.id)).toContain(decoy?.id);
    const removed = await client.removeDecoy({ decoyId: decoy!.id, reason: 'done', requestId: '' });
    expect(removed.decoy?.status).toBe(DecoyStatus.DECOY_STATUS_REMOVED);
    await expect(
      apps.readNamespacedDeployment({ namespace: NS, name: decoy!.spec!.name }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('refuses a namespace not configured for decoys with INVALID_ARGUMENT naming spec.namespace', async () => {
    await expect(
      client.deployDecoy({
        spec: spec({ namespace: 'kube-system' }),
        dryRun: false,
        requestId: '',
      }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining(
        'DeployDecoy: spec.namespace: "kube-system" is not a decoy namespace',
      ),
    });
  });

  it('deploys once per request_id: a repeat answers the same decoy and creates no second Deployment', async () => {
    const apps = server.kubeConfig.makeApiClient(k8s.AppsV1Api);
    const deployments = async () =>
      (await apps.listNamespacedDeployment({ namespace: NS })).items.length;
    const before = await deployments();
    const request = { spec: spec({ port: 8082 }), dryRun: false, requestId: 'kube-deploy-1' };
    const first = await client.deployDecoy(request);
    expect(first.decoy?.status).toBe(DecoyStatus.DECOY_STATUS_RUNNING);
    const again = await client.deployDecoy(request);
    expect(again.decoy?.id).toBe(first.decoy!.id);
    expect(await deployments()).toBe(before + 1);
  });
});
