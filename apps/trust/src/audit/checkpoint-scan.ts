// Finding the checkpoint a restarting log restores from: the newest one in AUDIT that the log key
// signed, whose leaf sequence header points at its last leaf, and that is not older than what this
// trust recorded. Junk, forged and replayed checkpoints after it are skipped and reported.
import type { StoredMsg } from '@nats-io/jetstream';
import { checkpointNoteOf, verifyCheckpoint } from '@omega/auditlog';
import { subjects } from '@omega/bus';
import { Checkpoint as CheckpointMessage } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { StoredCheckpoint } from './audit-checkpoint';
import type { AuditLogOptions } from './audit-log-options';
import { LEAF_SEQ_HEADER, lastMessageOn, leavesOfMessage, STREAM } from './audit-stream';
import type { SkipReason, SkipReporter } from './skipped-messages';

type ScanOptions = Pick<AuditLogOptions, 'bus' | 'publicKey' | 'policy'>;

type Judgement = StoredCheckpoint | { reason: SkipReason; detail: string; otherKey?: string };

/** Checkpoints read per look further back; the window doubles each time. */
const FIRST_WINDOW = 64;

/**
 * The checkpoint to restore from, or undefined for a log with none. Walks back from the last
 * message on omega.audit.checkpoints, reporting each one it skips. A checkpoint smaller than
 * `recordedSize` is skipped as stale while a newer one may lie behind it; when none does, the
 * newest stale one is returned (and the signed-head check refuses it, naming both sizes). When no
 * checkpoint verifies but some name another log key, this key directory is not the log's: DataLoss.
 */
export async function findRestoreCheckpoint(
  opts: ScanOptions,
  recordedSize: number | undefined,
  report: SkipReporter,
): Promise<StoredCheckpoint | undefined> {
  const last = await lastMessageOn(opts.bus, subjects.auditCheckpoints);
  if (!last) return undefined;
  let stale: StoredCheckpoint | undefined;
  let otherKey: { seq: number; keyId: string } | undefined;
  /** The checkpoint to restore from if `message` is it; otherwise reports why not. */
  const consider = async (message: StoredMsg): Promise<StoredCheckpoint | undefined> => {
    const judged = await judge(opts, message);
    if ('reason' in judged) {
      if (judged.otherKey) otherKey ??= { seq: message.seq, keyId: judged.otherKey };
      report({ seq: message.seq, subject: message.subject, ...judged });
      return undefined;
    }
    if (recordedSize === undefined || judged.size >= recordedSize) return judged;
    stale ??= judged;
    report({
      seq: message.seq,
      subject: message.subject,
      reason: 'checkpoint_stale',
      detail: `a checkpoint of size ${judged.size}, older than the size ${recordedSize} this trust signed`,
    });
    return undefined;
  };
  // The last message usually is the one; only junk after it costs windows further back.
  const newest = await consider(last);
  if (newest) return newest;
  for (let end = last.seq, width = FIRST_WINDOW; end > 1; width *= 2) {
    const start = Math.max(1, end - width);
    for (const message of (await checkpointMessages(opts, start, end)).reverse()) {
      const found = await consider(message);
      if (found) return found;
    }
    end = start;
  }
  if (stale) return stale;
  if (otherKey) {
    throw new OmegaError(
      Code.DataLoss,
      `audit log: no checkpoint in stream ${STREAM} is signed by this trust's log key ${opts.publicKey.keyId}; the one at seq ${otherKey.seq} names key ${otherKey.keyId}: this key directory is not the log's (restore the log key, or start a new log on a new stream deliberately)`,
    );
  }
  return undefined;
}

/** The messages on omega.audit.checkpoints with start <= seq < end, oldest first. */
async function checkpointMessages(
  opts: ScanOptions,
  start: number,
  end: number,
): Promise<StoredMsg[]> {
  const found: StoredMsg[] = [];
  for (let seq = start; seq < end;) {
    let message: StoredMsg | null;
    try {
      message = await opts.bus.jsm.direct.getMessage(STREAM, {
        seq,
        next_by_subj: subjects.auditCheckpoints,
      });
    } catch (err) {
      if (/no message found/i.test(errorMessage(err))) break;
      throw OmegaError.wrap(
        err,
        `audit log: reading checkpoints in stream ${STREAM} from seq ${seq}`,
        Code.Unavailable,
      );
    }
    if (!message || message.seq >= end) break;
    found.push(message);
    seq = message.seq + 1;
  }
  return found;
}

/** A verified checkpoint whose leaf sequence points at its last leaf, or why it is junk. */
async function judge(opts: ScanOptions, message: StoredMsg): Promise<Judgement> {
  let decoded: CheckpointMessage;
  let note: string;
  try {
    decoded = CheckpointMessage.decode(message.data);
    note = checkpointNoteOf(decoded, opts.publicKey);
  } catch (err) {
    return { reason: 'checkpoint_undecodable', detail: errorMessage(err) };
  }
  const keyId = decoded.signature?.keyId ?? '';
  if (keyId !== opts.publicKey.keyId) {
    return {
      reason: 'checkpoint_not_signed_by_log_key',
      detail: `it names key ${keyId || '(none)'}, the log key is ${opts.publicKey.keyId}`,
      otherKey: keyId || '(none)',
    };
  }
  let size: number;
  let rootHash: Uint8Array;
  try {
    ({ size, rootHash } = (await verifyCheckpoint(note, opts.policy)).checkpoint);
  } catch (err) {
    return { reason: 'checkpoint_not_signed_by_log_key', detail: errorMessage(err) };
  }
  const header = message.header.get(LEAF_SEQ_HEADER);
  const leafSeq = /^\d{1,15}$/.test(header) ? Number(header) : NaN;
  const noLeafSeq = (why: string): Judgement => ({
    reason: 'checkpoint_no_leaf_seq',
    detail: `its ${LEAF_SEQ_HEADER} header ${JSON.stringify(header)} ${why}`,
  });
  if (!Number.isSafeInteger(leafSeq) || leafSeq >= message.seq) {
    return noLeafSeq('is not the sequence of an earlier message');
  }
  // The header is not signed: it must point at the leaf message that ends at index size - 1.
  if (size === 0 ? leafSeq !== 0 : !(await endsAt(opts, leafSeq, size))) {
    return noLeafSeq(`does not point at the leaf message ending at index ${size - 1}`);
  }
  return { size, rootHash, note, timeNs: decoded.timeNs, leafSeq };
}

async function endsAt(opts: ScanOptions, seq: number, size: number): Promise<boolean> {
  let message: StoredMsg | null;
  try {
    message = await opts.bus.jsm.direct.getMessage(STREAM, { seq });
  } catch (err) {
    if (/no message found/i.test(errorMessage(err))) return false;
    throw OmegaError.wrap(err, `audit log: reading stream ${STREAM} seq ${seq}`, Code.Unavailable);
  }
  if (!message || message.subject !== subjects.auditLeaves) return false;
  try {
    const { firstIndex, leaves } = leavesOfMessage({
      seq,
      data: message.data,
      headers: message.header,
    });
    return firstIndex + leaves.length === size;
  } catch {
    // Not a readable leaf message: it cannot be the leaf the checkpoint ends at.
    return false;
  }
}
