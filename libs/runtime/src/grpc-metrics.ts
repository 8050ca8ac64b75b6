// Prometheus metrics for every gRPC call a service answers: count by method and status, duration,
// and calls in flight, named omega_<service>_grpc_server_*.
import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** A server interceptor recording into `registry` under `prefix` (e.g. 'omega_trust_'). */
export function grpcServerMetricsInterceptor(
  registry: Registry,
  prefix: string,
): grpc.ServerInterceptor {
  const handled = new Counter({
    name: `${prefix}grpc_server_handled_total`,
    help: 'gRPC calls answered, by method path and status code',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${prefix}grpc_server_handling_seconds`,
    help: 'Time from a gRPC call arriving to its status being sent, in seconds',
    labelNames: ['method'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: `${prefix}grpc_server_calls_in_flight`,
    help: 'gRPC calls being answered now',
    registers: [registry],
  });

  return (method, call) => {
    const startedAt = performance.now();
    let finished = false;
    inFlight.inc();
    const finish = (code: grpc.status) => {
      if (finished) return;
      finished = true;
      inFlight.dec();
      handled.inc({ method: method.path, code: grpc.status[code] ?? String(code) });
      duration.observe({ method: method.path }, (performance.now() - startedAt) / 1000);
    };
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({ onCancel: () => finish(grpc.status.CANCELLED) });
      },
      sendStatus(status, next) {
        finish(status.code);
        next(status);
      },
    });
  };
}
