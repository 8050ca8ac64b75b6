// Who intelligence's audit entries name as their actor: the service's enrolled identity.
import type { HybridSigner } from '@omega/crypto';
import type { AuditEntry } from '@omega/proto';

/** Whose entries these are: the service's current credentials (renewed keys included). */
export type AuditActor = () => { readonly subject: string; readonly signer: HybridSigner };

/**
 * The entry with `actor` as its actor (identity and current key id). Trust refuses an entry above
 * MAX_ENTRY_BYTES (@omega/auditlog, 4,000 encoded bytes) and a hybrid signature alone is 3,380
 * bytes, so entries name their actor but are not signed by it: the log's signed checkpoints vouch
 * for what was logged.
 */
export function withActor(entry: AuditEntry, actor: AuditActor | undefined): AuditEntry {
  if (!actor) return entry;
  const { subject, signer } = actor();
  return { ...entry, actor: { id: subject, keyId: signer.keyId } };
}
