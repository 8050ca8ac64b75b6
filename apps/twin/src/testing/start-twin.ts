// Test-only: runs the twin service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import { localServiceEnv } from '@omega/testkit';
import {
  buildTwin,
  TWIN_RESOURCES,
  twinServiceConfigSchema,
  type TwinServiceConfig,
} from '../twin-service';

export function startTwin(
  natsUrl: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningService<TwinServiceConfig>> {
  return runService({
    name: 'twin',
    configSchema: twinServiceConfigSchema,
    resources: TWIN_RESOURCES,
    installSignalHandlers: false,
    argv: [],
    env: localServiceEnv(natsUrl, env),
    build: buildTwin,
  });
}
