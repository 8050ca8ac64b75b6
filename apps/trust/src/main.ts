// Trust entry point: the key store, the Merkle audit log (gRPC + tlog-tiles HTTP); identity RPCs
// answer UNIMPLEMENTED until they are built.
import { TrustServiceService } from '@omega/proto';
import { baseConfigSchema, unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';
import { trustConfigSchema } from './audit/audit-config';
import { startAuditService } from './audit/audit-service';
import { KeyStore } from './keys/key-store';

main({
  name: 'trust',
  configSchema: baseConfigSchema.extend({ trust: trustConfigSchema }),
  resources: { streams: ['AUDIT', 'DLQ'], kv: ['omega_identities'] },
  build: async ({ service, bus }) => {
    const keys = await KeyStore.open(service.config.trust.keyDir, service.logger);
    const audit = await startAuditService({
      bus,
      keys,
      config: service.config.trust,
      logger: service.logger,
      trustDomain: 'omega.local',
    });
    service.onShutdown('audit log', () => audit.close());
    service.addGrpcService(TrustServiceService, {
      ...unimplementedService(TrustServiceService),
      ...audit.handlers,
    });
  },
});
