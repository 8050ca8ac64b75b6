// OpenTelemetry tracing for a service process: the NodeSDK with W3C trace context, spans exported
// over OTLP/HTTP (protobuf) when an endpoint is configured, and created but kept in-process otherwise.
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { Logger } from './logger';

/** The instrumentation scope of spans Omega's runtime creates. */
export const TRACER_NAME = '@omega/runtime';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL, e.g. http://otel-collector:4318; spans go to <endpoint>/v1/traces. */
  endpoint?: string;
  /** Fraction of new traces sampled, 0..1 (default 1); a sampled parent is always followed. */
  sampleRatio?: number;
  logger?: Logger;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** The OTLP URL spans are exported to, if any. */
  readonly exportUrl: string | undefined;
  /** Flushes pending spans; the last user in the process also unregisters the SDK. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry's API keeps one tracer provider, propagator and context manager per process, so
 * tracing is installed once and shared: services started later in the same process (tests, a
 * local runner) reuse the first one's settings, and it is torn down when the last one shuts down.
 */
let installed: { sdk: NodeSDK; exportUrl: string | undefined; users: number } | undefined;

export function startTracing(opts: TracingOptions): Tracing {
  const exportUrl = opts.endpoint ? `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` : undefined;
  if (!installed) {
    // The exporter loads node:http with a dynamic import(), which jest's module sandbox cannot run:
    // specs check exporting in a child process (fixtures/export-spans.ts).
    const spanProcessor: SpanProcessor = exportUrl
      ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: exportUrl }) })
      : new NoopSpanProcessor();
    const sdk = new NodeSDK({
      serviceName: opts.serviceName,
      textMapPropagator: new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
      sampler: new ParentBasedSampler({
        root: new TraceIdRatioBasedSampler(opts.sampleRatio ?? 1),
      }),
      spanProcessors: [spanProcessor],
      // Metrics go through prom-client and logs through pino; the SDK handles traces only.
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    installed = { sdk, exportUrl, users: 0 };
    opts.logger?.debug({ exportUrl: exportUrl ?? null }, 'tracing started');
  } else if (installed.exportUrl !== exportUrl) {
    opts.logger?.warn(
      { exportUrl: installed.exportUrl ?? null, requested: exportUrl ?? null },
      'tracing is already set up in this process; keeping its exporter',
    );
  }
  const shared = installed;
  shared.users += 1;

  let stopped: Promise<void> | undefined;
  return {
    tracer: trace.getTracer(TRACER_NAME),
    exportUrl: shared.exportUrl,
    shutdown() {
      stopped ??= (async () => {
        shared.users -= 1;
        if (shared.users > 0 || installed !== shared) return;
        installed = undefined;
        try {
          await shared.sdk.shutdown();
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
        }
      })();
      return stopped;
    },
  };
}
