// Test-only: runs the gateway service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import {
  buildGateway,
  GATEWAY_RESOURCES,
  gatewayServiceConfigSchema,
  type GatewayServiceConfig,
} from '../gateway-service';

export function startGateway(natsUrl: string): Promise<RunningService<GatewayServiceConfig>> {
  return runService({
    name: 'gateway',
    configSchema: gatewayServiceConfigSchema,
    resources: GATEWAY_RESOURCES,
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
    build: buildGateway,
  });
}
