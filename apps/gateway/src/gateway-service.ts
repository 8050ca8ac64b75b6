// Builds the gateway service's parts on a running service harness: its metrics, GatewayService,
// the forwarding of every public omega.v1 service to its backend, and server reflection (main.ts
// and the specs share it).
import type * as grpc from '@grpc/grpc-js';
import type { ResourceSelection } from '@omega/bus';
import { DESCRIPTOR_SET_BASE64, GatewayServiceService } from '@omega/proto';
import {
  baseConfigSchema,
  grpcServiceName,
  implementService,
  type ServiceHandlers,
} from '@omega/runtime';
import type { BuiltService, ServiceParts } from '@omega/service';
import {
  REFLECTION_METHOD_PATHS,
  parseSubject,
  trustAuditClient,
  trustServiceClient,
} from '@omega/trust-client';
import type { z } from 'zod';
import { BackendPool } from './backend-pool';
import { CallLimits } from './call-limits';
import { CallerAuth } from './caller-auth';
import type { ServedMethods } from './caller-access';
import { FORWARDED_SERVICES, methodName } from './forwarded-services';
import { forwardingHandlers } from './forwarding';
import { gatewayConfigSchema } from './gateway-config';
import { gatewayGrpcHandlers } from './gateway-grpc';
import { gatewayMetrics } from './gateway-metrics';
import { DescriptorIndex, reflectionDefinition, reflectionHandler } from './server-reflection';
import { firstAdminTokenInBackground } from './first-admin-token-publisher';
import { TOKENS_BUCKET, TokenRegistry } from './token-registry';
import { trustTokenSigner } from './trust-token-signer';
import { startWebGateway } from './web-gateway';

export const gatewayServiceConfigSchema = baseConfigSchema.extend({
  gateway: gatewayConfigSchema,
});
export type GatewayServiceConfig = z.output<typeof gatewayServiceConfigSchema>;

export const GATEWAY_RESOURCES: ResourceSelection = {
  streams: ['ALERTS'],
  kv: [TOKENS_BUCKET],
};

/** Every gRPC service the gateway serves: its own and the forwarded ones. */
export const GATEWAY_GRPC_SERVICES: readonly grpc.ServiceDefinition[] = [
  GatewayServiceService,
  ...FORWARDED_SERVICES.map(({ passThrough }) => passThrough),
  ...REFLECTION_METHOD_PATHS.map(reflectionDefinition),
];

/** Every method path the gateway serves, and the forwarded services' methods it refuses, why. */
export const SERVED_METHODS: ServedMethods = {
  paths: GATEWAY_GRPC_SERVICES.flatMap((definition) =>
    Object.values(definition).map((method) => method.path),
  ),
  notForwarded: new Map(
    FORWARDED_SERVICES.flatMap(({ passThrough, notForwarded }) =>
      Object.values(passThrough).flatMap((method): [string, string][] => {
        const reason = notForwarded[methodName(method.path)];
        return reason === undefined ? [] : [[method.path, reason]];
      }),
    ),
  ),
};

/** What reflection lists: the contract's services the gateway serves (each one it can describe). */
export const REFLECTED_SERVICES: readonly string[] = [
  'omega.v1.GatewayService',
  ...FORWARDED_SERVICES.map(({ definition }) => grpcServiceName(definition)),
];

