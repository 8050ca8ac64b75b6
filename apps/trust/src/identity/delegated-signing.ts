// TrustService.Sign: trust signs for callers without signing keys of their own, and logs it.
import { createHash } from 'node:crypto';
import { validatePurpose } from '@omega/crypto';
import { AuditEntry, AuditEntryKind, type SignRequest, type SignResponse } from '@omega/proto';
import { Code, OmegaError, errorMessage, type UnaryHandler } from '@omega/runtime';
import { authenticatedPeer, type AuditClient, type Credentials } from '@omega/trust-client';

/**
 * Prefix of every purpose trust signs for a caller: trust's own statements use purposes without
 * it ('credential', 'attestation', ...), so a delegated signature can never verify as one.
 */
export const DELEGATED_PURPOSE_PREFIX = 'delegated.';

export interface DelegatedSigningDeps {
  /** The audit log (auditLogClient in process): every delegated signature is logged first. */
  audit: AuditClient;
  /** Trust's own service identity, whose key signs (enrolled on first use). */
  credentials: () => Promise<Credentials>;
  /**
   * The trust CA when callers must present a certificate from it (mutual TLS on); the log names
   * the caller by its certificate's subject. Without it callers are logged as unauthenticated.
   */
  trustBundlePem?: () => string;
  clock?: () => number;
}

/** The Sign handler, to merge into TrustService's handlers. */
export function delegatedSigningHandlers(deps: DelegatedSigningDeps): {
  sign: UnaryHandler<SignRequest, SignResponse>;
} {
  const clock = deps.clock ?? Date.now;
  const sign = async (request: SignRequest, caller: string): Promise<SignResponse> => {
    try {
      validatePurpose(request.purpose);
    } catch (err) {
      throw new OmegaError(Code.InvalidArgument, `Sign: purpose: ${errorMessage(err)}`);
    }
    const signedPurpose = DELEGATED_PURPOSE_PREFIX + request.purpose;
    validatePurpose(signedPurpose);
    const credentials = await deps.credentials();
    const signature = credentials.signer.sign(signedPurpose, request.payload);
    const digest = createHash('sha256').update(request.payload).digest();
    // Logged before the signature is handed out: no delegated signature exists that the log lacks.
    const audit = await deps.audit.append(
      AuditEntry.fromPartial({
        kind: AuditEntryKind.AUDIT_ENTRY_KIND_SIGNATURE_ISSUED,
        timeNs: BigInt(clock()) * 1_000_000n,
        actor: { id: credentials.identity.id, keyId: credentials.secretKey.keyId },
        subject: signedPurpose,
        summary: `signed sha256:${digest.toString('hex')} (${request.payload.length} bytes) for ${caller}`,
        payloadType: 'sha256',
        payload: digest,
      }),
      request.requestId ? { requestId: `sign:${request.requestId}` } : {},
    );
    return { signature, signedPurpose, signer: credentials.identity, audit };
  };
  return {
    sign: (request, ctx) => {
      const caller = deps.trustBundlePem
        ? authenticatedPeer(ctx.peer, deps.trustBundlePem())
        : 'an unauthenticated caller (mutual TLS off)';
      return sign(request, caller);
    },
  };
}
