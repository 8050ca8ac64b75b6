// Digital twin entry point. The cluster graph and attack paths are not built yet; its RPCs answer UNIMPLEMENTED.
import { TwinServiceService } from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';

main({
  name: 'twin',
  resources: { streams: ['TELEMETRY'] },
  build: ({ service }) => {
    service.addGrpcService(TwinServiceService, unimplementedService(TwinServiceService));
  },
});