export async function buildGateway({
  service,
  bus,
  identity,
  clientCredentials,
}: ServiceParts<GatewayServiceConfig>): Promise<BuiltService> {
  const config = service.config.gateway;
  const pool = new BackendPool(config, clientCredentials, service.logger);
  const limits = new CallLimits(config.limits);
  service.onShutdown('backend channels', async () => pool.close());
  const metrics = gatewayMetrics(service.metrics);

  // Who calls: the harness's certificate check (installed when TLS is on) becomes one of the
  // gateway's ways in, beside bearer tokens; the gateway's check then guards every service.
  const certificateCheck = service.callAuthorizationInUse;
  const cluster = identity === undefined ? '' : parseSubject(identity.subject).cluster;
  const actor = () => {
    if (identity === undefined) return { id: service.name, keyId: '' };
    const { subject, signer } = identity.current();
    return { id: subject, keyId: signer.keyId };
  };
  const trust =
    certificateCheck !== undefined && identity !== undefined
      ? trustServiceClient(config.trustAddress, clientCredentials('trust'))
      : undefined;
  if (trust !== undefined) service.onShutdown('trust client', async () => trust.close());
  const audit = trust === undefined ? undefined : trustAuditClient(trust);
  const tokens =
    trust === undefined || audit === undefined
      ? undefined
      : await TokenRegistry.open({
          kv: await bus.kv(TOKENS_BUCKET),
          signer: trustTokenSigner(trust, `omega://${cluster}/service/trust`),
          audit,
          actor,
          audience: cluster,
          settings: config.tokens,
          logger: service.logger,
          onUnreadable: () => metrics.unreadableTokenRecords.inc(),
        });
  if (tokens !== undefined) service.onShutdown('token registry', async () => tokens.stop());
  if (tokens !== undefined && config.firstAdminToken.kubernetesSecret !== '') {
    void firstAdminTokenInBackground(service, tokens, await bus.kv(TOKENS_BUCKET), actor().id);
  }
  const auth = new CallerAuth({
    certificateCheck,
    tokens,
    audit,
    actor,
    denied: metrics.callsDenied,
    deniedNotAudited: metrics.denialsNotAudited,
    logger: service.logger,
    limits: config.limits,
    notForwarded: new Set(SERVED_METHODS.notForwarded.keys()),
    denialAuditWindowMs: config.tokens.denialAuditWindowSeconds * 1000,
  });
  if (auth.enforcing) service.useCallAuthorization(auth.authorize);

  const handlers = gatewayGrpcHandlers(
    { pool, cluster, healthCheckTimeoutMs: config.healthCheckTimeoutMs },
    SERVED_METHODS,
    { auth, tokens },
    limits,
  );
  const unbuilt = Object.keys(GatewayServiceService).filter((method) => !(method in handlers));
  metrics.unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    GatewayServiceService,
    implementService(GatewayServiceService, handlers, service.handlerOptions),
  );

  // Who may call what through the gateway is the one method permission table every backend
  // checks (libs/trust-client method-permissions.ts), applied to the gateway's caller by the
  // harness's call authorization (mutual TLS): the paths are the backends' own, so a row reads
  // the same at the gateway as at the service. Operators get every method people call (the
  // table's PEOPLE rows); a workload gets through exactly the methods its row names (the
  // orchestrator: DeployDecoy, SimulateWhatIf), so the gateway never widens what a caller may
  // do. The backend then checks the gateway's own identity (`service/gateway`), which the table
  // lists beside operators for the people-facing methods.
  for (const forwarded of FORWARDED_SERVICES) {
    service.addGrpcService(
      forwarded.passThrough,
      implementService(
        forwarded.passThrough,
        forwardingHandlers(forwarded, pool, limits, (ctx) =>
          auth.limitOf(ctx),
        ) as ServiceHandlers<grpc.ServiceDefinition>,
        service.handlerOptions,
      ),
    );
  }

  const index = new DescriptorIndex(Buffer.from(DESCRIPTOR_SET_BASE64, 'base64'));
  for (const path of REFLECTION_METHOD_PATHS) {
    const definition = reflectionDefinition(path);
    service.addGrpcService(
      definition,
      implementService(
        definition,
        { serverReflectionInfo: reflectionHandler(index, REFLECTED_SERVICES) },
        service.handlerOptions,
      ),
    );
  }
  if (config.web.enabled) {
    // Browsers: the same methods, checks and forwarding over Connect and gRPC-Web (web-gateway.ts).
    const web = await startWebGateway({
      config,
      grpc: service.config.grpc,
      credentials: auth.enforcing ? identity : undefined,
      auth,
      gatewayHandlers: handlers,
      pool,
      limits,
      logger: service.logger,
      draining: service.draining,
      metrics: service.metrics,
    });
    service.onShutdown('web port', async () => web.close());
  }
  // Token callers come without a client certificate; the gateway's check refuses what they may not call.
  return { allowClientsWithoutCertificate: true };
}
