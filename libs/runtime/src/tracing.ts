// OpenTelemetry tracing for a process (a service, the CLI): the NodeSDK with the propagators,
// sampler, resource and OTLP/HTTP (protobuf) exporter that Omega's config and the standard OTEL_*
// variables ask for (otel-env.ts); spans are created but kept in-process when no endpoint is set.
import {
  context,
  propagation,
  trace,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { Logger } from './logger';
import { resolveTracingSettings, type TracingSettings } from './otel-env';

/** The instrumentation scope of spans Omega's runtime creates. */
export const TRACER_NAME = '@omega/runtime';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL, e.g. http://otel-collector:4318; spans go to <endpoint>/v1/traces. */
  endpoint?: string;
  /** Fraction of new traces sampled, 0..1; a sampled parent is always followed. */
  sampleRatio?: number;
  /** Where the OTEL_* variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
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
let installed:
  { sdk: NodeSDK | undefined; exportUrl: string | undefined; users: number } | undefined;

/**
 * Installs tracing (or joins the process's). Throws an OmegaError (InvalidArgument) when an
 * OTEL_* variable asks for what Omega does not build, e.g. OTEL_EXPORTER_OTLP_PROTOCOL=grpc.
 */
export function startTracing(opts: TracingOptions): Tracing {
  const settings = resolveTracingSettings(
    { serviceName: opts.serviceName, endpoint: opts.endpoint, sampleRatio: opts.sampleRatio },
    opts.env ?? process.env,
  );
  const exportUrl = settings.enabled ? settings.export?.url : undefined;
  if (!installed) {
    const sdk = settings.enabled ? createSdk(settings) : undefined;
    sdk?.start();
    installed = { sdk, exportUrl, users: 0 };
    // Where spans go is worth a line at info: a missing trace is then easy to explain.
    const fields = {
      exportUrl: exportUrl ?? null,
      enabled: settings.enabled,
      sampler: settings.sampler.name,
      propagators: settings.propagators,
    };
    if (exportUrl) opts.logger?.info(fields, `tracing: exporting spans to ${exportUrl}`);
    else opts.logger?.debug(fields, 'tracing started');
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
          await shared.sdk?.shutdown();
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

/** True while this process exports spans: what only matters to a collector can be skipped otherwise. */
export function spansExported(): boolean {
  return installed?.exportUrl !== undefined;
}

function createSdk(settings: TracingSettings): NodeSDK {
  // The exporter loads node:http with a dynamic import(), which jest's module sandbox cannot run:
  // specs check exporting in a child process (fixtures/export-spans.ts).
  const spanProcessor: SpanProcessor = settings.export
    ? new BatchSpanProcessor({
        ...settings.batch,
        exporter: new OTLPTraceExporter({
          url: settings.export.url,
          headers: settings.export.headers,
        }),
      })
    : new NoopSpanProcessor();
  return new NodeSDK({
    resource: defaultResource().merge(resourceFromAttributes(settings.resource)),
    // The environment detector is left out: OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME are
    // already in settings.resource, parsed with errors that name them.
    resourceDetectors: [serviceInstanceIdDetector, processDetector, hostDetector, osDetector],
    serviceName: settings.resource['service.name'] ?? 'unknown_service:node',
    textMapPropagator: propagatorOf(settings.propagators),
    sampler: samplerOf(settings.sampler),
    spanProcessors: [spanProcessor],
    // Metrics go through prom-client and logs through pino; the SDK handles traces only.
    metricReaders: [],
    logRecordProcessors: [],
  });
}

function propagatorOf(names: TracingSettings['propagators']): TextMapPropagator {
  return new CompositePropagator({
    propagators: names.map((name) =>
      name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
    ),
  });
}

function samplerOf({ name, ratio }: TracingSettings['sampler']): Sampler {
  const root = name.endsWith('always_on')
    ? new AlwaysOnSampler()
    : name.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}
