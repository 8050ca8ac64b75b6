// The browser protocol's routes: every method the gRPC port serves (GatewayService and the
// forwarded services), served by Connect's router for Connect and gRPC-Web callers. Each call is
// checked by the same CallerAuth as on the gRPC port and answered by the same handlers: the
// request is re-encoded to the protobuf bytes a gRPC caller would have sent, so a forwarded call
// crosses to its backend as bytes, exactly as it does from the gRPC port.
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import {
  fromBinary,
  toBinary,
  type DescMethod,
  type DescService,
  type Message,
  type Registry,
} from '@bufbuild/protobuf';
import {
  Code as ConnectCode,
  ConnectError,
  createContextKey,
  type ConnectRouter,
  type HandlerContext,
} from '@connectrpc/connect';
import {
  Code,
  OmegaError,
  errorMessage,
  type CallContext,
  type CallPeer,
  type Logger,
  type ServerStreamingHandler,
  type UnaryHandler,
} from '@omega/runtime';
import { NODE_HEADER } from './backend-pool';
import type { CallerAuth } from './caller-auth';

/** A method the gateway serves: its grpc-js definition (for the bytes) and its handler. */
export interface ServedMethod {
  readonly definition: grpc.MethodDefinition<unknown, unknown>;
  readonly handler: UnaryHandler<unknown, unknown> | ServerStreamingHandler<unknown, unknown>;
}

/** What the TLS layer knows of the connection a request came on. */
export interface WebPeer {
  readonly address: string;
  readonly tls: boolean;
  /** Present only when the handshake verified it against the trust CA. */
  readonly certificate?: PeerCertificate;
}

export const WEB_PEER = createContextKey<WebPeer>({ address: 'unknown', tls: false });

/**
 * Request headers a web call passes on as gRPC metadata: its credential (read by CallerAuth and
 * then dropped, as on the gRPC port), the sentinel node, trace context and Omega's own headers.
 * Browser and hop headers (cookies, origin, sec-fetch-*, content-*) are not metadata.
 */
function isMetadataHeader(name: string): boolean {
  return (
    name === 'authorization' ||
    name === NODE_HEADER ||
    name === 'traceparent' ||
    name === 'tracestate' ||
    (name.startsWith('omega-') && !name.endsWith('-bin'))
  );
}

export function metadataOf(headers: Headers): grpc.Metadata {
  const metadata = new grpc.Metadata();
  headers.forEach((value, name) => {
    if (!isMetadataHeader(name)) return;
    // Headers joins repeated values with ', ': one authorization header twice is refused as such.
    const values = name === 'authorization' ? value.split(/,\s*(?=\S+\s)/) : [value];
    for (const one of values) metadata.add(name, one);
  });
  return metadata;
}

export interface WebRoutesOptions {
  readonly registry: Registry;
  /** Every method path the gRPC port serves (less reflection), with what answers it. */
  readonly methods: ReadonlyMap<string, ServedMethod>;
  readonly auth: CallerAuth;
  readonly logger: Logger;
  /** The service's drain signal: open calls end with it. */
  readonly draining: AbortSignal;
  /** Told how each call ended: its path, gRPC status code and protocol. */
  readonly onHandled?: (method: string, code: grpc.status, protocol: string) => void;
}

/** OK, or the gRPC status of the error a call ended with (Connect's codes are gRPC's). */
function statusOf(err: ConnectError | undefined): grpc.status {
  return err === undefined ? grpc.status.OK : (err.code as number as grpc.status);
}

/** Registers a Connect handler for each served method of each service in `registry`. */
export function webRoutes(options: WebRoutesOptions): (router: ConnectRouter) => void {
  const services = new Map<string, DescService>();
  for (const path of options.methods.keys()) {
    const serviceName = path.slice(1, path.lastIndexOf('/'));
    const service = options.registry.getService(serviceName);
    if (service === undefined) {
      throw new OmegaError(
        Code.Internal,
        `${path}: ${serviceName} is not in the descriptor set (rebuild @omega/proto)`,
      );
    }
    services.set(serviceName, service);
  }
  return (router) => {
    for (const service of services.values()) {
      const implementation: Record<string, unknown> = {};
      for (const method of service.methods) {
        const served = options.methods.get(`/${service.typeName}/${method.name}`);
        if (served === undefined || method.methodKind === 'client_streaming') continue;
        if (method.methodKind === 'bidi_streaming') continue;
        implementation[method.localName] =
          method.methodKind === 'server_streaming'
            ? streamHandler(method, served, options)
            : unaryHandler(method, served, options);
      }
      // Built per method from the descriptor: the handlers' types are checked at runtime by Connect.
      router.service(service, implementation as Parameters<ConnectRouter['service']>[1]);
    }
  };
}

function unaryHandler(method: DescMethod, served: ServedMethod, options: WebRoutesOptions) {
  const handler = served.handler as UnaryHandler<unknown, unknown>;
  return async (request: Message, connectCtx: HandlerContext): Promise<Message> => {
    const { ctx, done } = callContext(method, connectCtx, options.draining);
    try {
      await options.auth.authorize(ctx);
      const answer = await handler(requestOf(method, served, request), ctx);
      const response = responseOf(method, served, answer);
      sendResponseMetadata(ctx, connectCtx);
      options.onHandled?.(ctx.method, statusOf(undefined), connectCtx.protocolName);
      return response;
    } catch (err) {
      sendResponseMetadata(ctx, connectCtx);
      const refusal = connectError(err, ctx, options.logger);
      options.onHandled?.(ctx.method, statusOf(refusal), connectCtx.protocolName);
      throw refusal;
    } finally {
      done();
    }
  };
}

