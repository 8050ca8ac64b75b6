// The twin service on a real nats-server and real gRPC: it provisions its resources, serves
// TwinService, and answers each method not built yet with UNIMPLEMENTED naming the method.
import { status } from '@grpc/grpc-js';
import { TwinServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { unaryAnswers, withNats } from '@omega/testkit';
import { TWIN_RESOURCES, type TwinServiceConfig } from './twin-service';
import { startTwin } from './testing/start-twin';

/** Methods built so far (env-rpc.spec.ts covers them). */
const BUILT = ['ResetEnv', 'StepEnv', 'CloseEnv'];

const nats = withNats({ jetstream: true });
let running: RunningService<TwinServiceConfig>;

beforeAll(async () => {
  running = await startTwin(nats.url);
}, 30_000);

nats.beforeStop(async () => {
  await running?.service.shutdown('test done');
});

describe('twin service', () => {
  it('provisions its streams and key-value buckets (a bucket is the stream KV_<bucket>)', async () => {
    const expected = [
      ...(TWIN_RESOURCES.streams ?? []),
      ...(TWIN_RESOURCES.kv ?? []).map((bucket) => `KV_${bucket}`),
    ];
    for (const stream of expected) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
  });

  it('answers every unary TwinService method not built yet with UNIMPLEMENTED naming it', async () => {
    const answers = (
      await unaryAnswers(`127.0.0.1:${running.grpcPort}`, TwinServiceService)
    ).filter((answer) => !BUILT.some((method) => answer.path.endsWith(`/${method}`)));
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer).toEqual({
        path: answer.path,
        code: status.UNIMPLEMENTED,
        details: `${answer.path} is not built yet`,
      });
    }
  });

  it('reports how many methods are not built yet', async () => {
    const gauge = running.service.metrics.getSingleMetric('omega_twin_grpc_methods_unimplemented');
    expect((await gauge?.get())?.values[0]?.value).toBe(
      Object.keys(TwinServiceService).length - BUILT.length,
    );
  });
});
