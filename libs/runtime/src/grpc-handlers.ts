// The server half of Omega's gRPC boundary: plain async handlers, typed from a service definition,
// turned into a grpc-js implementation that maps every throw in one place and logs the unexpected.
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError, errorMessage } from './errors';
import { toGrpcError, unimplementedService } from './grpc-server';
import type { Logger } from './logger';

/** Who is calling: grpc-js's peer address and, under TLS, what the handshake verified. */
export interface CallPeer {
  /** As grpc-js reports it, e.g. `127.0.0.1:53312` or `[::1]:53312`. */
  readonly address: string;
  /** `ssl` under TLS. */
  readonly transportSecurityType?: string;
  /** The client certificate, present only when the handshake verified it against the server's CAs. */
  readonly sslPeerCertificate?: PeerCertificate;
}

/** What a handler knows of its call besides the request. */
export interface CallContext {
  /** The full method path, e.g. `/omega.v1.TrustService/AppendAudit`. */
  readonly method: string;
  /** Aborts when the caller cancels, the deadline passes or the service drains; the reason is an OmegaError. */
  readonly signal: AbortSignal;
  /** When the caller stops waiting; undefined when it set no deadline. */
  readonly deadline: Date | undefined;
  readonly peer: CallPeer;
  readonly metadata: grpc.Metadata;
  /**
   * Response headers to send before the first response (ignored once one was sent) and trailers
   * to end the call with, success or error (a proxy passes its backend's on).
   */
  readonly response: { header?: grpc.Metadata; trailer?: grpc.Metadata };
}

export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res> | Res;
export type ServerStreamingHandler<Req, Res> = (
  request: Req,
  ctx: CallContext,
) => AsyncIterable<Res>;
/** The requests as they arrive (ending when the caller half-closes); answers as they are yielded. */
export type BidiStreamingHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  ctx: CallContext,
) => AsyncIterable<Res>;

type RequestOf<M> = M extends { requestDeserialize: (bytes: Buffer) => infer Req } ? Req : never;
type ResponseOf<M> = M extends { responseSerialize: (value: infer Res) => Buffer } ? Res : never;

/** The handler a method definition asks for; client-streaming methods have none here. */
export type MethodHandler<M> = M extends { requestStream: true }
  ? M extends { responseStream: true }
    ? BidiStreamingHandler<RequestOf<M>, ResponseOf<M>>
    : never
  : M extends { responseStream: true }
    ? ServerStreamingHandler<RequestOf<M>, ResponseOf<M>>
    : UnaryHandler<RequestOf<M>, ResponseOf<M>>;

/**
 * Handlers for a generated definition (`TrustServiceService`), keyed as it is (camelCase); the
 * request and response types come from the definition's (de)serializers, so a wrong signature
 * does not compile. Methods left out answer UNIMPLEMENTED.
 */
export type ServiceHandlers<D> = { [K in keyof D]?: MethodHandler<D[K]> };

/**
 * Decides, before the handler runs, whether the caller may call `call.method`: returns to let the
 * call through, throws an OmegaError (UNAUTHENTICATED, PERMISSION_DENIED) to refuse it. The
 * runtime knows no identities: the service harness injects the check (@omega/service).
 */
export type AuthorizeCall = (
  call: Pick<CallContext, 'method' | 'peer'> & { readonly metadata?: grpc.Metadata },
) => void | Promise<void>;

export interface ImplementServiceOptions {
  /** Where an unexpected throw is logged (once, at error level, with the method path). */
  logger: Logger;
  /** The service's drain signal (`Service.draining`): every open call's `ctx.signal` aborts with it. */
  draining?: AbortSignal;
  /** Checked on every call before its handler; undefined lets every caller through. */
  authorize?: AuthorizeCall;
}

/** The authorization each implementation was built with, for `Service.addGrpcService` to check. */
const authorizations = new WeakMap<grpc.UntypedServiceImplementation, AuthorizeCall>();

/** The `authorize` an implementation from implementService checks, if any. */
export function authorizationOf(
  implementation: grpc.UntypedServiceImplementation,
): AuthorizeCall | undefined {
  return authorizations.get(implementation);
}

