// Signed checkpoints of the audit log: signing, publishing to AUDIT, and finding the last one.
import {
  checkpointNoteOf,
  checkpointToMessage,
  signCheckpoint,
  verifyCheckpoint,
} from '@omega/auditlog';
import { publish, subjects } from '@omega/bus';
import { Checkpoint as CheckpointMessage } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { AuditLogOptions } from './audit-log-options';
import { LEAF_SEQ_HEADER, lastMessageOn, STREAM } from './audit-stream';

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

/** The last checkpoint in the stream, verified with the log key's policy. */
export async function lastStoredCheckpoint(
  opts: Pick<AuditLogOptions, 'bus' | 'publicKey' | 'policy'>,
): Promise<StoredCheckpoint | undefined> {
  const message = await lastMessageOn(opts.bus, subjects.auditCheckpoints);
  if (!message) return undefined;
  const decoded = CheckpointMessage.decode(message.data);
  const where = `audit log: checkpoint at stream ${STREAM} seq ${message.seq}`;
  let verified;
  try {
    verified = await verifyCheckpoint(checkpointNoteOf(decoded, opts.publicKey), opts.policy);
  } catch (err) {
    throw OmegaError.wrap(err, `${where} does not verify with the log key`, Code.DataLoss);
  }
  const leafSeq = Number(message.header.get(LEAF_SEQ_HEADER));
  if (!Number.isSafeInteger(leafSeq)) {
    throw new OmegaError(Code.DataLoss, `${where} has no ${LEAF_SEQ_HEADER} header`);
  }
  return {
    size: verified.checkpoint.size,
    rootHash: verified.checkpoint.rootHash,
    note: checkpointNoteOf(decoded, opts.publicKey),
    timeNs: decoded.timeNs,
    leafSeq,
  };
}
