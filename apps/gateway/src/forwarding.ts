// Forwards a call to its backend as it came: the request bytes, the caller's metadata less what
// belongs to this hop, the caller's deadline, and cancellation both ways; the backend's answer
// comes back as bytes, its error with its status and detail.
import * as grpc from '@grpc/grpc-js';
import {
  Code,
  OmegaError,
  type CallContext,
  type ServerStreamingHandler,
  type UnaryHandler,
} from '@omega/runtime';
import { NODE_HEADER, type BackendPool, type BackendTarget } from './backend-pool';
import { callerSubject } from '@omega/trust-client';
import { OverLimit, type CallLimitSettings, type CallLimits } from './call-limits';
import { methodName, type ForwardedService } from './forwarded-services';

/**
 * Headers that describe this hop or carry the caller's credentials, which are not passed on: the
 * backend sees the gateway's own identity, and grpc-js writes the transport headers itself.
 */
const NOT_FORWARDED = new Set([
  'authorization',
  'cookie',
  'proxy-authorization',
  'connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'host',
  'user-agent',
  'content-type',
  NODE_HEADER,
]);

/**
 * The backend's response headers and trailers, less what describes the hop, for the caller: the
 * runtime sends them with the gateway's answer (an error's trailers too).
 */
function passResponseMetadata(
  call: grpc.ClientUnaryCall | grpc.ClientReadableStream<Buffer>,
  ctx: CallContext,
): Promise<void> {
  call.once('metadata', (header: grpc.Metadata) => {
    ctx.response.header = forwardedMetadata(header);
  });
  return new Promise((resolve) =>
    call.once('status', (status: grpc.StatusObject) => {
      ctx.response.trailer = forwardedMetadata(status.metadata);
      resolve();
    }),
  );
}

/** The caller's metadata as the backend gets it. */
export function forwardedMetadata(incoming: grpc.Metadata): grpc.Metadata {
  const outgoing = new grpc.Metadata();
  for (const [key, values] of Object.entries(incoming.toJSON())) {
    if (NOT_FORWARDED.has(key) || key.startsWith('grpc-') || key.startsWith(':')) continue;
    for (const value of values) outgoing.add(key, value);
  }
  return outgoing;
}

/**
 * Runs a limit check; a refusal that says when to retry also sets the grpc-retry-pushback-ms
 * trailer, which gRPC clients with retries enabled follow.
 */
export function pushBack<T>(ctx: CallContext, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof OverLimit) {
      const trailer = new grpc.Metadata();
      trailer.set('grpc-retry-pushback-ms', String(err.retryAfterMs));
      ctx.response.trailer = trailer;
    }
    throw err;
  }
}

/** Whom a call counts against, and that caller's limits when they are not the defaults. */
export interface CallerLimit {
  readonly key: string;
  readonly settings?: CallLimitSettings;
}

type ForwardingHandler = UnaryHandler<Buffer, Buffer> | ServerStreamingHandler<Buffer, Buffer>;

/** Handlers for each method of `service.passThrough`, keyed as the definition is. */
export function forwardingHandlers(
  service: ForwardedService,
  pool: BackendPool,
  limits: CallLimits,
  limitOf: (ctx: CallContext) => CallerLimit = (ctx) => ({ key: principalOf(ctx) }),
): Record<string, ForwardingHandler> {
  const handlers: Record<string, ForwardingHandler> = {};
  for (const [key, method] of Object.entries(service.passThrough)) {
    if (method.requestStream) continue;
    const reason = service.notForwarded[methodName(method.path)];
    if (reason !== undefined) {
      handlers[key] = notForwarded(method, reason);
      continue;
    }
    handlers[key] = method.responseStream
      ? async function* (request, ctx) {
          const { key: principal, settings } = limitOf(ctx);
          // The stream cap first: a stream refused for it takes nothing from the call budget.
          const close = pushBack(ctx, () =>
            limits.openStream(principal, ctx.method, Date.now(), settings),
          );
          try {
            pushBack(ctx, () => limits.admitCall(principal, ctx.method, Date.now(), settings));
            const target = pool.target(service.backend, ctx.method, ctx.metadata);
            yield* forwardStream(target, request, ctx);
          } finally {
            close();
          }
        }
      : (request, ctx) => {
          const { key, settings } = limitOf(ctx);
          pushBack(ctx, () => limits.admitCall(key, ctx.method, Date.now(), settings));
          return forwardUnary(pool.target(service.backend, ctx.method, ctx.metadata), request, ctx);
        };
  }
  return handlers;
}

