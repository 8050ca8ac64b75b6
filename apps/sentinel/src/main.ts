// Sentinel entry point. eBPF telemetry and enforcement arrive with issue #4; until then its RPCs answer UNIMPLEMENTED.
import { SentinelServiceService } from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';

main({
  name: 'sentinel',
  resources: {
    streams: ['TELEMETRY', 'DLQ'],
    kv: ['omega_policy'],
    objectStores: ['omega_modules'],
  },
  build: ({ service }) => {
    service.addGrpcService(SentinelServiceService, unimplementedService(SentinelServiceService));
  },
});
