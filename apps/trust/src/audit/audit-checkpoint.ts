// Signed checkpoints of the audit log: signing and publishing to AUDIT (checkpoint-scan.ts finds
// the one to restore from).
import { checkpointToMessage, signCheckpoint } from '@omega/auditlog';
import { publish, subjects } from '@omega/bus';
import { Checkpoint as CheckpointMessage } from '@omega/proto';
import type { AuditLogOptions } from './audit-log-options';
import { LEAF_SEQ_HEADER } from './audit-stream';

/** A signed checkpoint as the log keeps it. */
export interface LogCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The C2SP signed note. */
  readonly note: string;
  readonly timeNs: bigint;
}

/** A checkpoint as found in the stream, with the sequence of the last leaf it covers. */
export interface StoredCheckpoint extends LogCheckpoint {
  readonly leafSeq: number;
}

type CheckpointOptions = Pick<AuditLogOptions, 'bus' | 'origin' | 'signers' | 'publicKey'>;

/** Signs the tree head and publishes it with the sequence of the last leaf it covers. */
export async function signAndPublishCheckpoint(
  opts: CheckpointOptions,
  head: { size: number; rootHash: Uint8Array; timeNs: bigint; leafSeq: number },
): Promise<LogCheckpoint> {
  const { size, rootHash, timeNs } = head;
  const note = await signCheckpoint({ origin: opts.origin, size, rootHash }, opts.signers);
  await publish(
    opts.bus,
    subjects.auditCheckpoints,
    CheckpointMessage,
    checkpointToMessage(note, opts.publicKey.keyId, timeNs),
    { headers: { [LEAF_SEQ_HEADER]: String(head.leafSeq) } },
  );
  return { size, rootHash, note, timeNs };
}
