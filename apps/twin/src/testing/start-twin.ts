// Test-only: runs the twin service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import { localServiceEnv } from '@omega/testkit';
import type { GraphSource } from '../env-rpc';
import {
  buildTwin,
  TWIN_RESOURCES,
  twinServiceConfigSchema,
  type TwinServiceConfig,
} from '../twin-service';

/** `graph`: what RL episodes play on (the service's own source when absent). */
export function startTwin(
  natsUrl: string,
  graph?: GraphSource,
): Promise<RunningService<TwinServiceConfig>> {
  return runService({
    name: 'twin',
    configSchema: twinServiceConfigSchema,
    resources: TWIN_RESOURCES,
    installSignalHandlers: false,
    argv: [],
    env: localServiceEnv(natsUrl),
    build: (parts) => buildTwin(parts, graph),
  });
}
