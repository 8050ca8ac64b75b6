// createPromiseClient against a real grpc-js server (and against an address nobody serves).
import * as grpc from '@grpc/grpc-js';
import { Code } from './errors';
import { TypedEchoClient, echoDefinition } from './fixtures/echo-service';
import { createPromiseClient } from './grpc-client';
import { bindGrpcServer, unimplementedService } from './grpc-server';

describe('createPromiseClient', () => {
  it('rejects with an OmegaError naming the service, method, address and status', async () => {
    const server = new grpc.Server();
    const port = await bindGrpcServer(server, '127.0.0.1', 0);
    server.forceShutdown(); // the port is now free: nobody answers there
    const client = createPromiseClient(TypedEchoClient, `127.0.0.1:${port}`);
    try {
      const err = await client.echo({ text: 'hi' }, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        name: 'OmegaError',
        code: Code.Unavailable,
        message: expect.stringMatching(
          new RegExp(`^omega\\.test\\.v1\\.Echo/Echo at 127\\.0\\.0\\.1:${port}: UNAVAILABLE: .+`),
        ),
        cause: expect.objectContaining({ code: grpc.status.UNAVAILABLE }),
      });
    } finally {
      client.close();
    }
  });

  it('rejects at once, without a call, when the signal is already aborted', async () => {
    const client = createPromiseClient(TypedEchoClient, '127.0.0.1:1');
    try {
      await expect(client.echo({}, { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: Code.Canceled,
      });
      const stream = client.repeat({}, { signal: AbortSignal.abort() });
      await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({
        code: Code.Canceled,
      });
    } finally {
      client.close();
    }
  });

  it('reports a streaming call that fails with its status, naming the method', async () => {
    const server = new grpc.Server();
    server.addService(echoDefinition, unimplementedService(echoDefinition));
    const port = await bindGrpcServer(server, '127.0.0.1', 0);
    const client = createPromiseClient(TypedEchoClient, `127.0.0.1:${port}`, { timeoutMs: 5_000 });
    try {
      const drain = async (): Promise<void> => {
        for await (const _ of client.repeat({})) void _;
      };
      await expect(drain()).rejects.toMatchObject({
        code: Code.Unimplemented,
        message: `omega.test.v1.Echo/Repeat at 127.0.0.1:${port}: UNIMPLEMENTED: /omega.test.v1.Echo/Repeat is not built yet`,
      });
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  it('gives each call the client timeout unless the call sets its own (Infinity: none)', async () => {
    const server = new grpc.Server();
    server.addService(echoDefinition, {
      ...unimplementedService(echoDefinition),
      echo: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        void setTimeout(() => callback(null, call.request), 300),
    });
    const port = await bindGrpcServer(server, '127.0.0.1', 0);
    const client = createPromiseClient(TypedEchoClient, `127.0.0.1:${port}`, { timeoutMs: 100 });
    try {
      await expect(client.echo({ n: 1 })).rejects.toMatchObject({ code: Code.DeadlineExceeded });
      await expect(client.echo({ n: 2 }, { timeoutMs: Infinity })).resolves.toEqual({ n: 2 });
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  it('has no methods for client- or bidi-streaming calls', () => {
    const client = createPromiseClient(TypedEchoClient, '127.0.0.1:1');
    try {
      expect(Object.keys(client).sort()).toEqual([
        'address',
        'close',
        'echo',
        'grpcClient',
        'repeat',
      ]);
    } finally {
      client.close();
    }
  });
});
