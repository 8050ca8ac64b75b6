// Trust entry point: the key store, the Merkle audit log (gRPC + tlog-tiles HTTP) and identities
// (enrollment, credentials, mTLS certificates, signature checks), each fact logged.
import { main } from '@omega/service';
import { trustBusAuthentication } from './bus/bus-keys';
import { trustServiceConfigSchema } from './trust-config';
import { buildTrust, TRUST_RESOURCES } from './trust-service';

main({
  name: 'trust',
  configSchema: trustServiceConfigSchema,
  resources: TRUST_RESOURCES,
  busAuthentication: trustBusAuthentication,
  build: buildTrust,
});
