// Test-only: runs the deception service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import { localServiceEnv } from '@omega/testkit';
import {
  buildDeception,
  DECEPTION_RESOURCES,
  deceptionServiceConfigSchema,
  type DeceptionServiceConfig,
} from '../deception-service';

export function startDeception(
  natsUrl: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningService<DeceptionServiceConfig>> {
  return runService({
    name: 'deception',
    configSchema: deceptionServiceConfigSchema,
    resources: DECEPTION_RESOURCES,
    installSignalHandlers: false,
    argv: [],
    env: localServiceEnv(natsUrl, env),
    build: buildDeception,
  });
}
