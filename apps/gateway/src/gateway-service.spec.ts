// The gateway service on a real nats-server and real gRPC: it provisions its resources, serves
// GatewayService, and answers each method not built yet with UNIMPLEMENTED naming the method.
import * as grpc from '@grpc/grpc-js';
import { GatewayServiceClient, GatewayServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { withNats } from '@omega/testkit';
import { GATEWAY_RESOURCES, type GatewayServiceConfig } from './gateway-service';
import { startGateway } from './testing/start-gateway';

const nats = withNats({ jetstream: true });
let running: RunningService<GatewayServiceConfig>;
let client: GatewayServiceClient;

beforeAll(async () => {
  running = await startGateway(nats.url);
  client = new GatewayServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

describe('gateway service', () => {
  it('provisions its streams and key-value buckets', async () => {
    for (const stream of GATEWAY_RESOURCES.streams ?? []) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
    for (const bucket of GATEWAY_RESOURCES.kv ?? []) {
      // A key-value bucket is the stream KV_<bucket>.
      expect((await running.bus.jsm.streams.info(`KV_${bucket}`)).config.name).toBe(`KV_${bucket}`);
    }
  });

  it('answers every unary GatewayService method not built yet with UNIMPLEMENTED naming it', async () => {
    const definition: grpc.ServiceDefinition = GatewayServiceService;
    const methods = Object.values(definition).filter((m) => !m.responseStream);
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) {
      const answer = await new Promise<grpc.ServiceError>((resolve, reject) =>
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          method.requestDeserialize(Buffer.alloc(0)),
          (err: grpc.ServiceError | null) =>
            err ? resolve(err) : reject(new Error(`${method.path} answered`)),
        ),
      );
      expect({ code: answer.code, details: answer.details }).toEqual({
        code: grpc.status.UNIMPLEMENTED,
        details: `${method.path} is not built yet`,
      });
    }
  });

  it('reports how many methods are not built yet', async () => {
    const gauge = running.service.metrics.getSingleMetric(
      'omega_gateway_grpc_methods_unimplemented',
    );
    expect((await gauge?.get())?.values[0]?.value).toBe(Object.keys(GatewayServiceService).length);
  });
});
