// Gateway entry point: the one gRPC front door. Authentication and the re-exposed APIs are not built yet; its RPCs answer UNIMPLEMENTED.
import { GatewayServiceService } from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';

main({
  name: 'gateway',
  resources: { streams: ['ALERTS'] },
  build: ({ service }) => {
    service.addGrpcService(GatewayServiceService, unimplementedService(GatewayServiceService));
  },
});
