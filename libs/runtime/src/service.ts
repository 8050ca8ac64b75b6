// The harness every apps/<service>/src/main.ts starts from: config, logs, metrics, tracing, the
// gRPC server with health, the HTTP /metrics /healthz /readyz server, and graceful shutdown.
import * as grpc from '@grpc/grpc-js';
import type { Tracer } from '@opentelemetry/api';
import type pino from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { z } from 'zod';
import { baseConfigSchema, loadConfig, type BaseConfig } from './config';
import { Code, OmegaError, errorMessage } from './errors';
import { authorizationOf, type AuthorizeCall, type ImplementServiceOptions } from './grpc-handlers';
import { GrpcHealth } from './grpc-health';
import { grpcServerMetricsInterceptor } from './grpc-metrics';
import { ConnectionGate, listenGated, type GatedGrpcPort } from './grpc-connection-gate';
import { grpcServiceName } from './grpc-server';
import { guardMalformedRequests } from './malformed-request';
import { grpcServerTracingInterceptor } from './grpc-tracing';
import { createLogger, type Logger } from './logger';
import { MetricsServer } from './metrics-server';
import { Readiness } from './readiness';
import { GracefulShutdown, type DrainHook, type ShutdownOutcome } from './shutdown';
import { startTracing } from './tracing';

/** prom-client default gauges whose names end in _total (docs/metrics.md). */
const NON_COUNTERS_NAMED_TOTAL = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The ports a service uses when none are configured (ARCHITECTURE.md, "Local ports"). */
export interface ServiceDefaults {
  grpcPort: number;
  httpPort: number;
}

export interface StartServiceOptions<S extends z.ZodType> {
  /** The service's name ('trust'): default for service.name. */
  name: string;
  defaults: ServiceDefaults;
  /** An extension of baseConfigSchema (`baseConfigSchema.extend({...})`). */
  configSchema?: S;
  env?: NodeJS.ProcessEnv;
  argv?: string[];
  /** SIGTERM/SIGINT shut down and exit the process (default true); tests call shutdown() instead. */
  installSignalHandlers?: boolean;
  logDestination?: pino.DestinationStream;
}

export interface Service<C> {
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  /** prom-client registry: process, Node.js and gRPC server metrics under their standard names. */
  readonly metrics: Registry;
  readonly tracer: Tracer;
  /** Aborts when shutdown starts: long-lived handlers (watch streams) should wrap up. */
  readonly draining: AbortSignal;
  /** Serves a gRPC service and reports it in the health service under `healthName` (default: its full name). */
  addGrpcService(
    definition: grpc.ServiceDefinition,
    implementation: grpc.UntypedServiceImplementation,
    healthName?: string,
  ): void;
  /**
   * Until `addGrpcService` brings the real handlers, every method of `definition` answers
   * UNAVAILABLE ("<path>: <service> is starting; retry"), which callers retry, instead of the
   * UNIMPLEMENTED grpc-js answers for a service it does not know, which callers take as final.
   */
  reserveGrpcService(definition: grpc.ServiceDefinition): void;
  /**
   * Every call to a service added after this is checked with `authorize` (the harness sets it when
   * mutual TLS is on); `addGrpcService` then refuses an implementation that does not check it.
   */
  useCallAuthorization(authorize: AuthorizeCall): void;
  /** The check `useCallAuthorization` installed, for a service that wraps it (the gateway). */
  readonly callAuthorizationInUse: AuthorizeCall | undefined;
  /** What implementService needs from the service: its logger, drain signal and call check. */
  readonly handlerOptions: ImplementServiceOptions;
  /** Readiness is the AND of every component's state; it drives /readyz and gRPC health. */
  setReady(component: string, ready: boolean, detail?: string): void;
  /** Drain hooks run on shutdown in reverse registration order, after in-flight calls finish. */
  onShutdown(name: string, hook: DrainHook): void;
  /** Binds gRPC (insecure until trust brings mTLS) and HTTP; port 0 picks a free port. */
  /** The gRPC server's transport security (default insecure); only before `listen()`. */
  useGrpcCredentials(credentials: grpc.ServerCredentials): void;
  listen(): Promise<{ grpcPort: number; httpPort: number }>;
  /** Idempotent; resolves (never rejects) with how it went once everything is closed. */
  shutdown(reason: string): Promise<ShutdownOutcome>;
  readonly closed: Promise<void>;
}

/** Loads config and builds every part of a service; nothing listens until `listen()`. */
export async function startService<S extends z.ZodType = typeof baseConfigSchema>(
  opts: StartServiceOptions<S>,
): Promise<Service<z.output<S>>> {
  const schema: z.ZodType = opts.configSchema ?? baseConfigSchema;
  const config = loadConfig(schema, {
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.argv ? { argv: opts.argv } : {}),
    defaults: {
      service: { name: opts.name },
      grpc: { port: opts.defaults.grpcPort },
      http: { port: opts.defaults.httpPort },
    },
  }) as z.output<S>;
  const service = new OmegaService<z.output<S>>(config, opts.logDestination);
  if (opts.installSignalHandlers ?? true) service.installSignalHandlers();
  return service;
}

