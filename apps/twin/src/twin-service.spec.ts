// The twin service on a real nats-server and real gRPC, without Kubernetes: it provisions its
// resources, answers GetGraph and FindAttackPaths over its (empty) graph, and answers each method
// not built yet with UNIMPLEMENTED naming the method.
import { status } from '@grpc/grpc-js';
import { TwinServiceClient, TwinServiceService } from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { unaryAnswers, withNats } from '@omega/testkit';
import { TWIN_RESOURCES, type TwinServiceConfig } from './twin-service';
import { startTwin } from './testing/start-twin';

const nats = withNats({ jetstream: true });
let running: RunningService<TwinServiceConfig>;
let client: PromiseClient<typeof TwinServiceService>;

/** Built here; the others arrive with their own handler factories. */
const BUILT = ['/omega.v1.TwinService/GetGraph', '/omega.v1.TwinService/FindAttackPaths'];

beforeAll(async () => {
  running = await startTwin(nats.url, { OMEGA_TWIN_KUBERNETES_ENABLED: 'false' });
  client = createPromiseClient(TwinServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

describe('twin service', () => {
  it('provisions its streams and key-value buckets (a bucket is the stream KV_<bucket>)', async () => {
    const expected = [
      ...(TWIN_RESOURCES.streams ?? []),
      ...(TWIN_RESOURCES.kv ?? []).map((bucket) => `KV_${bucket}`),
    ];
    expect(expected).toEqual(['TELEMETRY', 'ALERTS', 'KV_omega_twin']);
    for (const stream of expected) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
  });

  it('answers GetGraph with the vertex every graph has, and a snapshot id', async () => {
    const { graph } = await client.getGraph({
      namespaces: [],
      nodeKinds: [],
      includeObservedFlows: true,
      snapshotId: '',
    });
    expect(graph!.nodes.map((n) => n.id)).toEqual(['external']);
    expect(graph!.snapshotId).not.toBe('');
  });

  it('refuses a path query past its bounds, naming the field', async () => {
    await expect(
      client.findAttackPaths({
        query: {
          sourceNodeIds: [],
          targetNodeIds: [],
          targetKinds: [],
          maxDepth: 33,
          maxPaths: 0,
          edgeKinds: [],
        },
        snapshotId: '',
      }),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: expect.stringContaining(
        'INVALID_ARGUMENT: FindAttackPaths: query.max_depth: 33 is more than 32',
      ),
    });
  });

  it('answers every unary TwinService method not built yet with UNIMPLEMENTED naming it', async () => {
    const answers = await unaryAnswers(`127.0.0.1:${running.grpcPort}`, TwinServiceService);
    const unbuilt = answers.filter((a) => !BUILT.includes(a.path));
    expect(unbuilt.map((a) => a.path).sort()).toEqual([
      '/omega.v1.TwinService/CloseEnv',
      '/omega.v1.TwinService/ResetEnv',
      '/omega.v1.TwinService/SimulateWhatIf',
      '/omega.v1.TwinService/StepEnv',
    ]);
    for (const answer of unbuilt) {
      expect(answer).toEqual({
        path: answer.path,
        code: status.UNIMPLEMENTED,
        details: `${answer.path} is not built yet`,
      });
    }
  });

  it('reports how many methods are not built yet', async () => {
    const gauge = running.service.metrics.getSingleMetric('omega_twin_grpc_methods_unimplemented');
    expect((await gauge?.get())?.values[0]?.value).toBe(4);
  });
});
