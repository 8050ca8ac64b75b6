// The deception service on a real nats-server and real gRPC: it provisions its resources, serves
// DeceptionService, and answers each method not built yet with UNIMPLEMENTED naming the method.
import * as grpc from '@grpc/grpc-js';
import { DeceptionServiceClient, DeceptionServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { withNats } from '@omega/testkit';
import { DECEPTION_RESOURCES, type DeceptionServiceConfig } from './deception-service';
import { startDeception } from './testing/start-deception';

const nats = withNats({ jetstream: true });
let running: RunningService<DeceptionServiceConfig>;
let client: DeceptionServiceClient;

beforeAll(async () => {
  running = await startDeception(nats.url);
  client = new DeceptionServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

describe('deception service', () => {
  it('provisions its streams and key-value buckets', async () => {
    for (const stream of DECEPTION_RESOURCES.streams ?? []) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
    for (const bucket of DECEPTION_RESOURCES.kv ?? []) {
      // A key-value bucket is the stream KV_<bucket>.
      expect((await running.bus.jsm.streams.info(`KV_${bucket}`)).config.name).toBe(`KV_${bucket}`);
    }
  });

  it('answers every unary DeceptionService method not built yet with UNIMPLEMENTED naming it', async () => {
    const definition: grpc.ServiceDefinition = DeceptionServiceService;
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
      'omega_deception_grpc_methods_unimplemented',
    );
    expect((await gauge?.get())?.values[0]?.value).toBe(
      Object.keys(DeceptionServiceService).length,
    );
  });
});
