// The deception service on a real nats-server and real gRPC: it provisions its resources and
// serves every DeceptionService method (none answers UNIMPLEMENTED any more).
import { status } from '@grpc/grpc-js';
import { DeceptionServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { unaryAnswers, withNats } from '@omega/testkit';
import { DECEPTION_RESOURCES, type DeceptionServiceConfig } from './deception-service';
import { startDeception } from './testing/start-deception';

const nats = withNats({ jetstream: true });
let running: RunningService<DeceptionServiceConfig>;

beforeAll(async () => {
  running = await startDeception(nats.url);
}, 30_000);

nats.beforeStop(async () => {
  await running?.service.shutdown('test done');
});

describe('deception service', () => {
  it('provisions its streams and key-value buckets (a bucket is the stream KV_<bucket>)', async () => {
    const expected = [
      ...(DECEPTION_RESOURCES.streams ?? []),
      ...(DECEPTION_RESOURCES.kv ?? []).map((bucket) => `KV_${bucket}`),
    ];
    for (const stream of expected) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
  });

  it('builds every unary DeceptionService method: an empty request gets an answer other than UNIMPLEMENTED', async () => {
    const answers = await unaryAnswers(`127.0.0.1:${running.grpcPort}`, DeceptionServiceService);
    expect(answers.map((answer) => answer.path).sort()).toEqual(
      Object.values(DeceptionServiceService)
        .map((method) => method.path)
        .sort(),
    );
    for (const answer of answers) expect(answer.code).not.toBe(status.UNIMPLEMENTED);
  });

  it('reports no method as not built', async () => {
    const gauge = running.service.metrics.getSingleMetric(
      'omega_deception_grpc_methods_unimplemented',
    );
    expect((await gauge?.get())?.values[0]?.value).toBe(0);
  });
});
