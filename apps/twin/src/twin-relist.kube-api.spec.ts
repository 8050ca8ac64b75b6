// The twin when the API server has compacted away the version it watches from: a real
// kube-apiserver without its watch cache (watches read etcd, which it compacts every second),
// watches that end every second, and changes to a kind the twin does not read moving the
// version on. The next watch is refused 410 Gone; the twin lists again, counts it, and still
// follows the cluster as a full rebuild sees it.
import { eventually, startKubeApiServer, withNats, type KubeApiServer } from '@omega/testkit';
import { TwinOnKube } from './testing/twin-kube-fixture';

jest.setTimeout(180_000);

const nats = withNats({ jetstream: true });
let server: KubeApiServer;
let twin: TwinOnKube;

beforeAll(async () => {
  server = await startKubeApiServer({
    apiServerArgs: ['--watch-cache=false', '--etcd-compaction-interval=1s'],
  });
  twin = new TwinOnKube(server, nats.url);
  await twin.start({
    kubernetes: {
      kubeconfigPath: server.kubeconfigPath,
      watchTimeoutSeconds: 1,
      initialBackoffMs: 100,
      maxBackoffMs: 400,
    },
  });
}, 180_000);

nats.beforeStop(async () => {
  await twin?.close();
  await server?.stop();
});

const bigints = (_: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v);

it('lists again after 410 Gone and keeps following the cluster', async () => {
  await eventually('the twin to follow the cluster', async () =>
    (await twin.current()).nodes.length > 1 ? true : undefined,
  );
  // ConfigMaps move the version on without any event the Node watch would see.
  for (let i = 0; i < 40; i++) {
    await twin.kubectlRun(['create', 'configmap', `filler-${i}`, '-n', 'default']);
  }
  await eventually(
    'a relist after 410 Gone',
    async () =>
      ((await twin.metric('omega_twin_kube_relists_total', { kind: 'Node' })) ?? 0) > 0
        ? true
        : undefined,
    60_000,
  );
  await twin.apply([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'after-the-relist' } }]);
  const expected = await twin.rebuilt();
  await eventually('the twin to agree with a full rebuild', async () => {
    const { nodes, edges } = await twin.current();
    return JSON.stringify({ nodes, edges }, bigints) === JSON.stringify(expected, bigints)
      ? true
      : undefined;
  }).catch(() => undefined);
  const { nodes, edges } = await twin.current();
  expect({ nodes, edges }).toEqual(expected);
  expect(nodes.map((n) => n.id)).toContain('node/after-the-relist');
});
