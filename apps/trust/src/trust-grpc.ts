// TrustService as one gRPC service: the audit, identity, delegated-signing and trust-bundle
// handlers; with mutual TLS the harness's permission-table check runs before each of them.
import type * as grpc from '@grpc/grpc-js';
import type { HybridPublicKey } from '@omega/proto';
import { implementService, type ImplementServiceOptions } from '@omega/runtime';
import { auditLogClient } from './audit/audit-log-client';
import type { AuditService } from './audit/audit-service';
import { trustServiceDefinition, type TrustHandlers } from './audit/audit-grpc';
import { delegatedSigningHandlers, type DelegatedSigningDeps } from './identity/delegated-signing';
import type { IdentityService } from './identity/identity-grpc';
import { trustBundleHandlers } from './trust-bundle';

export { trustServiceDefinition } from './audit/audit-grpc';

export interface TrustGrpcParts {
  readonly audit: AuditService;
  readonly identity: IdentityService;
  /** The trust root key's public half, pinned by clients through GetTrustBundle. */
  readonly rootKey: HybridPublicKey;
  readonly trustDomain: string;
  /** Trust's own service credentials, which Sign signs with. */
  readonly credentials: DelegatedSigningDeps['credentials'];
  /** The CA callers' certificates chain to: set when trust serves mutual TLS. */
  readonly trustBundlePem?: () => string;
  /** The service's handler options (`service.handlerOptions`): logger, drain signal, call check. */
  readonly options: ImplementServiceOptions;
}

/**
 * Every TrustService method (those not built answer UNIMPLEMENTED). Who may call which is the
 * method permission table's (@omega/trust-client), checked through `options.authorize`.
 */
export function trustGrpcHandlers(parts: TrustGrpcParts): grpc.UntypedServiceImplementation {
  const { audit, identity } = parts;
  const handlers: TrustHandlers = {
    ...delegatedSigningHandlers({
      audit: auditLogClient(audit.log),
      credentials: parts.credentials,
      ...(parts.trustBundlePem ? { trustBundlePem: parts.trustBundlePem } : {}),
    }),
    ...audit.handlers,
    ...identity.handlers,
    ...trustBundleHandlers({
      trustDomain: parts.trustDomain,
      rootKey: parts.rootKey,
      logKey: audit.logKey,
      caCertificateDer: identity.tlsAuthority.caCertificateDer,
      auditLogOrigin: audit.log.origin,
    }),
  };
  return implementService(trustServiceDefinition, handlers, parts.options);
}
