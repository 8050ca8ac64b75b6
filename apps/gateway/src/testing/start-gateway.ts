// Test-only: runs the gateway service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import { localServiceEnv } from '@omega/testkit';
import {
  buildGateway,
  GATEWAY_GRPC_SERVICES,
  GATEWAY_RESOURCES,
  gatewayServiceConfigSchema,
  type GatewayServiceConfig,
} from '../gateway-service';

export function startGateway(
  natsUrl: string,
  env: Record<string, string> = {},
): Promise<RunningService<GatewayServiceConfig>> {
  return runService({
    name: 'gateway',
    configSchema: gatewayServiceConfigSchema,
    resources: GATEWAY_RESOURCES,
    grpcServices: GATEWAY_GRPC_SERVICES,
    installSignalHandlers: false,
    argv: [],
    env: localServiceEnv(natsUrl, env),
    build: buildGateway,
  });
}
