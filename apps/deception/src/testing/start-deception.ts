// Test-only: runs the deception service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import {
  buildDeception,
  DECEPTION_RESOURCES,
  deceptionServiceConfigSchema,
  type DeceptionServiceConfig,
} from '../deception-service';

export function startDeception(natsUrl: string): Promise<RunningService<DeceptionServiceConfig>> {
  return runService({
    name: 'deception',
    configSchema: deceptionServiceConfigSchema,
    resources: DECEPTION_RESOURCES,
    installSignalHandlers: false,
    argv: [],
    env: {
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: '0',
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: '0',
      OMEGA_NATS_SERVERS: natsUrl,
      OMEGA_LOG_LEVEL: 'warn',
    },
    build: buildDeception,
  });
}
