// The deception service on a real nats-server and real gRPC: it provisions its resources, serves
// DeceptionService, and answers each method not built yet with UNIMPLEMENTED naming the method
// (the honeytoken methods are built: honeytokens/honeytoken-grpc.spec.ts).
import { status } from '@grpc/grpc-js';
import { DeceptionServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { unaryAnswers, withNats } from '@omega/testkit';
import { DECEPTION_RESOURCES, type DeceptionServiceConfig } from './deception-service';
import { startDeception } from './testing/start-deception';

const BUILT = new Set([
  'MintHoneytoken',
  'ListHoneytokens',
  'RevokeHoneytoken',
  'DeployDecoy',
  'ListDecoys',
  'RemoveDecoy',
]);
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

  it('answers every unary DeceptionService method not built yet with UNIMPLEMENTED naming it', async () => {
    const answers = (
      await unaryAnswers(`127.0.0.1:${running.grpcPort}`, DeceptionServiceService)
    ).filter((answer) => !BUILT.has(answer.path.split('/').at(-1)!));
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
    const gauge = running.service.metrics.getSingleMetric(
      'omega_deception_grpc_methods_unimplemented',
    );
    expect((await gauge?.get())?.values[0]?.value).toBe(
      Object.keys(DeceptionServiceService).length - BUILT.size,
    );
  });
});
