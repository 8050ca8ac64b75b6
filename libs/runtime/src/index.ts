// Public entry of @omega/runtime: what every Omega service needs, written once.
export {
  Code,
  OmegaError,
  codeForHttpStatus,
  codeName,
  errorMessage,
  isPermanent,
  isRetryable,
  isRetryableCode,
} from './errors';
export { injectTraceContext, extractTraceContext, type TextCarrier } from './trace-context';
export {
  baseConfigSchema,
  loadConfig,
  LOG_LEVELS,
  NON_CONFIG_ENV_VARS,
  type BaseConfig,
  type LoadConfigOptions,
  type LogLevel,
} from './config';
export { envNameFor } from './config-schema';
export { createLogger, type CreateLoggerOptions, type Logger } from './logger';
export { Readiness, type ComponentState, type NotReadyComponent } from './readiness';
export { MetricsServer, type MetricsServerOptions } from './metrics-server';
export { unimplementedService, grpcServiceName, bindGrpcServer, toGrpcError } from './grpc-server';
export {
  implementService,
  authorizationOf,
  type AuthorizeCall,
  type BidiStreamingHandler,
  type CallContext,
  type CallPeer,
  type ImplementServiceOptions,
  type MethodHandler,
  type ServerStreamingHandler,
  type ServiceHandlers,
  type UnaryHandler,
} from './grpc-handlers';
export {
  createPromiseClient,
  type CallOptions,
  type ClientMethod,
  type GeneratedClientConstructor,
  type PromiseClient,
  type PromiseClientOptions,
} from './grpc-client';
export { GrpcHealth, grpcHealthDefinition, type HealthStatus } from './grpc-health';
export {
  GRPC_CODE_NAMES,
  grpcCallLabels,
  grpcCodeName,
  grpcServerMetricsInterceptor,
  grpcServiceAndMethod,
  grpcType,
  type GrpcCallLabels,
  type GrpcType,
} from './grpc-metrics';
export {
  spansExported,
  startTracing,
  TRACER_NAME,
  type Tracing,
  type TracingOptions,
} from './tracing';
export {
  resolveTracingSettings,
  SUPPORTED_OTLP_PROTOCOL,
  SUPPORTED_PROPAGATORS,
  SUPPORTED_SAMPLERS,
  type OmegaTracingConfig,
  type TracingSettings,
} from './otel-env';
export {
  grpcClientTracingInterceptor,
  grpcServerTracingInterceptor,
  metadataCarrier,
} from './grpc-tracing';
export {
  GracefulShutdown,
  type DrainHook,
  type GracefulShutdownOptions,
  type ShutdownOutcome,
  type ShutdownStep,
} from './shutdown';
export {
  startService,
  type Service,
  type ServiceDefaults,
  type StartServiceOptions,
} from './service';
export { importEsmOnce } from './esm-import';