function streamHandler(method: DescMethod, served: ServedMethod, options: WebRoutesOptions) {
  const handler = served.handler as ServerStreamingHandler<unknown, unknown>;
  return async function* (request: Message, connectCtx: HandlerContext): AsyncIterable<Message> {
    const { ctx, done } = callContext(method, connectCtx, options.draining);
    try {
      await options.auth.authorize(ctx);
      let headerSent = false;
      for await (const answer of handler(requestOf(method, served, request), ctx)) {
        if (ctx.signal.aborted) break;
        if (!headerSent) copyMetadata(ctx.response.header, connectCtx.responseHeader);
        headerSent = true;
        yield responseOf(method, served, answer);
      }
      // A forwarded stream ends quietly when its caller goes: the caller hears why (its
      // deadline, the gateway draining), as a gRPC caller does from its status.
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (!headerSent) copyMetadata(ctx.response.header, connectCtx.responseHeader);
      copyMetadata(ctx.response.trailer, connectCtx.responseTrailer);
      options.onHandled?.(ctx.method, statusOf(undefined), connectCtx.protocolName);
    } catch (err) {
      copyMetadata(ctx.response.trailer, connectCtx.responseTrailer);
      const refusal = connectError(err, ctx, options.logger);
      options.onHandled?.(ctx.method, statusOf(refusal), connectCtx.protocolName);
      throw refusal;
    } finally {
      done();
    }
  };
}

/**
 * The headers and trailers a handler set (a forwarded call: its backend's, less hop-by-hop ones;
 * over a limit: grpc-retry-pushback-ms), as Connect sends them; `-bin` values base64 encoded.
 */
function copyMetadata(from: grpc.Metadata | undefined, to: Headers): void {
  for (const [key, values] of Object.entries(from?.toJSON() ?? {})) {
    for (const value of values) {
      to.append(key, typeof value === 'string' ? value : value.toString('base64'));
    }
  }
}

function sendResponseMetadata(ctx: CallContext, connectCtx: HandlerContext): void {
  copyMetadata(ctx.response.header, connectCtx.responseHeader);
  copyMetadata(ctx.response.trailer, connectCtx.responseTrailer);
}

/** The request as the gRPC port's handler takes it: decoded from the same protobuf bytes. */
function requestOf(method: DescMethod, served: ServedMethod, request: Message): unknown {
  return served.definition.requestDeserialize(Buffer.from(toBinary(method.input, request)));
}

function responseOf(method: DescMethod, served: ServedMethod, answer: unknown): Message {
  return fromBinary(method.output, served.definition.responseSerialize(answer));
}

/**
 * The CallContext the gRPC port's handlers and CallerAuth take, from Connect's: the caller's
 * credential as metadata, its deadline, and a signal that aborts (with an OmegaError saying why)
 * when the caller goes, its deadline passes or the gateway drains.
 */
function callContext(
  method: DescMethod,
  connectCtx: HandlerContext,
  draining: AbortSignal,
): { ctx: CallContext; done: () => void } {
  const path = `/${method.parent.typeName}/${method.name}`;
  const controller = new AbortController();
  const timeoutMs = connectCtx.timeoutMs();
  const deadline = timeoutMs === undefined ? undefined : new Date(Date.now() + timeoutMs);
  const onCallerGone = (): void => {
    const reason: unknown = connectCtx.signal.reason;
    controller.abort(
      reason instanceof ConnectError && reason.code === ConnectCode.DeadlineExceeded
        ? new OmegaError(Code.DeadlineExceeded, `${path}: deadline exceeded`)
        : new OmegaError(Code.Canceled, `${path}: cancelled by the caller`),
    );
  };
  const onDrain = (): void => controller.abort(draining.reason);
  if (connectCtx.signal.aborted) onCallerGone();
  else connectCtx.signal.addEventListener('abort', onCallerGone, { once: true });
  if (draining.aborted) onDrain();
  else draining.addEventListener('abort', onDrain, { once: true });
  const webPeer = connectCtx.values.get(WEB_PEER);
  const peer: CallPeer = {
    address: webPeer.address,
    ...(webPeer.tls ? { transportSecurityType: 'ssl' } : {}),
    ...(webPeer.certificate !== undefined ? { sslPeerCertificate: webPeer.certificate } : {}),
  };
  const ctx: CallContext = {
    method: path,
    signal: controller.signal,
    deadline,
    peer,
    metadata: metadataOf(connectCtx.requestHeader),
    response: {},
  };
  const done = (): void => {
    connectCtx.signal.removeEventListener('abort', onCallerGone);
    draining.removeEventListener('abort', onDrain);
  };
  return { ctx, done };
}

/**
 * The Connect error for what a handler threw: an OmegaError keeps its code (Connect's codes are
 * gRPC's) and message; anything else is logged and answered INTERNAL, as on the gRPC port.
 */
function connectError(err: unknown, ctx: CallContext, logger: Logger): ConnectError {
  if (err instanceof OmegaError) {
    return new ConnectError(err.message, err.code as number as ConnectCode);
  }
  if (err instanceof ConnectError) return err;
  if (!(ctx.signal.aborted && err === ctx.signal.reason)) {
    logger.error({ err, method: ctx.method }, `${ctx.method} failed: ${errorMessage(err)}`);
  }
  return new ConnectError('internal error', ConnectCode.Internal);
}
