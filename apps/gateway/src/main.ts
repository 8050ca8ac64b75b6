// Gateway entry point: the one gRPC front door, forwarding every public omega.v1 service to its backend.
import { main } from '@omega/service';
import {
  buildGateway,
  GATEWAY_GRPC_SERVICES,
  GATEWAY_RESOURCES,
  gatewayServiceConfigSchema,
} from './gateway-service';

main({
  name: 'gateway',
  configSchema: gatewayServiceConfigSchema,
  resources: GATEWAY_RESOURCES,
  grpcServices: GATEWAY_GRPC_SERVICES,
  build: buildGateway,
});
