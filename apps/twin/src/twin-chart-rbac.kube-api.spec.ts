// The twin with exactly the permissions charts/omega gives it: the chart is installed with helm on
// a real kube-apiserver and the twin follows the cluster as the omega-twin service account (its
// ClusterRole grants get, list and watch only; chart-rbac.spec.ts proves nothing more). Every kind
// lists and watches without a refusal, and the graph equals a full rebuild made as the admin.
import { findKubeTools, installChart } from '@omega/chart';
import { eventually, startKubeApiServer, withNats, type KubeApiServer } from '@omega/testkit';
import { TwinOnKube } from './testing/twin-kube-fixture';

jest.setTimeout(240_000);

const nats = withNats({ jetstream: true });
let server: KubeApiServer;
let twin: TwinOnKube;

beforeAll(async () => {
  server = await startKubeApiServer();
  await installChart(findKubeTools(), server.kubeconfigPath, { namespace: 'omega' });
  const access = await server.serviceAccountAccess('omega', 'omega-twin');
  twin = new TwinOnKube(server, nats.url);
  await twin.start({
    kubernetes: { kubeconfigPath: access.kubeconfigPath, initialBackoffMs: 100, maxBackoffMs: 400 },
  });
}, 240_000);

nats.beforeStop(async () => {
  await twin?.close();
  await server?.stop();
});

const bigints = (_: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v);

describe('the twin as the chart deploys it', () => {
  it('lists and watches every kind it reads with the chart’s read-only ClusterRole', async () => {
    await eventually(
      'the twin to be ready',
      async () => {
        const readyz = await fetch(`http://127.0.0.1:${twin.running.httpPort}/readyz`);
        return readyz.status === 200 ? true : undefined;
      },
      60_000,
    );
    expect(await twin.metric('omega_twin_kube_api_reachable')).toBe(1);
    expect(await twin.metric('omega_twin_kube_watch_errors_total')).toBeUndefined();
  });

  it('agrees with a full rebuild of everything the admin lists, Secrets included', async () => {
    await twin.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'shop' },
        stringData: { password: 'not-for-the-twin' },
      },
    ]);
    const expected = await twin.rebuilt();
    const same = async () => {
      const { nodes, edges } = await twin.current();
      return JSON.stringify({ nodes, edges }, bigints) === JSON.stringify(expected, bigints);
    };
    await eventually('the twin to agree', async () => ((await same()) ? true : undefined)).catch(
      () => undefined,
    );
    const { nodes, edges } = await twin.current();
    expect({ nodes, edges }).toEqual(expected);
    expect(nodes.map((n) => n.id)).toContain('secret/shop/db');
    expect(nodes.map((n) => n.id)).toContain('clusterrole/omega-omega-twin');
    expect(JSON.stringify(nodes)).not.toContain('not-for-the-twin');
  });
});