class OmegaService<C> implements Service<C> {
  readonly name: string;
  readonly logger: Logger;
  readonly metrics = new Registry();
  readonly tracer: Tracer;
  readonly closed: Promise<void>;

  private readonly settings: BaseConfig;
  private readonly readiness = new Readiness();
  private readonly health = new GrpcHealth();
  private readonly grpcServer: grpc.Server;
  private readonly connectionGate: ConnectionGate;
  private grpcPort: GatedGrpcPort | undefined;
  /** Services answering UNAVAILABLE until their handlers are added, by full service name. */
  private readonly reserved = new Map<string, grpc.ServiceDefinition>();
  private readonly httpServer: MetricsServer;
  private readonly drainController = new AbortController();
  private readonly lifecycle: GracefulShutdown;
  private listening: Promise<{ grpcPort: number; httpPort: number }> | undefined;
  private grpcCredentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure();
  private callAuthorization: AuthorizeCall | undefined;

  constructor(
    readonly config: C,
    logDestination: pino.DestinationStream | undefined,
  ) {
    // Every schema passed to startService extends baseConfigSchema, so these settings are present.
    this.settings = config as unknown as BaseConfig;
    this.name = this.settings.service.name;
    this.logger = createLogger({
      service: this.name,
      level: this.settings.log.level,
      ...(logDestination ? { destination: logDestination } : {}),
    });
    // Standard names (process_*, nodejs_*, grpc_server_*): the service is the scrape job's label.
    collectDefaultMetrics({ register: this.metrics });
    // prom-client's gauges named *_total break the rule that only counters end in _total (promtool
    // check metrics says so); sum(nodejs_active_handles) and the like give the same figures.
    for (const name of NON_COUNTERS_NAMED_TOTAL) this.metrics.removeSingleMetric(name);

    const { endpoint, sampleRatio } = this.settings.otel;
    const tracing = startTracing({
      serviceName: this.name,
      logger: this.logger,
      ...(endpoint ? { endpoint } : {}),
      ...(sampleRatio !== undefined ? { sampleRatio } : {}),
    });
    this.tracer = tracing.tracer;

    const limits = this.settings.grpc;
    this.grpcServer = new grpc.Server({
      'grpc.max_concurrent_streams': limits.maxConcurrentStreams,
      'grpc.max_connection_idle_ms': limits.maxConnectionIdleMs,
      'grpc.max_connection_age_ms': limits.maxConnectionAgeMs,
      'grpc.max_connection_age_grace_ms': limits.maxConnectionAgeGraceMs,
      'grpc.max_receive_message_length': limits.maxReceiveMessageBytes,
      interceptors: [grpcServerMetricsInterceptor(this.metrics), grpcServerTracingInterceptor],
    });
    this.connectionGate = new ConnectionGate({
      limits: {
        maxPerAddress: limits.maxConnectionsPerAddress,
        maxTotal: limits.maxConnections,
        silentTimeoutMs: limits.maxConnectionIdleMs,
      },
      registry: this.metrics,
      logger: this.logger,
    });
    this.health.addToServer(this.grpcServer);
    this.health.setServing(this.readiness.isReady());
    this.readiness.onChange((ready) => this.health.setServing(ready));
    this.httpServer = new MetricsServer({
      registry: this.metrics,
      readiness: this.readiness,
      logger: this.logger,
    });

    this.lifecycle = new GracefulShutdown({
      deadlineMs: this.settings.shutdown.deadlineMs,
      logger: this.logger,
      beforeStop: (reason) => {
        this.setReady('shutdown', false, `draining: ${reason}`);
        this.drainController.abort(
          new OmegaError(Code.Unavailable, `${this.name} is shutting down: ${reason}`),
        );
      },
      stopAccepting: [{ name: 'grpc server', run: () => this.stopGrpc() }],
      closeLast: [
        { name: 'http server', run: () => this.httpServer.close() },
        { name: 'tracing', run: () => tracing.shutdown() },
      ],
      force: () => {
        this.grpcServer.forceShutdown();
        this.connectionGate.destroyAll();
        this.httpServer.forceClose();
        this.httpServer.close().catch((err: unknown) => {
          this.logger.error({ err }, `closing the http server failed: ${errorMessage(err)}`);
        });
        tracing.shutdown().catch((err: unknown) => {
          this.logger.error({ err }, `flushing traces failed: ${errorMessage(err)}`);
        });
      },
    });
    this.closed = this.lifecycle.finished.then(() => undefined);
  }

  get draining(): AbortSignal {
    return this.drainController.signal;
  }

  installSignalHandlers(): void {
    this.lifecycle.installSignalHandlers();
  }

  useCallAuthorization(authorize: AuthorizeCall): void {
    this.callAuthorization = authorize;
  }

  get callAuthorizationInUse(): AuthorizeCall | undefined {
    return this.callAuthorization;
  }

  get handlerOptions(): ImplementServiceOptions {
    return {
      logger: this.logger,
      draining: this.draining,
      ...(this.callAuthorization ? { authorize: this.callAuthorization } : {}),
    };
  }

