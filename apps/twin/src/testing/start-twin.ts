// Test-only: runs the twin service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import {
  buildTwin,
  TWIN_RESOURCES,
  twinServiceConfigSchema,
  type TwinServiceConfig,
} from '../twin-service';

export function startTwin(natsUrl: string): Promise<RunningService<TwinServiceConfig>> {
  return runService({
    name: 'twin',
    configSchema: twinServiceConfigSchema,
    resources: TWIN_RESOURCES,
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
    build: buildTwin,
  });
}
