// Test-only: runs the twin service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import { localServiceEnv } from '@omega/testkit';
import {
  buildTwin,
  TWIN_RESOURCES,
  twinServiceConfigSchema,
  type TwinServiceConfig,
} from '../twin-service';
import type { GraphSource } from '../env-rpc';

export function startTwin(
  natsUrl: string,
  env: NodeJS.ProcessEnv = {},
  /** What RL episodes play on (the service's own graph when absent). */
  boards?: GraphSource,
): Promise<RunningService<TwinServiceConfig>> {
  return runService({
    name: 'twin',
    configSchema: twinServiceConfigSchema,
    resources: TWIN_RESOURCES,
    installSignalHandlers: false,
    argv: [],
    env: localServiceEnv(natsUrl, env),
    build: (parts) => buildTwin(parts, boards),
  });
}
