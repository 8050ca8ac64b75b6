// The gateway service on a real nats-server and real gRPC: it provisions its resources, serves
// GatewayService (every method built), and refuses to issue bearer tokens over plaintext.
import { status } from '@grpc/grpc-js';
import { GatewayServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { unaryAnswers, withNats } from '@omega/testkit';
import { GATEWAY_RESOURCES, type GatewayServiceConfig } from './gateway-service';
import { startGateway } from './testing/start-gateway';

const TOKEN_METHODS: string[] = [
  GatewayServiceService.createToken.path,
  GatewayServiceService.listTokens.path,
  GatewayServiceService.revokeToken.path,
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

  it('refuses to make, list or revoke bearer tokens over plaintext, saying they need TLS', async () => {
    const answers = (
      await unaryAnswers(`127.0.0.1:${running.grpcPort}`, GatewayServiceService)
    ).filter((answer) => TOKEN_METHODS.includes(answer.path));
    expect(answers).toHaveLength(3);
    for (const answer of answers) {
      expect(answer).toEqual({
        path: answer.path,
        code: status.FAILED_PRECONDITION,
        details: `${answer.path}: bearer tokens need TLS (tls.enabled=true): a token sent in plaintext is anyone's`,
      });
    }
  });

  it('reports that no GatewayService method is left unbuilt', async () => {
    const gauge = running.service.metrics.getSingleMetric(
      'omega_gateway_grpc_methods_unimplemented',
    );
    expect((await gauge?.get())?.values[0]?.value).toBe(0);
  });
});
