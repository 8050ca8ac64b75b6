import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from './errors';
import { EchoClient, callUnary, echoDefinition, streamStatus } from './fixtures/echo-service';
import { bindGrpcServer, grpcServiceName, toGrpcError, unimplementedService } from './grpc-server';

describe('unimplementedService', () => {
  const server = new grpc.Server();
  let client: grpc.Client & Record<string, (...args: unknown[]) => NodeJS.EventEmitter>;

  beforeAll(async () => {
    server.addService(echoDefinition, unimplementedService(echoDefinition));
    const port = await bindGrpcServer(server, '127.0.0.1', 0);
    client = new EchoClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    ) as typeof client;
  });
  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  it('answers a unary call UNIMPLEMENTED, naming the method path', async () => {
    await expect(callUnary(client, 'echo', { text: 'hi' })).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: '/omega.test.v1.Echo/Echo is not built yet',
    });
  });

  it('answers client-streaming, server-streaming and bidi calls the same way', async () => {
    const collect = await new Promise<grpc.ServiceError | null>((resolve) => {
      const call = client['collect']?.((err: grpc.ServiceError | null) =>
        resolve(err),
      ) as grpc.ClientWritableStream<unknown>;
      call.write({ n: 1 });
      call.end();
    });
    expect(collect).toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: '/omega.test.v1.Echo/Collect is not built yet',
    });

    const repeat = client['repeat']?.({ n: 1 }) as grpc.ClientReadableStream<unknown>;
    expect(await streamStatus(repeat)).toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: '/omega.test.v1.Echo/Repeat is not built yet',
    });

    const chat = client['chat']?.() as grpc.ClientDuplexStream<unknown, unknown>;
    const chatStatus = streamStatus(chat);
    chat.end();
    expect(await chatStatus).toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: '/omega.test.v1.Echo/Chat is not built yet',
    });
  });
});

describe('grpc helpers', () => {
  it('name a service by the package-qualified name in its method paths', () => {
    expect(grpcServiceName(echoDefinition)).toBe('omega.test.v1.Echo');
  });

  it('map an OmegaError to its status and hide the message of anything else', () => {
    expect(toGrpcError(new OmegaError(Code.NotFound, 'identity node-7: not found'))).toEqual({
      code: grpc.status.NOT_FOUND,
      details: 'identity node-7: not found',
    });
    expect(toGrpcError(new Error('db password rejected'))).toEqual({
      code: grpc.status.INTERNAL,
      details: 'internal error',
    });
  });

  it('report a port that cannot be bound as Unavailable, naming the address', async () => {
    const first = new grpc.Server();
    const second = new grpc.Server();
    const port = await bindGrpcServer(first, '127.0.0.1', 0);
    grpc.setLogVerbosity(grpc.logVerbosity.NONE); // grpc-js logs the failed bind itself
    try {
      await expect(bindGrpcServer(second, '127.0.0.1', port)).rejects.toMatchObject({
        code: Code.Unavailable,
        message: expect.stringContaining(`grpc: cannot listen on 127.0.0.1:${port}`),
      });
    } finally {
      grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
      first.forceShutdown();
      second.forceShutdown();
    }
  });
});
