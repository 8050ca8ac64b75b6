// Starts the browser protocol's port from the gateway's parts: the methods the gRPC port serves
// (GatewayService's handlers and the forwarding to each backend, with the same pool and per-caller
// limits), the same CallerAuth, and the gateway's certificate.
import { resolve } from 'node:path';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { Counter, type Registry } from 'prom-client';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type * as grpc from '@grpc/grpc-js';
import { DESCRIPTOR_SET_BASE64, GatewayServiceService } from '@omega/proto';
import { Code, OmegaError, grpcCallLabels, type Logger } from '@omega/runtime';
import { GATEWAY_WEB_PORT, LOCAL_PORTS } from '@omega/service';
import type { CredentialSource } from '@omega/trust-client';
import type { BackendPool } from './backend-pool';
import type { CallLimits } from './call-limits';
import type { CallerAuth } from './caller-auth';
import { FORWARDED_SERVICES } from './forwarded-services';
import { forwardingHandlers } from './forwarding';
import type { GatewayConfig } from './gateway-config';
import { ConsoleFiles } from './console-files';
import { WebEndpoint } from './web-endpoint';
import { webRoutes, type ServedMethod } from './web-routes';

export interface WebGatewayParts {
  readonly config: GatewayConfig;
  /** Where the gRPC port listens: the web port is beside it. */
  readonly grpc: { readonly host: string; readonly port: number };
  /** Present when the gRPC port serves TLS; undefined serves plain HTTP. */
  readonly credentials: CredentialSource | undefined;
  readonly auth: CallerAuth;
  /** GatewayService's handlers, as the gRPC port has them. */
  readonly gatewayHandlers: object;
  readonly pool: BackendPool;
  readonly limits: CallLimits;
  readonly logger: Logger;
  readonly draining: AbortSignal;
  /** Where the web port's call counter is registered (the service's registry). */
  readonly metrics: Registry;
}

export const WEB_CALLS_METRIC = 'omega_gateway_web_calls_handled_total';

/** The web port when none is configured: the gRPC port + 7 (50058 beside 50051). */
export function defaultWebPort(grpcPort: number): number {
  return grpcPort === 0 ? 0 : grpcPort + (GATEWAY_WEB_PORT - LOCAL_PORTS.gateway.grpcPort);
}

/** Every method path the gRPC port serves (reflection aside), with its definition and handler. */
export function servedMethods(
  parts: Pick<WebGatewayParts, 'auth' | 'gatewayHandlers' | 'pool' | 'limits'>,
): Map<string, ServedMethod> {
  const methods = new Map<string, ServedMethod>();
  const add = (definition: grpc.ServiceDefinition, handlers: object, what: string): void => {
    for (const [key, method] of Object.entries(definition)) {
      const handler = (handlers as Record<string, ServedMethod['handler'] | undefined>)[key];
      methods.set(method.path, {
        definition: method as grpc.MethodDefinition<unknown, unknown>,
        handler: handler ?? notBuilt(method.path, method.responseStream, what),
      });
    }
  };
  add(GatewayServiceService, parts.gatewayHandlers, 'GatewayService');
  for (const forwarded of FORWARDED_SERVICES) {
    const handlers = forwardingHandlers(forwarded, parts.pool, parts.limits, (ctx) =>
      parts.auth.limitOf(ctx),
    );
    add(forwarded.passThrough, handlers, forwarded.backend);
  }
  return methods;
}

function notBuilt(path: string, stream: boolean, what: string): ServedMethod['handler'] {
  const refusal = () =>
    new OmegaError(Code.Unimplemented, `${path} is not built yet (${what}) on the web port`);
  if (!stream) {
    return () => {
      throw refusal();
    };
  }
  return () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(refusal()) }) });
}

export async function startWebGateway(parts: WebGatewayParts): Promise<WebEndpoint> {
  const registry = createFileRegistry(
    fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
  );
  const settings = parts.config.web;
  if (parts.credentials === undefined) {
    parts.logger.warn(
      { tls: false, authorization: 'off' },
      'AUTHORIZATION IS OFF: gateway serves its web port (Connect, gRPC-Web) without TLS (tls.enabled=false), so no caller has an identity and every method answers anyone. Development only: set tls.enabled=true',
    );
  }
  const handled = new Counter({
    name: WEB_CALLS_METRIC,
    help: 'Calls the web port (Connect, gRPC-Web) answered, by method, gRPC status and protocol',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code', 'protocol'],
    registers: [parts.metrics],
  });
  // apps/gateway/dist → apps/console/dist in the repository (and `omega up`).
  const consoleDir = settings.consoleDir ?? resolve(__dirname, '..', '..', 'console', 'dist');
  const consoleFiles = ConsoleFiles.load(consoleDir);
  const endpoint = await WebEndpoint.start({
    host: parts.grpc.host,
    port: settings.port ?? defaultWebPort(parts.grpc.port),
    credentials: parts.credentials,
    allowedOrigins: settings.allowedOrigins,
    maxRequestBytes: settings.maxRequestBytes,
    consoleFiles,
    jsonRegistry: registry,
    routes: webRoutes({
      registry,
      methods: servedMethods(parts),
      auth: parts.auth,
      logger: parts.logger,
      draining: parts.draining,
      onHandled: (method, code, protocol) =>
        handled.inc({ ...grpcCallLabels(method, code), protocol }),
    }),
    logger: parts.logger,
  });
  parts.logger.info(
    {
      webPort: endpoint.port,
      tls: endpoint.secure,
      allowedOrigins: settings.allowedOrigins,
      maxRequestBytes: settings.maxRequestBytes,
      console: consoleFiles === undefined ? null : consoleDir,
    },
    `web port (Connect, gRPC-Web) listening on ${endpoint.port}${consoleFiles === undefined ? `; no web console (no build in ${consoleDir})` : `, serving the web console`}`,
  );
  return endpoint;
}