  addGrpcService(
    definition: grpc.ServiceDefinition,
    implementation: grpc.UntypedServiceImplementation,
    healthName?: string,
  ): void {
    const serviceName = healthName ?? grpcServiceName(definition);
    if (
      this.callAuthorization !== undefined &&
      authorizationOf(implementation) !== this.callAuthorization
    ) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `grpc: ${serviceName} would serve calls unchecked: build it with implementService(definition, handlers, service.handlerOptions)`,
      );
    }
    const reserved = this.reserved.get(grpcServiceName(definition));
    if (reserved !== undefined) {
      // Removal is by method path, so the real definition may be another object of the same service.
      this.grpcServer.removeService(reserved);
      this.reserved.delete(grpcServiceName(definition));
    }
    try {
      const guarded = guardMalformedRequests(definition, implementation);
      this.grpcServer.addService(guarded.definition, guarded.implementation);
    } catch (err) {
      throw new OmegaError(
        Code.AlreadyExists,
        `grpc: cannot add ${serviceName}: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    }
    this.health.track(serviceName);
    this.logger.debug({ grpcService: serviceName }, 'grpc service added');
  }

  reserveGrpcService(definition: grpc.ServiceDefinition): void {
    const serviceName = grpcServiceName(definition);
    const starting: grpc.UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(definition)) {
      const status = {
        code: grpc.status.UNAVAILABLE,
        details: `${method.path}: ${serviceName} is starting; retry`,
      };
      starting[name] = method.responseStream
        ? (call: grpc.ServerWritableStream<unknown, unknown>) => call.emit('error', status)
        : (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(status, null);
    }
    this.grpcServer.addService(definition, starting);
    this.reserved.set(serviceName, definition);
  }

  setReady(component: string, ready: boolean, detail?: string): void {
    const before = this.readiness.snapshot()[component];
    this.readiness.set(component, ready, detail);
    if (before?.ready !== ready || before.detail !== detail) {
      this.logger.info(
        {
          component,
          ready,
          ...(detail === undefined ? {} : { detail }),
          serviceReady: this.readiness.isReady(),
        },
        `${component} ${ready ? 'ready' : 'not ready'}${detail === undefined ? '' : `: ${detail}`}`,
      );
    }
  }

  onShutdown(name: string, hook: DrainHook): void {
    this.lifecycle.onShutdown(name, hook);
  }

  useGrpcCredentials(credentials: grpc.ServerCredentials): void {
    if (this.listening !== undefined) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `${this.name}: gRPC credentials must be set before listen()`,
      );
    }
    this.grpcCredentials = credentials;
  }

  listen(): Promise<{ grpcPort: number; httpPort: number }> {
    if (this.lifecycle.started) {
      return Promise.reject(
        new OmegaError(Code.FailedPrecondition, `${this.name}: cannot listen after shutdown`),
      );
    }
    this.listening ??= this.bind();
    return this.listening;
  }

  shutdown(reason: string): Promise<ShutdownOutcome> {
    return this.lifecycle.shutdown(reason);
  }

  private async bind(): Promise<{ grpcPort: number; httpPort: number }> {
    const { grpc: grpcSettings, http: httpSettings } = this.settings;
    const [grpcBound, httpBound] = await Promise.allSettled([
      listenGated(
        this.grpcServer,
        grpcSettings.host,
        grpcSettings.port,
        this.grpcCredentials,
        this.connectionGate,
      ),
      this.httpServer.listen(httpSettings.port, httpSettings.host),
    ]);
    if (grpcBound.status === 'rejected' || httpBound.status === 'rejected') {
      this.grpcServer.forceShutdown();
      if (grpcBound.status === 'fulfilled') await grpcBound.value.close();
      await this.httpServer.close();
      const reasons = [grpcBound, httpBound]
        .filter((result) => result.status === 'rejected')
        .map((result) => errorMessage(result.reason));
      throw new OmegaError(Code.Unavailable, `${this.name}: ${reasons.join('; ')}`, {
        cause:
          grpcBound.status === 'rejected'
            ? grpcBound.reason
            : (httpBound as PromiseRejectedResult).reason,
      });
    }
    this.grpcPort = grpcBound.value;
    const ports = { grpcPort: grpcBound.value.port, httpPort: httpBound.value };
    this.logger.info(
      {
        ...ports,
        grpcHost: grpcSettings.host,
        httpHost: httpSettings.host,
        ready: this.readiness.isReady(),
      },
      'service started',
    );
    return ports;
  }

  /**
   * Stops accepting and lets calls in flight finish. For connections handed over through the
   * injector, grpc-js's tryShutdown may report done while a call is still running, so the drain
   * waits for the listener instead, which closes once every connection it admitted has ended
   * (grpc-js ends each once its last call does). A connection still in its TLS handshake ends at
   * the shutdown deadline, when `force` destroys whatever is left.
   */
  private async stopGrpc(): Promise<void> {
    const listenerClosed = this.grpcPort?.close();
    await new Promise<void>((resolve, reject) => {
      this.grpcServer.tryShutdown((err) => (err ? reject(err) : resolve()));
    });
    await listenerClosed;
  }
}
