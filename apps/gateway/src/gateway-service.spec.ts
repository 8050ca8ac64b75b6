// The gateway service on a real nats-server and real gRPC: it provisions its resources, serves
// GatewayService, and answers each method not built yet with UNIMPLEMENTED naming the method.
import { status } from '@grpc/grpc-js';
import { GatewayServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { unaryAnswers, withNats } from '@omega/testkit';
import { GATEWAY_RESOURCES, type GatewayServiceConfig } from './gateway-service';
import { startGateway } from './testing/start-gateway';

const BUILT: string[] = [
  GatewayServiceService.whoAmI.path,
  GatewayServiceService.checkAccess.path,
  GatewayServiceService.getServerInfo.path,
];
const nats = withNats({ jetstream: true });
let running: RunningService<GatewayServiceConfig>;

beforeAll(async () => {
  running = await startGateway(nats.url);
}, 30_000);

nats.beforeStop(async () => {
  await running?.service.shutdown('test done');
});

describe('gateway service', () => {
  it('provisions its streams and key-value buckets (a bucket is the stream KV_<bucket>)', async () => {
    const expected = [
      ...(GATEWAY_RESOURCES.streams ?? []),
      ...(GATEWAY_RESOURCES.kv ?? []).map((bucket) => `KV_${bucket}`),
    ];
    for (const stream of expected) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
  });

  it('answers every unary GatewayService method not built yet with UNIMPLEMENTED naming it', async () => {
    const answers = (
      await unaryAnswers(`127.0.0.1:${running.grpcPort}`, GatewayServiceService)
    ).filter((answer) => !BUILT.includes(answer.path));
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
      'omega_gateway_grpc_methods_unimplemented',
    );
    expect((await gauge?.get())?.values[0]?.value).toBe(
      Object.keys(GatewayServiceService).length - BUILT.length,
    );
  });
});
