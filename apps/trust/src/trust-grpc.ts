// TrustService as one gRPC service: the audit, identity, delegated-signing and trust-bundle
// handlers, behind the caller-certificate check when trust serves mutual TLS.
import type * as grpc from '@grpc/grpc-js';
import { TrustServiceService, type HybridPublicKey } from '@omega/proto';
import { unimplementedService, type Logger } from '@omega/runtime';
import type { AuditService } from './audit/audit-service';
import { delegatedSigningHandlers, type DelegatedSigningDeps } from './identity/delegated-signing';
import type { IdentityService } from './identity/identity-grpc';
import { guardHandlers } from './peer-guard';
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
  readonly logger: Logger;
}

/**
 * Every TrustService method (those not built answer UNIMPLEMENTED). With `trustBundlePem`, the
 * methods that act for a caller require its certificate (peer-guard.ts).
 */
export function trustGrpcHandlers(parts: TrustGrpcParts): grpc.UntypedServiceImplementation {
  const { audit, identity } = parts;
  const handlers = {
    ...unimplementedService(TrustServiceService),
    ...delegatedSigningHandlers({
      log: audit.log,
      credentials: parts.credentials,
      ...(parts.trustBundlePem ? { trustBundlePem: parts.trustBundlePem } : {}),
      logger: parts.logger,
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
  return parts.trustBundlePem ? guardHandlers(handlers, parts.trustBundlePem) : handlers;
}
