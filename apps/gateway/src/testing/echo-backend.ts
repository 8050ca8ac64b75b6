// Test-only: a backend the gateway forwards to, served by the runtime harness on a pass-through
// definition: each unary method answers the bytes it was sent (or a fixed reply; the request
// 'please fail' is refused FAILED_PRECONDITION), each stream sends its request then stays open
// until the caller goes; it records the metadata, deadline and end of every call it saw.
import * as grpc from '@grpc/grpc-js';
import {
  Code,
  OmegaError,
  implementService,
  startService,
  type CallContext,
  type Service,
  type ServiceHandlers,
} from '@omega/runtime';
import { passThroughDefinition } from '../forwarded-services';

export interface Seen {
  method: string;
  metadata: Record<string, unknown>;
  deadline: Date | undefined;
}

export interface EchoBackend {
  service: Service<unknown>;
  address: string;
  seen: Seen[];
  /** Resolves with the abort reason of each stream the backend served, once it ended. */
  streamEnds: Promise<unknown>[];
}

/** Starts a backend serving `definition` byte for byte: each unary method answers its request bytes. */
export async function startEchoBackend(
  definition: grpc.ServiceDefinition,
  reply?: Buffer,
): Promise<EchoBackend> {
  const service = (await startService({
    name: 'backend',
    defaults: { grpcPort: 0, httpPort: 0 },
    installSignalHandlers: false,
    argv: [],
    env: { OMEGA_GRPC_HOST: '127.0.0.1', OMEGA_HTTP_HOST: '127.0.0.1', OMEGA_LOG_LEVEL: 'error' },
  })) as Service<unknown>;
  const backend: EchoBackend = { service, address: '', seen: [], streamEnds: [] };
  const record = (ctx: CallContext): void => {
    // Response metadata for the gateway to pass back: a header and a trailer per call.
    ctx.response.header = metadataOf({ 'x-backend-header': ctx.method });
    ctx.response.trailer = metadataOf({
      'x-backend-trailer': 'done',
      'x-trace-bin': Buffer.from([1, 2]),
    });
    backend.seen.push({
      method: ctx.method,
      metadata: ctx.metadata.toJSON(),
      deadline: ctx.deadline,
    });
  };
  const passThrough = passThroughDefinition(definition);
  const handlers: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(passThrough)) {
    handlers[key] = method.responseStream
      ? async function* (request: Buffer, ctx: CallContext) {
          record(ctx);
          const ended = new Promise<unknown>((resolve) =>
            ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason), { once: true }),
          );
          backend.streamEnds.push(ended);
          yield request;
          await ended;
        }
      : (request: Buffer, ctx: CallContext) => {
          record(ctx);
          if (request.toString() === 'please fail') {
            throw new OmegaError(Code.FailedPrecondition, 'alert a-1: already acknowledged by jo');
          }
          return reply ?? request;
        };
  }
  service.addGrpcService(
    passThrough,
    implementService(passThrough, handlers as ServiceHandlers<grpc.ServiceDefinition>, {
      logger: service.logger,
    }),
  );
  service.setReady('backend', true);
  backend.address = `127.0.0.1:${(await service.listen()).grpcPort}`;
  return backend;
}

function metadataOf(values: Record<string, string | Buffer>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(values)) metadata.set(key, value);
  return metadata;
}
