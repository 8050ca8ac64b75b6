// Prometheus metrics for every gRPC call a service answers, with the names and labels of the
// grpc-ecosystem interceptors (go-grpc-middleware providers/prometheus), so their dashboards and
// alerts work unchanged: grpc_server_started_total, grpc_server_handled_total,
// grpc_server_msg_received_total, grpc_server_msg_sent_total and grpc_server_handling_seconds.
import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The `grpc_type` label: how many messages each side sends, as grpc-ecosystem names it. */
export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

/**
 * The `grpc_code` label: a status code as Go's `codes.Code.String()` spells it ("OK", "NotFound"),
 * the spelling every grpc-ecosystem dashboard and alert matches on.
 */
export const GRPC_CODE_NAMES: Readonly<Record<grpc.status, string>> = {
  [grpc.status.OK]: 'OK',
  [grpc.status.CANCELLED]: 'Canceled',
  [grpc.status.UNKNOWN]: 'Unknown',
  [grpc.status.INVALID_ARGUMENT]: 'InvalidArgument',
  [grpc.status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [grpc.status.NOT_FOUND]: 'NotFound',
  [grpc.status.ALREADY_EXISTS]: 'AlreadyExists',
  [grpc.status.PERMISSION_DENIED]: 'PermissionDenied',
  [grpc.status.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [grpc.status.FAILED_PRECONDITION]: 'FailedPrecondition',
  [grpc.status.ABORTED]: 'Aborted',
  [grpc.status.OUT_OF_RANGE]: 'OutOfRange',
  [grpc.status.UNIMPLEMENTED]: 'Unimplemented',
  [grpc.status.INTERNAL]: 'Internal',
  [grpc.status.UNAVAILABLE]: 'Unavailable',
  [grpc.status.DATA_LOSS]: 'DataLoss',
  [grpc.status.UNAUTHENTICATED]: 'Unauthenticated',
};

/** `grpc_code` for `code`; a code outside the table reads `Code(<n>)`, as Go prints it. */
export function grpcCodeName(code: number): string {
  return GRPC_CODE_NAMES[code as grpc.status] ?? `Code(${code})`;
}

/** `grpc_type` of a method, from whether the client and the server stream. */
export function grpcType(requestStream: boolean, responseStream: boolean): GrpcType {
  if (requestStream && responseStream) return 'bidi_stream';
  if (requestStream) return 'client_stream';
  if (responseStream) return 'server_stream';
  return 'unary';
}

/** `grpc_service` and `grpc_method` of a method path: '/grpc.health.v1.Health/Check'. */
export function grpcServiceAndMethod(path: string): { service: string; method: string } {
  const slash = path.lastIndexOf('/');
  return {
    service: path.slice(path.startsWith('/') ? 1 : 0, slash),
    method: path.slice(slash + 1),
  };
}

/** The labels an Omega metric about gRPC calls uses for a call's method and how it ended. */
export type GrpcCallLabels = Record<'grpc_service' | 'grpc_method' | 'grpc_code', string>;

/** `grpc_service`, `grpc_method` and `grpc_code` of a call to `path` that ended with `code`. */
export function grpcCallLabels(path: string, code: number): GrpcCallLabels {
  const { service, method } = grpcServiceAndMethod(path);
  return { grpc_service: service, grpc_method: method, grpc_code: grpcCodeName(code) };
}

const CALL_LABELS = ['grpc_type', 'grpc_service', 'grpc_method'] as const;

/** A server interceptor recording every call into `registry`. */
export function grpcServerMetricsInterceptor(registry: Registry): grpc.ServerInterceptor {
  const started = new Counter({
    name: 'grpc_server_started_total',
    help: 'Total number of RPCs started on the server.',
    labelNames: CALL_LABELS,
    registers: [registry],
  });
  const handled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'Total number of RPCs completed on the server, regardless of success or failure.',
    labelNames: [...CALL_LABELS, 'grpc_code'] as const,
    registers: [registry],
  });
  const received = new Counter({
    name: 'grpc_server_msg_received_total',
    help: 'Total number of RPC stream messages received on the server.',
    labelNames: CALL_LABELS,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'grpc_server_msg_sent_total',
    help: 'Total number of gRPC stream messages sent by the server.',
    labelNames: CALL_LABELS,
    registers: [registry],
  });
  const handling = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
    labelNames: CALL_LABELS,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  return (method, call) => {
    const { service, method: name } = grpcServiceAndMethod(method.path);
    const labels = {
      grpc_type: grpcType(method.requestStream, method.responseStream),
      grpc_service: service,
      grpc_method: name,
    };
    const startedAt = performance.now();
    let finished = false;
    started.inc(labels);
    const finish = (code: grpc.status) => {
      if (finished) return;
      finished = true;
      handled.inc({ ...labels, grpc_code: grpcCodeName(code) });
      handling.observe(labels, (performance.now() - startedAt) / 1000);
    };
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            received.inc(labels);
            nextMessage(message);
          },
          onCancel: () => finish(grpc.status.CANCELLED),
        });
      },
      sendMessage(message, next) {
        sent.inc(labels);
        next(message);
      },
      sendStatus(status, next) {
        finish(status.code);
        next(status);
      },
    });
  };
}
