// Adapts the audit log (apps/trust/src/audit AuditLog.append) to AuditAppender: identity facts
// become AuditEntry messages whose payload is the encoded Identity, and the answer an AuditRef.
import { createHash } from 'node:crypto';
import { AuditEntry, AuditEntryKind, type AuditRef } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { AuditAppender } from './audit-appender';

/** What the adapter needs of the log: append an entry with a de-duplication id. */
export interface EntryLog {
  append(
    entry: AuditEntry,
    options?: { requestId?: string },
  ): Promise<{ index: number; entry: Uint8Array; checkpoint: string }>;
}

/** An AuditAppender that also says where each fact landed in the log. */
export interface AuditLogAppender extends AuditAppender {
  append(entry: Parameters<AuditAppender['append']>[0]): Promise<AuditRef>;
}

export function auditLogAppender(log: EntryLog, clock: () => number = Date.now): AuditLogAppender {
  return {
    async append({ kind, subject, body, dedupeId }) {
      const entryKind = AuditEntryKind[`AUDIT_ENTRY_KIND_${kind}` as keyof typeof AuditEntryKind];
      if (entryKind === undefined) {
        throw new OmegaError(
          Code.Internal,
          `audit entry kind ${kind} is not an omega.v1.AuditEntryKind`,
        );
      }
      const bundle = await log.append(
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
      return {
        logIndex: BigInt(bundle.index),
        leafHash: createHash('sha256')
          .update(Buffer.from([0]))
          .update(bundle.entry)
          .digest(),
        // Checkpoint note: origin, then tree size, then root hash (C2SP tlog-checkpoint).
        checkpointSize: BigInt(bundle.checkpoint.split('\n')[1] ?? '0'),
      };
    },
  };
}
