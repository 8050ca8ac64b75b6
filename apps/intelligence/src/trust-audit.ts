// What intelligence's audit entries carry: their actor, and the size trust accepts.
import type { HybridSigner } from '@omega/crypto';
import type { AuditEntry } from '@omega/proto';

/** Whose entries these are: the service's current credentials (renewed keys included). */
export type AuditActor = () => { readonly subject: string; readonly signer: HybridSigner };

/**
 * Trust refuses an entry above 4,000 encoded bytes (apps/trust MAX_ENTRY_BYTES, 256 entries to a
 * 1 MiB bundle). A hybrid signature alone is 3,380 bytes, so entries name their actor (identity and
 * key id) but are not signed by it: the log's signed checkpoints vouch for what was logged.
 */
export const MAX_AUDIT_ENTRY_BYTES = 4000;

/** The entry with `actor` as its actor (identity and current key id). */
export function withActor(entry: AuditEntry, actor: AuditActor | undefined): AuditEntry {
  if (!actor) return entry;
  const { subject, signer } = actor();
  return { ...entry, actor: { id: subject, keyId: signer.keyId } };
}
