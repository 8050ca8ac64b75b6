// The gRPC server metrics on a real grpc-js server and client, one call of each streaming kind:
// the series carry the grpc-ecosystem names and labels, and count what each side sent.
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { Code, OmegaError } from './errors';
import {
  EchoClient,
  LogCapture,
  callUnary,
  echoDefinition,
  streamStatus,
  type EchoMessage,
} from './fixtures/echo-service';
import { implementService } from './grpc-handlers';
import { grpcCodeName, grpcServerMetricsInterceptor } from './grpc-metrics';
import { bindGrpcServer } from './grpc-server';
import { createLogger } from './logger';

const logger = createLogger({ service: 'grpc-metrics-spec', destination: new LogCapture() });
let server: grpc.Server;
let client: grpc.Client;
let registry: Registry;

beforeEach(async () => {
  registry = new Registry();
  server = new grpc.Server({ interceptors: [grpcServerMetricsInterceptor(registry)] });
  const implementation = implementService(
    echoDefinition,
    {
      echo(request) {
        if (request.text === 'missing') throw new OmegaError(Code.NotFound, 'echo: no such text');
        return Promise.resolve({ text: request.text ?? '' });
      },
      async *repeat(request) {
        for (let i = 0; i < (request.n ?? 0); i++) yield { n: i };
      },
      async *chat(requests) {
        for await (const request of requests) yield { text: request.text ?? '' };
      },
    },
    { logger },
  );
  // implementService has no client-streaming handlers: a plain grpc-js one sums what it reads.
  const collect: grpc.handleClientStreamingCall<EchoMessage, EchoMessage> = (call, callback) => {
    let n = 0;
    call.on('data', (request: EchoMessage) => (n += request.n ?? 0));
    call.on('end', () => callback(null, { n }));
  };
  implementation['collect'] = collect as grpc.UntypedHandleCall;
  server.addService(echoDefinition, implementation);
  const port = await bindGrpcServer(server, '127.0.0.1', 0);
  client = new EchoClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterEach(() => {
  client.close();
  server.forceShutdown();
});

/** The samples of `name` in the registry's exposition, one line each. */
async function samples(name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

/** The generic client's method `name`, to call with `.call(client, ...)`. */
function stub(name: string): (...args: unknown[]) => unknown {
  return (client as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
}

describe('grpcServerMetricsInterceptor', () => {
  it('counts a unary call started, handled with its code, one message each way, and times it', async () => {
    await callUnary(client, 'echo', { text: 'hello' });
    await expect(callUnary(client, 'echo', { text: 'missing' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    const call = 'grpc_type="unary",grpc_service="omega.test.v1.Echo",grpc_method="Echo"';
    expect(await samples('grpc_server_started_total')).toEqual([
      `grpc_server_started_total{${call}} 2`,
    ]);
    expect((await samples('grpc_server_handled_total')).sort()).toEqual([
      `grpc_server_handled_total{${call},grpc_code="NotFound"} 1`,
      `grpc_server_handled_total{${call},grpc_code="OK"} 1`,
    ]);
    expect(await samples('grpc_server_msg_received_total')).toEqual([
      `grpc_server_msg_received_total{${call}} 2`,
    ]);
    // The failed call sends a status and no message.
    expect(await samples('grpc_server_msg_sent_total')).toEqual([
      `grpc_server_msg_sent_total{${call}} 1`,
    ]);
    expect(await samples('grpc_server_handling_seconds_count')).toEqual([
      `grpc_server_handling_seconds_count{${call}} 2`,
    ]);
    expect(await samples('grpc_server_handling_seconds_bucket')).toContain(
      `grpc_server_handling_seconds_bucket{le="+Inf",${call}} 2`,
    );
  });

  it('labels streaming calls client_stream, server_stream and bidi_stream and counts each message', async () => {
    const collect = (
      stub('collect') as (cb: (err: unknown) => void) => grpc.ClientWritableStream<EchoMessage>
    ).call(client, () => {});
    const collected = streamStatus(collect);
    for (const n of [1, 2, 3]) collect.write({ n });
    collect.end();
    await collected;

    const repeat = (
      stub('repeat') as (r: EchoMessage) => grpc.ClientReadableStream<EchoMessage>
    ).call(client, { n: 4 });
    await streamStatus(repeat);

    const chat = (stub('chat') as () => grpc.ClientDuplexStream<EchoMessage, EchoMessage>).call(
      client,
    );
    const chatted = streamStatus(chat);
    chat.write({ text: 'a' });
    chat.write({ text: 'b' });
    chat.end();
    await chatted;

    const call = (method: string, type: string) =>
      `grpc_type="${type}",grpc_service="omega.test.v1.Echo",grpc_method="${method}"`;
    expect((await samples('grpc_server_handled_total')).sort()).toEqual([
      `grpc_server_handled_total{${call('Chat', 'bidi_stream')},grpc_code="OK"} 1`,
      `grpc_server_handled_total{${call('Collect', 'client_stream')},grpc_code="OK"} 1`,
      `grpc_server_handled_total{${call('Repeat', 'server_stream')},grpc_code="OK"} 1`,
    ]);
    expect((await samples('grpc_server_msg_received_total')).sort()).toEqual([
      `grpc_server_msg_received_total{${call('Chat', 'bidi_stream')}} 2`,
      `grpc_server_msg_received_total{${call('Collect', 'client_stream')}} 3`,
      `grpc_server_msg_received_total{${call('Repeat', 'server_stream')}} 1`,
    ]);
    expect((await samples('grpc_server_msg_sent_total')).sort()).toEqual([
      `grpc_server_msg_sent_total{${call('Chat', 'bidi_stream')}} 2`,
      `grpc_server_msg_sent_total{${call('Collect', 'client_stream')}} 1`,
      `grpc_server_msg_sent_total{${call('Repeat', 'server_stream')}} 4`,
    ]);
  });

  it("spells codes as Go's codes.Code.String() does, and unknown ones as Code(n)", () => {
    expect(grpcCodeName(grpc.status.CANCELLED)).toBe('Canceled');
    expect(grpcCodeName(grpc.status.PERMISSION_DENIED)).toBe('PermissionDenied');
    expect(grpcCodeName(grpc.status.UNAUTHENTICATED)).toBe('Unauthenticated');
    expect(grpcCodeName(42)).toBe('Code(42)');
  });
});
