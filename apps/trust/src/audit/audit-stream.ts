// Where the audit log lives in JetStream: the AUDIT stream, its leaf headers and tail reads.
import type { MsgHdrs } from '@nats-io/transport-node';
import { requireStreamNotWeakened, streamConfig, type Bus } from '@omega/bus';
import { hashLeaf, MAX_ENTRY_BYTES } from '@omega/auditlog';
import { AuditEntry, AuditLeafBatch } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { SkipReporter } from './skipped-messages';

export const STREAM = 'AUDIT';
/**
 * Header on every leaf message: its (first) leaf index, made true by the expected-sequence check.
 */
export const INDEX_HEADER = 'Omega-Audit-Index';
/**
 * Header on a packed leaf message: how many leaves its AuditLeafBatch body holds. A message
 * without it holds one leaf as its body (one publish per leaf, or atomic batches).
 */
export const LEAVES_HEADER = 'Omega-Audit-Leaves';
/** Header on a one-leaf message: the append's de-duplication id. */
export const REQUEST_ID_HEADER = 'Omega-Audit-Request-Id';
/** Header on every checkpoint message: the stream sequence of the last leaf it covers. */
export const LEAF_SEQ_HEADER = 'Omega-Audit-Leaf-Seq';

/** A leaf as stored in the stream, with its hash and de-duplication id. */
export interface StoredLeaf {
  readonly leaf: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly requestId: string | undefined;
  readonly seq: number;
}

/** The leaves of one message on omega.audit.leaves, whichever way it was published. */
export interface LeafMessage {
  readonly firstIndex: number;
  readonly leaves: readonly Uint8Array[];
  /** One per leaf; undefined where the writer gave none. */
  readonly requestIds: readonly (string | undefined)[];
}

/**
 * Reads a leaf message: packed (AuditLeafBatch with LEAVES_HEADER) or one leaf. Throws DataLoss,
 * naming the stream sequence, for a message that cannot be a leaf message.
 */
export function leavesOfMessage(message: {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs | undefined;
}): LeafMessage {
  const where = `audit log: leaf message at stream ${STREAM} seq ${message.seq}`;
  const firstIndex = Number(message.headers?.get(INDEX_HEADER) || NaN);
  if (!Number.isSafeInteger(firstIndex) || firstIndex < 0) {
    throw new OmegaError(Code.DataLoss, `${where} has no valid ${INDEX_HEADER} header`);
  }
  const packed = message.headers?.get(LEAVES_HEADER);
  if (!packed) {
    const requestId =
      message.headers?.get(REQUEST_ID_HEADER) || message.headers?.get('Nats-Msg-Id') || undefined;
    return { firstIndex, leaves: [message.data], requestIds: [requestId] };
  }
  let batch: AuditLeafBatch;
  try {
    batch = AuditLeafBatch.decode(message.data);
  } catch (err) {
    throw new OmegaError(
      Code.DataLoss,
      `${where}: body is not an AuditLeafBatch (${errorMessage(err)})`,
    );
  }
  const count = Number(packed);
  if (batch.leaves.length !== count || batch.requestIds.length !== count) {
    throw new OmegaError(
      Code.DataLoss,
      `${where}: ${LEAVES_HEADER} says ${packed} leaves, the body holds ${batch.leaves.length} leaves and ${batch.requestIds.length} request ids`,
    );
  }
  return {
    firstIndex,
    leaves: batch.leaves,
    requestIds: batch.requestIds.map((id) => id || undefined),
  };
}

/**
 * The leaves of `message` when it holds the log's next leaves, from index `expected` on; else
 * none, and `report` is told why (a malformed message, a wrong index, a leaf that is not an entry).
 */
export function nextLeavesOf(
  message: {
    readonly seq: number;
    readonly subject: string;
    readonly data: Uint8Array;
    readonly headers?: MsgHdrs | undefined;
  },
  expected: number,
  report: SkipReporter,
): StoredLeaf[] {
  const skip = (
    reason: 'leaf_malformed' | 'leaf_wrong_index' | 'leaf_not_an_entry',
    detail: string,
  ) => {
    report({ seq: message.seq, subject: message.subject, reason, detail });
    return [];
  };
  let read: LeafMessage;
  try {
    read = leavesOfMessage(message);
  } catch (err) {
    return skip('leaf_malformed', errorMessage(err));
  }
  if (read.firstIndex !== expected) {
    return skip(
      'leaf_wrong_index',
      `it claims index ${read.firstIndex}, the log's next index is ${expected}`,
    );
  }
  for (const [i, leaf] of read.leaves.entries()) {
    if (leaf.byteLength > MAX_ENTRY_BYTES) {
      return skip(
        'leaf_not_an_entry',
        `leaf ${i} is ${leaf.byteLength} bytes, above the entry limit of ${MAX_ENTRY_BYTES}`,
      );
    }
    try {
      AuditEntry.decode(leaf);
    } catch (err) {
      return skip('leaf_not_an_entry', `leaf ${i} is not an AuditEntry (${errorMessage(err)})`);
    }
  }
  return read.leaves.map((leaf, i) => ({
    leaf,
    leafHash: hashLeaf(leaf),
    requestId: read.requestIds[i],
    seq: message.seq,
  }));
}

/**
 * Refuses an AUDIT stream whose configuration gives less than provision() declares (limits set or
 * lowered, discard old, deny flags off, a subject dropped, fewer replicas…), naming each field with
 * what was found and what is required: such a stream may erase entries under a running log.
 */
export async function requireAuditStreamIntact(bus: Bus): Promise<void> {
  let found;
  try {
    found = (await bus.jsm.streams.info(STREAM)).config;
  } catch (err) {
    throw OmegaError.wrap(
      err,
      `audit log: reading stream ${STREAM}'s configuration`,
      Code.Unavailable,
    );
  }
  try {
    requireStreamNotWeakened(STREAM, streamConfig(STREAM, { replicas: bus.replicas }), found);
  } catch (err) {
    throw OmegaError.wrap(err, 'audit log: refusing to open', Code.FailedPrecondition);
  }
}

export async function lastSeqOn(bus: Bus, subject: string): Promise<number> {
  const message = await lastMessageOn(bus, subject);
  return message?.seq ?? 0;
}

export async function lastMessageOn(bus: Bus, subject: string) {
  try {
    return (await bus.jsm.streams.getMessage(STREAM, { last_by_subj: subject })) ?? undefined;
  } catch (err) {
    if (/no message found/i.test(errorMessage(err))) return undefined;
    throw OmegaError.wrap(
      err,
      `audit log: reading the last message on ${subject}`,
      Code.Unavailable,
    );
  }
}

/** The leaf index the leaf at stream sequence `seq` carries. */
export async function indexAtSeq(bus: Bus, seq: number): Promise<number> {
  const message = await bus.jsm.streams.getMessage(STREAM, { seq });
  const index = Number(message?.header.get(INDEX_HEADER));
  if (!message || !Number.isSafeInteger(index)) {
    throw new OmegaError(Code.DataLoss, `audit log: stream ${STREAM} seq ${seq} has no leaf index`);
  }
  return index;
}
