// The TwinService RPCs built so far: plain async functions of (request, call context); every
// method not here answers UNIMPLEMENTED ("<method> is not built yet") through implementService.
import type { TwinServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';
import { envHandlers, type EnvConfig, type GraphSource } from './env-rpc';

export interface TwinGrpcParts {
  /** The graph RL episodes are played on. */
  readonly graph: GraphSource;
  readonly env: EnvConfig;
}

export function twinGrpcHandlers(parts: TwinGrpcParts): ServiceHandlers<typeof TwinServiceService> {
  return { ...envHandlers(parts.graph, parts.env) };
}
