// Trust entry point. Identities and the Merkle audit log arrive with issue #3; until then its RPCs answer UNIMPLEMENTED.
import { TrustServiceService } from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';

main({
  name: 'trust',
  resources: { streams: ['AUDIT', 'DLQ'], kv: ['omega_identities'] },
  build: ({ service }) => {
    service.addGrpcService(TrustServiceService, unimplementedService(TrustServiceService));
  },
});
