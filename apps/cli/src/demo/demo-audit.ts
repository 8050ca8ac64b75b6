// The demo's audit check: which of the run's alerts and response actions are in trust's audit
// log, each entry's inclusion proof checked against a signed checkpoint (as `omega audit proof`
// does), and the checkpoint itself checked (as `omega audit verify` does).
import type * as grpc from '@grpc/grpc-js';
import {
  AuditEntryKind,
  ListAuditEntriesRequest,
  TrustServiceClient,
  type AuditRecord,
} from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import { auditProof, auditVerify, type AuditCommandOptions } from '../audit-command';

/** Entry kinds that record a response: an action, a playbook run, a policy change. */
export const ACTION_KINDS: readonly AuditEntryKind[] = [
  AuditEntryKind.AUDIT_ENTRY_KIND_ACTION,
  AuditEntryKind.AUDIT_ENTRY_KIND_PLAYBOOK_STARTED,
  AuditEntryKind.AUDIT_ENTRY_KIND_POLICY_CHANGED,
];

export interface AuditedEntry {
  readonly index: number;
  readonly kind: AuditEntryKind;
  readonly subject: string;
  readonly summary: string;
  /** The inclusion proof checked out against a signed checkpoint. */
  readonly proofValid: boolean;
  /** What `omega audit proof` printed (or its error). */
  readonly proofOutput: string[];
}

/** Every record of the log, oldest first. */
export async function listAuditRecords(
  trustAddress: string,
  credentials?: grpc.ChannelCredentials,
): Promise<AuditRecord[]> {
  const client = createPromiseClient(TrustServiceClient, trustAddress, {
    ...(credentials ? { credentials } : {}),
  });
  try {
    const records: AuditRecord[] = [];
    let start = 0n;
    for (;;) {
      const page = await client.listAuditEntries(
        ListAuditEntriesRequest.fromPartial({ startIndex: start, pageSize: 500 }),
      );
      records.push(...page.records);
      if (page.records.length === 0 || page.nextIndex <= start) return records;
      start = page.nextIndex;
    }
  } finally {
    client.close();
  }
}

/** Checks one entry's inclusion proof the way `omega audit proof <index>` does. */
export async function proveEntry(
  opts: AuditCommandOptions,
  record: AuditRecord,
): Promise<AuditedEntry> {
  const index = Number(record.ref?.logIndex ?? 0n);
  const output: string[] = [];
  const code = await auditProof(
    { ...opts, out: (l) => output.push(l), err: (l) => output.push(l) },
    index,
  );
  return {
    index,
    kind: record.entry?.kind ?? AuditEntryKind.AUDIT_ENTRY_KIND_UNSPECIFIED,
    subject: record.entry?.subject ?? '',
    summary: record.entry?.summary ?? '',
    proofValid: code === 0,
    proofOutput: output,
  };
}

/** `omega audit verify` with its output captured; ok when it exits 0. */
export async function verifyCheckpoint(
  opts: AuditCommandOptions,
): Promise<{ ok: boolean; output: string[] }> {
  const output: string[] = [];
  const code = await auditVerify({
    ...opts,
    out: (l) => output.push(l),
    err: (l) => output.push(l),
  });
  return { ok: code === 0, output };
}
