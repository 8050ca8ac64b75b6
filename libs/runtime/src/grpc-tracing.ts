// Trace context across gRPC: the client interceptor starts a client span and writes W3C
// traceparent into the call's metadata; the server interceptor reads it, starts a server span and
// runs the handler inside it, so the handler's own spans, logs and outgoing calls share the trace.
import * as grpc from '@grpc/grpc-js';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { TRACER_NAME } from './tracing';
import { extractTraceContext, injectTraceContext, type TextCarrier } from './trace-context';

/** gRPC metadata seen as a TextCarrier (string values only; binary `-bin` keys are skipped). */
export function metadataCarrier(metadata: grpc.Metadata): TextCarrier {
  return {
    get: (key) => {
      const value = metadata.get(key)[0];
      return typeof value === 'string' ? value : undefined;
    },
    set: (key, value) => metadata.set(key, value),
    keys: () => Object.keys(metadata.getMap()).filter((key) => !key.endsWith('-bin')),
  };
}

/** Calls whose spans would only be noise: Kubernetes and load balancers probe health constantly. */
const UNTRACED_PREFIX = '/grpc.health.v1.Health/';

/** Add to a client's `interceptors` option: every call carries the caller's trace context. */
export const grpcClientTracingInterceptor: grpc.Interceptor = (options, nextCall) => {
  const path = options.method_definition.path;
  const parent = context.active();
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(spanName(path), { kind: SpanKind.CLIENT, attributes: rpcAttributes(path) }, parent);
  const callContext = trace.setSpan(parent, span);
  return new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      injectTraceContext(metadataCarrier(metadata), callContext);
      next(metadata, {
        onReceiveStatus(status, nextStatus) {
          endSpan(span, status.code, status.details);
          nextStatus(status);
        },
      });
    },
  });
};

/** Installed on every server by startService: handlers run inside a span continuing the caller's trace. */
export const grpcServerTracingInterceptor: grpc.ServerInterceptor = (method, call) => {
  if (method.path.startsWith(UNTRACED_PREFIX)) return new grpc.ServerInterceptingCall(call);
  let span: Span | undefined;
  let active: Context = ROOT_CONTEXT;
  const finish = (code: grpc.status, details: string | undefined) => {
    if (!span) return;
    endSpan(span, code, details);
    span = undefined;
  };
  return new grpc.ServerInterceptingCall(call, {
    start(next) {
      next({
        onReceiveMetadata(metadata, nextMetadata) {
          const parent = extractTraceContext(metadataCarrier(metadata), ROOT_CONTEXT);
          span = trace
            .getTracer(TRACER_NAME)
            .startSpan(
              spanName(method.path),
              { kind: SpanKind.SERVER, attributes: rpcAttributes(method.path) },
              parent,
            );
          active = trace.setSpan(parent, span);
          context.with(active, () => nextMetadata(metadata));
        },
        // Handlers are invoked synchronously from these callbacks, so each runs inside `active`.
        onReceiveMessage(message, nextMessage) {
          context.with(active, () => nextMessage(message));
        },
        onReceiveHalfClose(nextHalfClose) {
          context.with(active, () => nextHalfClose());
        },
        onCancel() {
          finish(grpc.status.CANCELLED, 'cancelled by the client');
        },
      });
    },
    sendStatus(status, next) {
      finish(status.code, status.details);
      next(status);
    },
  });
};

/** '/omega.v1.TrustService/Issue' → 'omega.v1.TrustService/Issue', the RPC span name convention. */
function spanName(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}

function rpcAttributes(path: string): Attributes {
  const [service = '', method = ''] = spanName(path).split('/');
  return { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method };
}

function endSpan(span: Span, code: grpc.status, details: string | undefined): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== grpc.status.OK) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: `${grpc.status[code]}: ${details ?? ''}`,
    });
  }
  span.end();
}
