// Builds trust on a running service harness: the key store, the audit log, identities and
// TrustService (main.ts wires it; the harness serves and shuts it down).
import { join } from 'node:path';
import type { ResourceSelection } from '@omega/bus';
import { TRUST_CA_KEY, type BuiltService, type ServiceParts } from '@omega/service';
import { auditLogClient } from './audit/audit-log-client';
import { BusAuthority } from './bus/bus-authority';
import { loadBusKeys } from './bus/bus-keys';
import { startAuditService } from './audit/audit-service';
import { auditAppender } from './identity/audit-appender';
import { createIdentityService } from './identity/identity-grpc';
import { JOIN_TOKENS_FILE } from './identity/join-tokens';
import { enrollSelf, type SelfIdentity } from './identity/self-identity';
import { KeyStore } from './keys/key-store';
import type { TrustServiceConfig } from './trust-config';
import { trustGrpcHandlers, trustServiceDefinition } from './trust-grpc';
import { trustMetrics } from './trust-metrics';

export const TRUST_DOMAIN = 'omega.local';

export const TRUST_RESOURCES: ResourceSelection = {
  streams: ['AUDIT', 'DLQ'],
  kv: ['omega_identities'],
};

export async function buildTrust({
  service,
  bus,
}: ServiceParts<TrustServiceConfig>): Promise<BuiltService | void> {
  const keys = await KeyStore.open(service.config.trust.keyDir, service.logger);
  const metrics = trustMetrics(service.metrics);
  const audit = await startAuditService({
    bus,
    keys,
    config: service.config.trust,
    logger: service.logger,
    trustDomain: TRUST_DOMAIN,
    metrics: metrics.audit,
  });
  service.onShutdown('audit log', () => audit.close());
  const identityConfig = service.config.identity;
  const rootKey = await keys.loadOrCreate('root');
  const identity = await createIdentityService({
    bus,
    rootKey,
    audit: auditAppender(auditLogClient(audit.log)),
    logger: service.logger,
    metrics: metrics.identities,
    config: {
      ...identityConfig,
      trustBundleFile: identityConfig.trustBundleFile ?? join(keys.dir, 'trust-ca.pem'),
      joinTokens: {
        ...identityConfig.joinTokens,
        file: identityConfig.joinTokens.file ?? join(keys.dir, JOIN_TOKENS_FILE),
      },
    },
  });
  service.onShutdown('identities', async () => identity.close());
  if (service.config.nats.auth === 'identity') {
    // The bus's authorization callout: from here on other workloads can connect.
    const authority = new BusAuthority({
      issuerSeed: (await loadBusKeys(keys)).issuerSeed,
      caCertificatePem: identity.tlsAuthority.caCertificatePem,
      cluster: identityConfig.cluster,
      identities: identity.store,
      logger: service.logger,
      registry: service.metrics,
    });
    authority.start(bus.nc);
    service.onShutdown('bus authority', async () => authority.stop());
    service.logger.info(
      { issuer: authority.issuerPublicKey },
      'trust answers the bus authorization callout',
    );
  }
  // Workloads that serve mutual TLS check trust's certificate with this CA before they enroll.
  const caPem = identity.tlsAuthority.caCertificatePem;
  await (await bus.kv('omega_identities')).put(TRUST_CA_KEY, caPem);
  // Trust's own service identity: needed to serve mutual TLS, and by Sign (enrolled on first
  // use when TLS is off, so a trust that never signs for anyone logs no identity of its own).
  let self: Promise<SelfIdentity> | undefined;
  const ownIdentity = (): Promise<SelfIdentity> => {
    self ??= enrollSelf(identity, service.logger).then(
      (enrolled) => {
        service.onShutdown('own identity', async () => enrolled.stop());
        return enrolled;
      },
      (err: unknown) => {
        self = undefined;
        throw err;
      },
    );
    return self;
  };
  const tls = service.config.tls.enabled;
  const handlers = trustGrpcHandlers({
    audit,
    identity,
    rootKey: rootKey.publicKey,
    trustDomain: TRUST_DOMAIN,
    credentials: async () => (await ownIdentity()).current(),
    ...(tls ? { trustBundlePem: () => caPem } : {}),
    options: service.handlerOptions,
  });
  if (!tls) {
    service.addGrpcService(trustServiceDefinition, handlers);
    return;
  }
  const serverIdentity = await ownIdentity();
  service.addGrpcService(trustServiceDefinition, handlers);
  return { serverIdentity, allowClientsWithoutCertificate: true };
}
