// Gateway entry point: the one gRPC front door. Authentication and the re-exposed APIs are not built yet; its RPCs answer UNIMPLEMENTED.
import { main } from '@omega/service';
import { buildGateway, GATEWAY_RESOURCES, gatewayServiceConfigSchema } from './gateway-service';

main({
  name: 'gateway',
  configSchema: gatewayServiceConfigSchema,
  resources: GATEWAY_RESOURCES,
  build: buildGateway,
});
