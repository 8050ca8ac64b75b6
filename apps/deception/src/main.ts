// Deception entry point. Honeypots and honeytokens are not built yet; its RPCs answer UNIMPLEMENTED.
import { DeceptionServiceService } from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';

main({
  name: 'deception',
  resources: { streams: ['DECEPTION', 'DLQ'], kv: ['omega_decoys', 'omega_tokens'] },
  build: ({ service }) => {
    service.addGrpcService(DeceptionServiceService, unimplementedService(DeceptionServiceService));
  },
});
