// Builds the twin service's parts on a running service harness: its metrics and gRPC handlers
// (main.ts and the specs share it).
import type { ResourceSelection } from '@omega/bus';
import { TwinServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { twinConfigSchema } from './twin-config';
import { AttackGraph } from '@omega/attack-graph';
import type { GraphSource } from './env-rpc';
import { twinGrpcHandlers } from './twin-grpc';
import { twinMetrics } from './twin-metrics';

export const twinServiceConfigSchema = baseConfigSchema.extend({
  twin: twinConfigSchema,
});
export type TwinServiceConfig = z.output<typeof twinServiceConfigSchema>;

export const TWIN_RESOURCES: ResourceSelection = { streams: ['TELEMETRY'] };

/** Until the live graph is wired in, episodes over the cluster play on an empty graph. */
const NO_GRAPH: GraphSource = { current: () => AttackGraph.build([]) };

export function buildTwin(
  parts: ServiceParts<TwinServiceConfig>,
  graph: GraphSource = NO_GRAPH,
): void {
  const { service } = parts;
  const handlers = twinGrpcHandlers({ graph, env: service.config.twin.env });
  const unbuilt = Object.keys(TwinServiceService).filter((method) => !(method in handlers));
  twinMetrics(service.metrics).unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    TwinServiceService,
    implementService(TwinServiceService, handlers, service.handlerOptions),
  );
}
