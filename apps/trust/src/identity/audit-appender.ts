// Identity facts in the audit log: each issued, renewed or revoked identity becomes an AuditEntry
// whose payload is the encoded Identity, appended once per de-duplication id.
import { AuditEntry, AuditEntryKind, type AuditRef } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { AuditClient } from '@omega/trust-client';

/** An identity fact to log: `kind` is one of IdentityAuditKind, `body` the encoded Identity. */
export interface IdentityFact {
  readonly kind: string;
  readonly subject: string;
  readonly body: Uint8Array;
  readonly dedupeId: string;
}

/** The audit log as identity code sees it: append one fact, learn where it landed. */
export interface AuditAppender {
  append(fact: IdentityFact): Promise<AuditRef>;
}

/** Entry kinds identity code appends (omega.v1.AuditEntryKind names without the prefix). */
export const IdentityAuditKind = {
  Issued: 'IDENTITY_ISSUED',
  Renewed: 'IDENTITY_RENEWED',
  Revoked: 'IDENTITY_REVOKED',
} as const;

/** Appends identity facts through `log` (trust's own log, in process: audit-log-client.ts). */
export function auditAppender(log: AuditClient, clock: () => number = Date.now): AuditAppender {
  return {
    append({ kind, subject, body, dedupeId }) {
      const entryKind = AuditEntryKind[`AUDIT_ENTRY_KIND_${kind}` as keyof typeof AuditEntryKind];
      if (entryKind === undefined) {
        return Promise.reject(
          new OmegaError(
            Code.Internal,
            `audit entry kind ${kind} is not an omega.v1.AuditEntryKind`,
          ),
        );
      }
      return log.append(
        AuditEntry.fromPartial({
          kind: entryKind,
          timeNs: BigInt(clock()) * 1_000_000n,
          subject,
          summary: `${kind.toLowerCase().replace('_', ' ')}: ${subject}`,
          payloadType: 'omega.v1.Identity',
          payload: Buffer.from(body),
        }),
        { requestId: dedupeId },
      );
    },
  };
}

/** The AuditRef of a revocation, for the RevokeIdentity answer (the issuer returns it typed). */
export function auditRefOf(ref: AuditRef | undefined): AuditRef | undefined {
  return ref;
}
