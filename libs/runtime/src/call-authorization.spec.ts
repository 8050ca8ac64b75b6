// The authorization hook at the gRPC boundary, on a real grpc-js server and client: it runs before
// every handler (streaming and unimplemented methods too), and a service that installed one
// refuses to serve an implementation built without it.
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from './errors';
import { LogCapture, TypedEchoClient, echoDefinition } from './fixtures/echo-service';
import { createPromiseClient, type PromiseClient } from './grpc-client';
import { implementService, type AuthorizeCall, type ServiceHandlers } from './grpc-handlers';
import { bindGrpcServer } from './grpc-server';
import { createLogger } from './logger';
import { startService, type Service } from './service';

const logger = createLogger({ service: 'call-authorization-spec', destination: new LogCapture() });
const running: { server: grpc.Server; client: PromiseClient<typeof echoDefinition> }[] = [];

afterEach(() => {
  for (const { server, client } of running.splice(0)) {
    client.close();
    server.forceShutdown();
  }
});

async function serve(handlers: ServiceHandlers<typeof echoDefinition>, authorize: AuthorizeCall) {
  const server = new grpc.Server();
  server.addService(
    echoDefinition,
    implementService(echoDefinition, handlers, { logger, authorize }),
  );
  const port = await bindGrpcServer(server, '127.0.0.1', 0);
  const client = createPromiseClient(TypedEchoClient, `127.0.0.1:${port}`, { timeoutMs: 10_000 });
  running.push({ server, client });
  return client;
}

const refuseEcho: AuthorizeCall = ({ method, peer }) => {
  if (method.endsWith('/Echo')) {
    throw new OmegaError(
      Code.PermissionDenied,
      `${method}: caller at ${peer.address} may not call it`,
    );
  }
};

describe('implementService with an authorize hook', () => {
  it('refuses a call before its handler runs, with the hook’s code and message', async () => {
    let handled = 0;
    const client = await serve(
      {
        echo: (request) => {
          handled += 1;
          return request;
        },
      },
      refuseEcho,
    );
    await expect(client.echo({ text: 'hi' })).rejects.toMatchObject({
      code: Code.PermissionDenied,
      message: expect.stringContaining('/omega.test.v1.Echo/Echo: caller at'),
    });
    expect(handled).toBe(0);
  });

  it('lets an allowed call through to its handler', async () => {
    const client = await serve(
      {
        repeat: async function* () {
          yield { n: 7 };
        },
      },
      refuseEcho,
    );
    const received: unknown[] = [];
    for await (const message of client.repeat({ n: 1 })) received.push(message);
    expect(received).toEqual([{ n: 7 }]);
  });

  it('checks server-streaming methods before the first message', async () => {
    const refuseAll: AuthorizeCall = ({ method }) => {
      throw new OmegaError(Code.Unauthenticated, `${method}: no certificate`);
    };
    const client = await serve(
      {
        repeat: async function* () {
          yield { n: 1 };
        },
      },
      refuseAll,
    );
    const received: unknown[] = [];
    await expect(
      (async () => {
        for await (const message of client.repeat({ n: 1 })) received.push(message);
      })(),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(received).toEqual([]);
  });

  it('checks methods that are not built, so a refused caller cannot tell them apart', async () => {
    const client = await serve({}, refuseEcho);
    await expect(client.echo({ text: 'hi' })).rejects.toMatchObject({
      code: Code.PermissionDenied,
    });
  });
});

describe('Service.useCallAuthorization', () => {
  let service: Service<unknown> | undefined;
  afterEach(async () => {
    await service?.shutdown('test over');
    service = undefined;
  });

  it('refuses to serve an implementation built without the installed check, naming the way', async () => {
    service = await startService({
      name: 'authz-spec',
      defaults: { grpcPort: 0, httpPort: 0 },
      env: { OMEGA_GRPC_HOST: '127.0.0.1', OMEGA_HTTP_HOST: '127.0.0.1' },
      argv: [],
      installSignalHandlers: false,
      logDestination: new LogCapture(),
    });
    service.useCallAuthorization(refuseEcho);
    expect(() =>
      service?.addGrpcService(echoDefinition, implementService(echoDefinition, {}, { logger })),
    ).toThrow(/omega\.test\.v1\.Echo would serve calls unchecked: build it with .*handlerOptions/);
    expect(() =>
      service?.addGrpcService(
        echoDefinition,
        implementService(echoDefinition, {}, service.handlerOptions),
      ),
    ).not.toThrow();
  });
});
