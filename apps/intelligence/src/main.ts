// Intelligence entry point. Rules and detectors arrive with issue #5; until then its RPCs answer UNIMPLEMENTED.
import { IntelligenceServiceService } from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';

main({
  name: 'intelligence',
  resources: { streams: ['TELEMETRY', 'ALERTS', 'DECEPTION', 'DLQ'] },
  build: ({ service }) => {
    service.addGrpcService(
      IntelligenceServiceService,
      unimplementedService(IntelligenceServiceService),
    );
  },
});
