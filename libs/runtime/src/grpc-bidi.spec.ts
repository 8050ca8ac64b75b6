// implementService's bidi-streaming methods on a real grpc-js server and client: the handler
// reads the requests as they arrive and answers as it yields, the call ends OK at the caller's
// half-close, throws keep their status, a cancel aborts the handler's signal, and the
// authorization hook runs before the first request is read.
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from './errors';
import {
  EchoClient,
  LogCapture,
  echoDefinition,
  streamStatus,
  type EchoMessage,
} from './fixtures/echo-service';
import {
  implementService,
  type AuthorizeCall,
  type CallContext,
  type ServiceHandlers,
} from './grpc-handlers';
import { bindGrpcServer } from './grpc-server';
import { createLogger } from './logger';

const logger = createLogger({ service: 'grpc-bidi-spec', destination: new LogCapture() });
const running: { server: grpc.Server; client: grpc.Client }[] = [];

afterEach(() => {
  for (const { server, client } of running.splice(0)) {
    client.close();
    server.forceShutdown();
  }
});

async function chat(
  handlers: ServiceHandlers<typeof echoDefinition>,
  authorize?: AuthorizeCall,
): Promise<grpc.ClientDuplexStream<EchoMessage, EchoMessage>> {
  const server = new grpc.Server();
  server.addService(
    echoDefinition,
    implementService(echoDefinition, handlers, { logger, ...(authorize ? { authorize } : {}) }),
  );
  const port = await bindGrpcServer(server, '127.0.0.1', 0);
  const client = new EchoClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  running.push({ server, client });
  return (
    client as unknown as { chat(): grpc.ClientDuplexStream<EchoMessage, EchoMessage> }
  ).chat();
}

function nextMessage(
  call: grpc.ClientDuplexStream<EchoMessage, EchoMessage>,
): Promise<EchoMessage> {
  return new Promise((resolve) => call.once('data', resolve));
}

describe('implementService, bidi-streaming', () => {
  it('answers each request as it arrives, then ends OK when the caller half-closes', async () => {
    const call = await chat({
      async *chat(requests) {
        for await (const request of requests) yield { text: `${request.text ?? ''}!` };
      },
    });
    call.write({ text: 'one' });
    await expect(nextMessage(call)).resolves.toEqual({ text: 'one!' });
    call.write({ text: 'two' });
    await expect(nextMessage(call)).resolves.toEqual({ text: 'two!' });
    const status = streamStatus(call);
    call.end();
    await expect(status).resolves.toMatchObject({ code: grpc.status.OK });
  });

  it('ends with the status of an OmegaError the handler throws', async () => {
    const call = await chat({
      // eslint-disable-next-line require-yield
      async *chat(requests) {
        for await (const request of requests) {
          throw new OmegaError(Code.InvalidArgument, `chat: no answer to '${request.text ?? ''}'`);
        }
      },
    });
    const status = streamStatus(call);
    call.write({ text: 'riddle' });
    await expect(status).resolves.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "chat: no answer to 'riddle'",
    });
  });

  it('aborts the handler’s signal when the caller cancels', async () => {
    let seen: CallContext | undefined;
    const reason = new Promise<unknown>((resolve) => {
      void chat({
        async *chat(requests, ctx) {
          seen = ctx;
          const aborted = new Promise<void>((done) =>
            ctx.signal.addEventListener(
              'abort',
              () => {
                resolve(ctx.signal.reason);
                done();
              },
              { once: true },
            ),
          );
          // A watch: answers the first request, then holds the call open until the caller goes.
          for await (const request of requests) {
            yield request;
            await aborted;
            return;
          }
        },
      }).then(async (call) => {
        call.on('error', () => undefined);
        call.write({ text: 'hello' });
        await nextMessage(call);
        call.cancel();
      });
    });
    await expect(reason).resolves.toMatchObject({ code: Code.Canceled });
    expect(seen?.method).toBe('/omega.test.v1.Echo/Chat');
  });

  it('checks the caller before the handler reads anything, unimplemented methods too', async () => {
    let read = false;
    const refuse: AuthorizeCall = ({ method }) => {
      throw new OmegaError(Code.PermissionDenied, `${method}: not for this caller`);
    };
    const built = await chat(
      {
        async *chat(requests) {
          read = true;
          yield* requests;
        },
      },
      refuse,
    );
    const builtStatus = streamStatus(built);
    built.write({ text: 'hello' });
    await expect(builtStatus).resolves.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: '/omega.test.v1.Echo/Chat: not for this caller',
    });
    expect(read).toBe(false);

    const unbuilt = await chat({}, refuse);
    const unbuiltStatus = streamStatus(unbuilt);
    unbuilt.end();
    await expect(unbuiltStatus).resolves.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  });
});
