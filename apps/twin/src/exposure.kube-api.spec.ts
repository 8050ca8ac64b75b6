// AssessExposure on a twin following a real kube-apiserver: a privileged web pod behind a NodePort
// on node n1. The only way in is external → web (ENDPOINT_EXPLOIT), then two escapes in parallel
// to n1 (CE_PRIV_MOUNT, and CE_MODULE_LOAD since a privileged container may load modules), so by
// the series/parallel rule P(web) = p₁ and P(n1) = p₁·(1 − (1 − p₂)(1 − p₃)) with the attacks'
// exploitabilities (the lib's input table, ATTACKS); the steps to each are 1 and 2, and web is
// the chokepoint every path crosses.
import { status } from '@grpc/grpc-js';
import { ATTACKS } from '@omega/attack-graph';
import type { AssessExposureRequest } from '@omega/proto';
import { startKubeApiServer, eventually, withNats, type KubeApiServer } from '@omega/testkit';
import { ns, webPod } from './testing/shop-manifests';
import { TwinOnKube } from './testing/twin-kube-fixture';

jest.setTimeout(180_000);

const nats = withNats({ jetstream: true });
let server: KubeApiServer;
let twin: TwinOnKube;

beforeAll(async () => {
  server = await startKubeApiServer();
  twin = new TwinOnKube(server, nats.url);
  await twin.start();
  await twin.apply([
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    ns('shop'),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' } },
    webPod,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] },
    },
  ]);
  await eventually('the twin to draw the exposed pod', async () =>
    (await twin.current()).edges.some((e) => e.attackKind === 'ENDPOINT_EXPLOIT')
      ? true
      : undefined,
  );
}, 180_000);

nats.beforeStop(async () => {
  await twin?.close();
  await server?.stop();
});

const request = (fields: Partial<AssessExposureRequest> = {}): AssessExposureRequest => ({
  query: {
    sourceNodeIds: [],
    targetNodeIds: ['pod/shop/web', 'node/n1'],
    targetKinds: [],
    maxDepth: 0,
    maxPaths: 0,
    edgeKinds: [],
  },
  snapshotId: '',
  iterations: 20_000,
  seed: 7n,
  maxChokepoints: 0,
  ...fields,
});

describe('AssessExposure', () => {
  it('estimates each asset’s chance and steps to compromise within its interval, and names the chokepoint', async () => {
    const answer = await twin.client.assessExposure(request());
    const pWeb = ATTACKS.ENDPOINT_EXPLOIT.exploitability;
    const pNode =
      pWeb *
      (1 -
        (1 - ATTACKS.CE_PRIV_MOUNT.exploitability) * (1 - ATTACKS.CE_MODULE_LOAD.exploitability));
    expect(answer.assets.map((a) => a.nodeId)).toEqual(['pod/shop/web', 'node/n1']);
    const [web, node] = answer.assets;
    for (const [asset, truth] of [
      [web!, pWeb],
      [node!, pNode],
    ] as const) {
      expect(asset.probabilityLow).toBeLessThanOrEqual(truth);
      expect(asset.probabilityHigh).toBeGreaterThanOrEqual(truth);
    }
    expect([web!.meanSteps, node!.meanSteps]).toEqual([1, 2]);
    expect(answer).toMatchObject({ iterations: 20_000, seed: 7n });
    // A target is never its own chokepoint: between external and n1, web is the one.
    const toNode = await twin.client.assessExposure(
      request({
        query: { ...request().query!, targetNodeIds: ['node/n1'] },
        iterations: 100,
      }),
    );
    expect(toNode.chokepoints.map((c) => c.nodeId)).toEqual(['pod/shop/web']);
  });

  it('answers the same for the same seed and snapshot', async () => {
    const first = await twin.client.assessExposure(request());
    const again = await twin.client.assessExposure(request({ snapshotId: first.snapshotId }));
    expect(again).toEqual(first);
  });

  it('refuses more runs than the server allows, naming the field', async () => {
    await expect(
      twin.client.assessExposure(request({ iterations: 100_001 })),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: expect.stringContaining('AssessExposure: iterations: 100001 is more than 100000'),
    });
  });
});
