// What identity issuance needs from the audit log: append one fact, de-duplicated by id.
import type { AuditRef } from '@omega/proto';

/** The audit log as identity code sees it (apps/trust/src/audit provides the real one). */
export interface AuditAppender {
  append(entry: {
    kind: string;
    subject: string;
    body: Uint8Array;
    dedupeId: string;
  }): Promise<unknown>;
}

/** Entry kinds identity code appends (omega.v1.AuditEntryKind names without the prefix). */
export const IdentityAuditKind = {
  Issued: 'IDENTITY_ISSUED',
  Renewed: 'IDENTITY_RENEWED',
  Revoked: 'IDENTITY_REVOKED',
} as const;

/** The AuditRef in an append's result, when the log returns one (directly or as `ref`/`audit`). */
export function auditRefOf(result: unknown): AuditRef | undefined {
  const candidates = [result, field(result, 'ref'), field(result, 'audit')];
  for (const candidate of candidates) {
    const logIndex = field(candidate, 'logIndex');
    const leafHash = field(candidate, 'leafHash');
    if (
      (typeof logIndex === 'bigint' || typeof logIndex === 'number') &&
      leafHash instanceof Uint8Array
    ) {
      const checkpointSize = field(candidate, 'checkpointSize');
      return {
        logIndex: BigInt(logIndex),
        leafHash: Buffer.from(leafHash),
        checkpointSize:
          typeof checkpointSize === 'bigint' || typeof checkpointSize === 'number'
            ? BigInt(checkpointSize)
            : 0n,
      };
    }
  }
  return undefined;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}
