// Trust entry point: the key store, the Merkle audit log (gRPC + tlog-tiles HTTP) and identities
// (enrollment, credentials, mTLS certificates, signature checks), each fact logged.
import { join } from 'node:path';
import { baseConfigSchema, implementService } from '@omega/runtime';
import { TRUST_CA_KEY, main } from '@omega/service';
import { trustConfigSchema } from './audit/audit-config';
import { startAuditService } from './audit/audit-service';
import { trustServiceDefinition, type TrustHandlers } from './audit/audit-grpc';
import { auditLogAppender } from './identity/audit-log-appender';
import { identityConfigSchema } from './identity/identity-config';
import { createIdentityService } from './identity/identity-grpc';
import { JOIN_TOKENS_FILE } from './identity/join-tokens';
import { delegatedSigningHandlers } from './identity/delegated-signing';
import { enrollSelf, type SelfIdentity } from './identity/self-identity';
import { guardHandlers } from './peer-guard';
import { KeyStore } from './keys/key-store';
import { trustBundleHandlers } from './trust-bundle';
import { trustMetrics } from './trust-metrics';

const TRUST_DOMAIN = 'omega.local';

main({
  name: 'trust',
  configSchema: baseConfigSchema.extend({
    trust: trustConfigSchema,
    identity: identityConfigSchema,
  }),
  resources: { streams: ['AUDIT', 'DLQ'], kv: ['omega_identities'] },
  build: async ({ service, bus }) => {
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
      audit: auditLogAppender(audit.log),
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
    const handlers = {
      ...delegatedSigningHandlers({
        log: audit.log,
        credentials: async () => (await ownIdentity()).current(),
        ...(tls ? { trustBundlePem: () => caPem } : {}),
      }),
      ...audit.handlers,
      ...identity.handlers,
      ...trustBundleHandlers({
        trustDomain: TRUST_DOMAIN,
        rootKey: rootKey.publicKey,
        logKey: audit.logKey,
        caCertificateDer: identity.tlsAuthority.caCertificateDer,
        auditLogOrigin: audit.log.origin,
      }),
    };
    const serve = (served: TrustHandlers): void =>
      service.addGrpcService(
        trustServiceDefinition,
        implementService(trustServiceDefinition, served, {
          logger: service.logger,
          draining: service.draining,
        }),
      );
    if (!tls) {
      serve(handlers);
      return;
    }
    const serverIdentity = await ownIdentity();
    serve(guardHandlers(handlers, () => caPem));
    return { serverIdentity, allowClientsWithoutCertificate: true };
  },
});
