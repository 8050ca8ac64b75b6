// implementService against a real grpc-js server, called by a real grpc-js client.
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from './errors';
import {
  LogCapture,
  TypedEchoClient,
  deferred,
  echoDefinition,
  type EchoMessage,
} from './fixtures/echo-service';
import { createPromiseClient, type PromiseClient } from './grpc-client';
import { implementService, type CallContext, type ServiceHandlers } from './grpc-handlers';
import { bindGrpcServer } from './grpc-server';
import { createLogger } from './logger';

async function serve(handlers: ServiceHandlers<typeof echoDefinition>, draining?: AbortSignal) {
  const logs = new LogCapture();
  const logger = createLogger({ service: 'grpc-handlers-spec', destination: logs });
  const server = new grpc.Server();
  server.addService(
    echoDefinition,
    implementService(echoDefinition, handlers, { logger, ...(draining ? { draining } : {}) }),
  );
  const port = await bindGrpcServer(server, '127.0.0.1', 0);
  const client = createPromiseClient(TypedEchoClient, `127.0.0.1:${port}`, { timeoutMs: 10_000 });
  running.push({ server, client });
  return { logs, client, address: `127.0.0.1:${port}` };
}

const running: { server: grpc.Server; client: PromiseClient<typeof echoDefinition> }[] = [];
afterEach(() => {
  for (const { server, client } of running.splice(0)) {
    client.close();
    server.forceShutdown();
  }
});

/** Resolves with the signal's reason once the call's signal aborts. */
function aborted(ctx: CallContext): Promise<unknown> {
  return new Promise((resolve) =>
    ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason), { once: true }),
  );
}

describe('implementService', () => {
  it('answers a method without a handler UNIMPLEMENTED, naming its path', async () => {
    const { client } = await serve({});
    await expect(client.echo({ text: 'hi' })).rejects.toMatchObject({
      code: Code.Unimplemented,
      message: expect.stringContaining('/omega.test.v1.Echo/Echo is not built yet'),
    });
  });

  it('answers with the handler value, passing method, metadata, deadline and peer', async () => {
    let seen: CallContext | undefined;
    const { client } = await serve({
      echo: (request, ctx) => {
        seen = ctx;
        return { text: `${request.text}!` };
      },
    });
    const metadata = new grpc.Metadata();
    metadata.set('x-request-id', 'r-1');
    const before = Date.now();
    await expect(client.echo({ text: 'hi' }, { metadata, timeoutMs: 5_000 })).resolves.toEqual({
      text: 'hi!',
    });
    expect(seen?.method).toBe('/omega.test.v1.Echo/Echo');
    expect(seen?.metadata.get('x-request-id')).toEqual(['r-1']);
    expect(seen?.deadline?.getTime()).toBeGreaterThanOrEqual(before + 4_000);
    expect(seen?.peer.address).toMatch(/^(ipv4:)?127\.0\.0\.1:\d+$/);
    expect(seen?.peer.sslPeerCertificate).toBeUndefined();
    expect(seen?.signal.aborted).toBe(false);
  });

  it('answers a thrown OmegaError with its code and message, logging nothing', async () => {
    const { client, logs } = await serve({
      echo: async () => {
        throw new OmegaError(Code.NotFound, 'identity node-7: not found');
      },
    });
    await expect(client.echo({})).rejects.toMatchObject({
      code: Code.NotFound,
      message: expect.stringMatching(/: NOT_FOUND: identity node-7: not found$/),
    });
    expect(logs.lines.filter((line) => line['level'] === 'error')).toEqual([]);
  });

  it('answers anything else INTERNAL "internal error" and logs it once with the method', async () => {
    const { client, logs } = await serve({
      echo: () => {
        throw new Error('db password rejected');
      },
    });
    const err = await client.echo({}).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: Code.Internal,
      message: expect.stringMatching(/: INTERNAL: internal error$/),
    });
    expect((err as Error).message).not.toContain('password');
    const errors = logs.lines.filter((line) => line['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      method: '/omega.test.v1.Echo/Echo',
      msg: '/omega.test.v1.Echo/Echo failed: db password rejected',
      err: { message: 'db password rejected' },
    });
  });

  it('aborts the signal when the deadline passes and does not log the abort', async () => {
    const reason = deferred<unknown>();
    const { client, logs } = await serve({
      echo: async (_request, ctx) => {
        reason.resolve(await aborted(ctx));
        throw ctx.signal.reason;
      },
    });
    await expect(client.echo({}, { timeoutMs: 100 })).rejects.toMatchObject({
      code: Code.DeadlineExceeded,
    });
    expect(await reason.promise).toMatchObject({ code: Code.DeadlineExceeded });
    expect(logs.lines.filter((line) => line['level'] === 'error')).toEqual([]);
  });

  it('aborts the signal when the caller cancels', async () => {
    const entered = deferred();
    const reason = deferred<unknown>();
    const { client } = await serve({
      echo: async (_request, ctx) => {
        entered.resolve();
        reason.resolve(await aborted(ctx));
        return {};
      },
    });
    const controller = new AbortController();
    const call = client.echo({}, { signal: controller.signal });
    await entered.promise;
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: Code.Canceled });
    expect(await reason.promise).toMatchObject({ code: Code.Canceled });
  });

  it('streams what the handler yields, then OK', async () => {
    const { client } = await serve({
      async *repeat(request) {
        for (let i = 0; i < (request.n ?? 0); i++) yield { n: i };
      },
    });
    const received: EchoMessage[] = [];
    for await (const message of client.repeat({ n: 3 })) received.push(message);
    expect(received).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it('answers a throw mid-stream with its status after what was sent', async () => {
    const { client } = await serve({
      async *repeat() {
        yield { n: 0 };
        throw new OmegaError(Code.FailedPrecondition, 'stream source closed');
      },
    });
    const received: EchoMessage[] = [];
    const failure = (async () => {
      for await (const message of client.repeat({})) received.push(message);
    })();
    await expect(failure).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      message: expect.stringContaining('stream source closed'),
    });
    expect(received).toEqual([{ n: 0 }]);
  });

  it('writes no faster than the client reads, and ends the handler when the client goes', async () => {
    let produced = 0;
    const finished = deferred<boolean>();
    const text = 'x'.repeat(16 * 1024);
    const { client } = await serve({
      async *repeat(_request, ctx) {
        try {
          while (!ctx.signal.aborted) {
            produced++;
            yield { text };
          }
        } finally {
          finished.resolve(ctx.signal.aborted);
        }
      },
    });
    for await (const message of client.repeat({})) {
      expect(message.text).toHaveLength(text.length);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // HTTP/2 flow control holds the server to its windows (64 KiB each by default).
      expect(produced).toBeLessThan(200);
      break;
    }
    expect(await finished.promise).toBe(true);
  });

  it('ends open streams OK when the service drains', async () => {
    const draining = new AbortController();
    const { client } = await serve(
      {
        async *repeat(_request, ctx) {
          yield { n: 1 };
          await aborted(ctx);
        },
      },
      draining.signal,
    );
    const received: EchoMessage[] = [];
    for await (const message of client.repeat({})) {
      received.push(message);
      draining.abort(new OmegaError(Code.Unavailable, 'spec is shutting down'));
    }
    expect(received).toEqual([{ n: 1 }]);
  });
});
