// GetTrustBundle: what a client pins — the trust root key, then the audit log key, and the TLS CA.
import type { GetTrustBundleResponse, HybridPublicKey } from '@omega/proto';
import type { TrustHandlers } from './audit/audit-grpc';

export interface TrustBundleParts {
  /** e.g. `omega.local`. */
  readonly trustDomain: string;
  /** The trust root key: identity documents and TLS certificates chain to it. */
  readonly rootKey: HybridPublicKey;
  /** The audit log's `log` key: checkpoints verify against it (Checkpoint.signature.key_id). */
  readonly logKey: HybridPublicKey;
  /** DER of the CA certificate every mutual-TLS peer's certificate is issued by. */
  readonly caCertificateDer: Uint8Array;
  readonly auditLogOrigin: string;
}

/** Root key first, as the proto asks ("current first"); the log key after it, named by key id. */
export function trustBundleOf(parts: TrustBundleParts): GetTrustBundleResponse {
  return {
    trustDomain: parts.trustDomain,
    rootKeys: [parts.rootKey, parts.logKey],
    x509RootsDer: [Buffer.from(parts.caCertificateDer)],
    auditLogOrigin: parts.auditLogOrigin,
  };
}

export function trustBundleHandlers(parts: TrustBundleParts): TrustHandlers {
  const bundle = trustBundleOf(parts);
  return { getTrustBundle: () => bundle };
}