/**
 * A grpc-js implementation of `definition` from `handlers`. A thrown OmegaError answers with its
 * code and message; anything else answers INTERNAL "internal error" and is logged, since its
 * message may hold details not meant for callers.
 */
export function implementService<D extends grpc.ServiceDefinition>(
  definition: D,
  handlers: ServiceHandlers<D>,
  options: ImplementServiceOptions,
): grpc.UntypedServiceImplementation {
  const implementation = unimplementedService(definition);
  for (const [name, method] of Object.entries(definition)) {
    const handler = (handlers as Record<string, unknown>)[name];
    if (typeof handler !== 'function' || clientStreaming(method)) continue;
    implementation[name] = method.requestStream
      ? serveBidi(method.path, handler as BidiStreamingHandler<unknown, unknown>, options)
      : method.responseStream
        ? serveStream(method.path, handler as ServerStreamingHandler<unknown, unknown>, options)
        : serveUnary(method.path, handler as UnaryHandler<unknown, unknown>, options);
  }
  if (options.authorize !== undefined) {
    // Unimplemented methods are checked too: a caller learns nothing about what is built.
    for (const [name, method] of Object.entries(definition)) {
      if ((handlers as Record<string, unknown>)[name] !== undefined || clientStreaming(method))
        continue;
      implementation[name] = method.requestStream
        ? serveBidi(method.path, unimplementedStream(method.path), options)
        : method.responseStream
          ? serveStream(method.path, unimplementedStream(method.path), options)
          : serveUnary(method.path, unimplementedUnary(method.path), options);
    }
    authorizations.set(implementation, options.authorize);
  }
  return implementation;
}

function clientStreaming(method: grpc.MethodDefinition<unknown, unknown>): boolean {
  return method.requestStream && !method.responseStream;
}

/** The status for `err`, logging it when it is not an OmegaError nor the call's own abort. */
function failure(err: unknown, ctx: CallContext, logger: Logger): grpc.StatusObject {
  if (!(err instanceof OmegaError) && !(ctx.signal.aborted && err === ctx.signal.reason)) {
    logger.error({ err, method: ctx.method }, `${ctx.method} failed: ${errorMessage(err)}`);
  }
  return { ...toGrpcError(err), metadata: ctx.response.trailer ?? new grpc.Metadata() };
}

function serveUnary(
  path: string,
  handler: UnaryHandler<unknown, unknown>,
  options: ImplementServiceOptions,
): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const { ctx, done } = callContext(path, call, options.draining);
    Promise.resolve()
      .then(() => options.authorize?.(ctx))
      .then(() => handler(call.request, ctx))
      .then(
        (response) => {
          if (ctx.response.header !== undefined) call.sendMetadata(ctx.response.header);
          callback(null, response, ctx.response.trailer);
        },
        (err: unknown) => {
          if (ctx.response.header !== undefined) call.sendMetadata(ctx.response.header);
          callback(failure(err, ctx, options.logger), null);
        },
      )
      .finally(done);
  };
}

function serveStream(
  path: string,
  handler: ServerStreamingHandler<unknown, unknown>,
  options: ImplementServiceOptions,
): grpc.handleServerStreamingCall<unknown, unknown> {
  return (call) => writeResponses(path, call, options, (ctx) => handler(call.request, ctx));
}

function serveBidi(
  path: string,
  handler: BidiStreamingHandler<unknown, unknown>,
  options: ImplementServiceOptions,
): grpc.handleBidiStreamingCall<unknown, unknown> {
  return (call) =>
    writeResponses(path, call, options, (ctx) => handler(requestsOf(call, ctx.signal), ctx));
}

/**
 * The call's requests, read no faster than the handler takes them, ending at the caller's
 * half-close or when the call is over. Not the call's own async iterator: leaving that early
 * destroys the stream, and with it the status the handler's error should end the call with.
 */
