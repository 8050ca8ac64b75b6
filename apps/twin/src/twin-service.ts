// Builds the twin service's parts on a running service harness: its metrics and gRPC handlers
// (main.ts and the specs share it).
import type { ResourceSelection } from '@omega/bus';
import { TwinServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { twinConfigSchema } from './twin-config';
import { twinGrpcHandlers } from './twin-grpc';
import { twinMetrics } from './twin-metrics';

export const twinServiceConfigSchema = baseConfigSchema.extend({
  twin: twinConfigSchema,
});
export type TwinServiceConfig = z.output<typeof twinServiceConfigSchema>;

export const TWIN_RESOURCES: ResourceSelection = { streams: ['TELEMETRY'] };

export function buildTwin({ service }: ServiceParts<TwinServiceConfig>): void {
  const handlers = twinGrpcHandlers();
  const unbuilt = Object.keys(TwinServiceService).filter((method) => !(method in handlers));
  twinMetrics(service.metrics).unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    TwinServiceService,
    implementService(TwinServiceService, handlers, service.handlerOptions),
  );
}