/**
 * Whom the limits count a call against: the identity its verified certificate names, or without
 * TLS its address less the port (a new connection is not a new principal).
 */
export function principalOf(ctx: CallContext): string {
  return callerSubject(ctx.peer) ?? ctx.peer.address.replace(/:\d+$/, '');
}

const passBytes = (bytes: Buffer): Buffer => bytes;

function notForwarded(
  method: grpc.MethodDefinition<Buffer, Buffer>,
  reason: string,
): ForwardingHandler {
  const refusal = (): OmegaError =>
    new OmegaError(Code.Unimplemented, `${method.path}: not served by the gateway: ${reason}`);
  if (!method.responseStream) {
    return () => {
      throw refusal();
    };
  }
  return () => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(refusal()) }),
  });
}

function callOptions(ctx: CallContext): grpc.CallOptions {
  return ctx.deadline === undefined ? {} : { deadline: ctx.deadline };
}

/** The caller went (cancelled, or its deadline passed): not when the gateway drains, which lets unary calls finish. */
function callerLeft(ctx: CallContext): boolean {
  const reason: unknown = ctx.signal.reason;
  return (
    reason instanceof OmegaError &&
    (reason.code === Code.Canceled || reason.code === Code.DeadlineExceeded)
  );
}

function forwardUnary(target: BackendTarget, request: Buffer, ctx: CallContext): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cancel = (): void => {
      if (callerLeft(ctx)) call.cancel();
    };
    const call = target.client.makeUnaryRequest(
      ctx.method,
      passBytes,
      passBytes,
      request,
      forwardedMetadata(ctx.metadata),
      callOptions(ctx),
      (err, response) => {
        ctx.signal.removeEventListener('abort', cancel);
        if (err) reject(backendError(err, target, ctx.method));
        else resolve(response ?? Buffer.alloc(0));
      },
    );
    void passResponseMetadata(call, ctx);
    if (ctx.signal.aborted) cancel();
    else ctx.signal.addEventListener('abort', cancel, { once: true });
  });
}

async function* forwardStream(
  target: BackendTarget,
  request: Buffer,
  ctx: CallContext,
): AsyncIterable<Buffer> {
  const stream = target.client.makeServerStreamRequest(
    ctx.method,
    passBytes,
    passBytes,
    request,
    forwardedMetadata(ctx.metadata),
    callOptions(ctx),
  );
  const status = passResponseMetadata(stream, ctx);
  // A stream ends when the caller goes and when the gateway drains (like every watch).
  const cancel = (): void => stream.cancel();
  ctx.signal.addEventListener('abort', cancel, { once: true });
  try {
    for await (const message of stream) yield message as Buffer;
    // Ended by the backend: its trailers follow the last message.
    await status;
  } catch (err) {
    if (ctx.signal.aborted) return;
    throw backendError(err, target, ctx.method);
  } finally {
    ctx.signal.removeEventListener('abort', cancel);
    // Ends the backend call when the caller stopped reading first; a no-op once it ended.
    stream.cancel();
  }
}

/**
 * The backend's status as the caller gets it: its code and detail as the backend said them, and
 * for UNAVAILABLE (most often: nothing listens there) which backend and where.
 */
export function backendError(err: unknown, target: BackendTarget, method: string): OmegaError {
  const { code, details } = err as Partial<grpc.ServiceError>;
  const status = typeof code === 'number' ? (code as number as Code) : Code.Unknown;
  const detail = details ?? (err instanceof Error ? err.message : String(err));
  if (status === Code.Unavailable) {
    return new OmegaError(
      Code.Unavailable,
      `${method}: backend ${target.name} at ${target.address} is unavailable: ${detail}`,
      { cause: err },
    );
  }
  return new OmegaError(status, detail, { cause: err });
}