async function* requestsOf(
  call: grpc.ServerDuplexStream<unknown, unknown>,
  signal: AbortSignal,
): AsyncIterable<unknown> {
  const queue: unknown[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onData = (request: unknown): void => {
    queue.push(request);
    call.pause();
    notify();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  call.on('data', onData);
  call.once('end', onEnd);
  signal.addEventListener('abort', onEnd, { once: true });
  try {
    for (;;) {
      if (queue.length > 0) {
        const request = queue.shift();
        if (queue.length === 0) call.resume();
        yield request;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    call.off('data', onData);
    call.off('end', onEnd);
    signal.removeEventListener('abort', onEnd);
  }
}

/** Checks the caller, then writes what `responses` yields (with backpressure) and ends the call. */
function writeResponses(
  path: string,
  call: ResponseStream,
  options: ImplementServiceOptions,
  responses: (ctx: CallContext) => AsyncIterable<unknown>,
): void {
  const { ctx, done } = callContext(path, call, options.draining);
  let headerSent = false;
  const sendHeader = (): void => {
    if (!headerSent && ctx.response.header !== undefined) call.sendMetadata(ctx.response.header);
    headerSent = true;
  };
  void (async () => {
    try {
      await options.authorize?.(ctx);
      for await (const response of responses(ctx)) {
        if (ctx.signal.aborted) break;
        sendHeader();
        if (!call.write(response)) await drained(call, ctx.signal);
      }
      if (!call.cancelled) {
        sendHeader();
        call.end(ctx.response.trailer);
      }
    } catch (err) {
      const status = failure(err, ctx, options.logger);
      if (!call.cancelled) {
        sendHeader();
        call.emit('error', status);
      }
    } finally {
      done();
    }
  })();
}

type ResponseStream =
  grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/** Resolves once the stream takes writes again or the call is over. */
function drained(call: ResponseStream, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const finish = (): void => {
      call.off('drain', finish);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    call.once('drain', finish);
    signal.addEventListener('abort', finish, { once: true });
  });
}

type ServerCall = grpc.ServerUnaryCall<unknown, unknown> | ResponseStream;

function callContext(
  path: string,
  call: ServerCall,
  draining: AbortSignal | undefined,
): { ctx: CallContext; done: () => void } {
  const controller = new AbortController();
  const rawDeadline = call.getDeadline();
  const deadline =
    rawDeadline instanceof Date
      ? rawDeadline
      : Number.isFinite(rawDeadline)
        ? new Date(rawDeadline)
        : undefined;
  const onCancel = (): void => {
    // grpc-js cancels the call itself when the deadline passes.
    const expired = deadline !== undefined && deadline.getTime() <= Date.now();
    controller.abort(
      expired
        ? new OmegaError(Code.DeadlineExceeded, `${path}: deadline exceeded`)
        : new OmegaError(Code.Canceled, `${path}: cancelled by the caller`),
    );
  };
  const onDrain = (): void => controller.abort(draining?.reason);
  // Every kind of server call is an EventEmitter that emits 'cancelled'.
  const events = call as NodeJS.EventEmitter;
  events.once('cancelled', onCancel);
  if (draining?.aborted) onDrain();
  else draining?.addEventListener('abort', onDrain, { once: true });
  const address = call.getPeer();
  let peer: CallPeer | undefined;
  const ctx: CallContext = {
    method: path,
    signal: controller.signal,
    deadline,
    metadata: call.metadata,
    response: {},
    // Read on demand (while the call is open): grpc-js parses the TLS certificate on every read.
    get peer() {
      peer ??= { address, ...call.getAuthContext() };
      return peer;
    },
  };
  const done = (): void => {
    events.off('cancelled', onCancel);
    draining?.removeEventListener('abort', onDrain);
  };
  return { ctx, done };
}

function unimplementedUnary(path: string): UnaryHandler<unknown, unknown> {
  return () => {
    throw new OmegaError(Code.Unimplemented, `${path} is not built yet`);
  };
}

function unimplementedStream(path: string): ServerStreamingHandler<unknown, unknown> {
  return () => ({
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(new OmegaError(Code.Unimplemented, `${path} is not built yet`)),
    }),
  });
}
