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
import type { ServiceParts } from '@omega/service';
import { REFLECTION_METHOD_PATHS, parseSubject } from '@omega/trust-client';
import type { z } from 'zod';
import { BackendPool } from './backend-pool';
import { CallLimits } from './call-limits';
import type { ServedMethods } from './caller-access';
import { FORWARDED_SERVICES, methodName } from './forwarded-services';
import { forwardingHandlers } from './forwarding';
import { gatewayConfigSchema } from './gateway-config';
import { gatewayGrpcHandlers } from './gateway-grpc';
import { gatewayMetrics } from './gateway-metrics';
import { DescriptorIndex, reflectionDefinition, reflectionHandler } from './server-reflection';

export const gatewayServiceConfigSchema = baseConfigSchema.extend({
  gateway: gatewayConfigSchema,
});
export type GatewayServiceConfig = z.output<typeof gatewayServiceConfigSchema>;

export const GATEWAY_RESOURCES: ResourceSelection = { streams: ['ALERTS'] };

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

export function buildGateway({
  service,
  identity,
  clientCredentials,
}: ServiceParts<GatewayServiceConfig>): void {
  const config = service.config.gateway;
  const pool = new BackendPool(config, clientCredentials);
  const limits = new CallLimits(config.limits);
  service.onShutdown('backend channels', async () => pool.close());

  const handlers = gatewayGrpcHandlers(
    {
      pool,
      cluster: identity === undefined ? '' : parseSubject(identity.subject).cluster,
      healthCheckTimeoutMs: config.healthCheckTimeoutMs,
    },
    SERVED_METHODS,
  );
  const unbuilt = Object.keys(GatewayServiceService).filter((method) => !(method in handlers));
  gatewayMetrics(service.metrics).unimplementedMethods.set(unbuilt.length);
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
        forwardingHandlers(forwarded, pool, limits) as ServiceHandlers<grpc.ServiceDefinition>,
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
}
