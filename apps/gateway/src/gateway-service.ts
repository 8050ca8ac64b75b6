// Builds the gateway service's parts on a running service harness: its metrics and gRPC handlers
// (main.ts and the specs share it).
import type { ResourceSelection } from '@omega/bus';
import { GatewayServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { gatewayConfigSchema } from './gateway-config';
import { gatewayGrpcHandlers } from './gateway-grpc';
import { gatewayMetrics } from './gateway-metrics';

export const gatewayServiceConfigSchema = baseConfigSchema.extend({
  gateway: gatewayConfigSchema,
});
export type GatewayServiceConfig = z.output<typeof gatewayServiceConfigSchema>;

export const GATEWAY_RESOURCES: ResourceSelection = { streams: ['ALERTS'] };

export function buildGateway({ service }: ServiceParts<GatewayServiceConfig>): void {
  const handlers = gatewayGrpcHandlers();
  const unbuilt = Object.keys(GatewayServiceService).filter((method) => !(method in handlers));
  gatewayMetrics(service.metrics).unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    GatewayServiceService,
    implementService(GatewayServiceService, handlers, service.handlerOptions),
  );
}
