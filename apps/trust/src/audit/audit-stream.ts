// Where the audit log lives in JetStream: the AUDIT stream, its leaf headers and tail reads.
import { type Bus } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

export const STREAM = 'AUDIT';
/** Header on every leaf message: its leaf index, made true by the expected-sequence check. */
export const INDEX_HEADER = 'Omega-Audit-Index';
/** Header on every leaf message: the append's de-duplication id. */
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
