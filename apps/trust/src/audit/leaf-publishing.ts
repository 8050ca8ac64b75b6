// Publishing a batch's leaves to AUDIT in one order: atomic batches (2.12+) or one publish per leaf.
import { headers } from '@nats-io/transport-node';
import { type PubAck } from '@nats-io/jetstream';
import { publish, subjects, type Bus, type MessageType } from '@omega/bus';
import { AuditEntry } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { INDEX_HEADER, REQUEST_ID_HEADER, STREAM, type StoredLeaf } from './audit-stream';

/** nats-server's limit on messages in one atomic batch (jetstream.limits.batch.max_msgs). */
const MAX_ATOMIC_BATCH = 1000;
/** Atomic batch publish (allow_atomic) needs this server. */
const ATOMIC_BATCH_VERSION = [2, 12] as const;

/** Leaves are published as the exact bytes that are hashed. */
const LEAF: MessageType<Uint8Array> = {
  $type: AuditEntry.$type,
  encode: (bytes) => ({ finish: () => bytes }),
  decode: (bytes) => bytes,
};

/** A leaf waiting to be published. */
export interface LeafToPublish {
  readonly requestId: string;
  readonly leaf: Uint8Array;
  readonly leafHash: Uint8Array;
}

/** How publishing a batch's leaves went: `clean` when every leaf landed where it was expected. */
export interface PublishOutcome<P extends LeafToPublish> {
  clean: boolean;
  acks: PubAck[];
  /** Leaves JetStream reported as Nats-Msg-Id duplicates, with the stored copy's sequence. */
  duplicates: Array<[P, number]>;
  error?: unknown;
}

/** The tree the leaves are published onto: its size, last leaf's sequence, and how it grows. */
export interface LeafTip {
  size(): number;
  leafSeq(): number;
  advance(leaves: readonly StoredLeaf[]): void;
}

/**
 * Publishes leaves in order: the first expects the last leaf `tip` knows, each next one the
 * sequence its predecessor got. Stops at the first refusal. Does not advance `tip`.
 */
export async function publishLeaves<P extends LeafToPublish>(
  bus: Bus,
  tip: LeafTip,
  pending: readonly P[],
): Promise<PublishOutcome<P>> {
  const acks: PubAck[] = [];
  const duplicates: Array<[P, number]> = [];
  const send = (p: P, index: number, expectedSeq: number) =>
    publish(bus, subjects.auditLeaves, LEAF, p.leaf, {
      msgId: p.requestId,
      expectedLastSubjectSeq: expectedSeq,
      headers: { [INDEX_HEADER]: String(index), [REQUEST_ID_HEADER]: p.requestId },
    });
  let first: PubAck;
  try {
    first = await send(pending[0]!, tip.size(), tip.leafSeq());
  } catch (error) {
    return { clean: false, acks, duplicates, error };
  }
  if (first.duplicate) {
    duplicates.push([pending[0]!, first.seq]);
    return { clean: false, acks, duplicates };
  }
  acks.push(first);
  const rest = await Promise.allSettled(
    pending.slice(1).map((p, i) => send(p, tip.size() + i + 1, first.seq + i)),
  );
  let error: unknown;
  rest.forEach((result, i) => {
    if (result.status === 'rejected') error ??= result.reason;
    else if (result.value.duplicate) duplicates.push([pending[i + 1]!, result.value.seq]);
    else acks.push(result.value);
  });
  const clean = error === undefined && duplicates.length === 0 && acks.length === pending.length;
  return { clean, acks, duplicates, ...(error !== undefined ? { error } : {}) };
}

/**
 * Publishes leaves as atomic batches of up to 1000: the first message of each expects the last
 * leaf `tip` knows, so a batch lands whole right after it or not at all. `tip` advances after
 * each committed batch; stops at the first refusal.
 */
export async function publishAtomicBatches<P extends LeafToPublish>(
  bus: Bus,
  tip: LeafTip,
  pending: readonly P[],
): Promise<PublishOutcome<P>> {
  const acks: PubAck[] = [];
  // Even chunks: 1,024 leaves go as 512 + 512, not 1,000 + a 24-leaf batch with its own round trips.
  const chunkSize = Math.ceil(pending.length / Math.ceil(pending.length / MAX_ATOMIC_BATCH));
  for (let start = 0; start < pending.length; start += chunkSize) {
    const chunk = pending.slice(start, start + chunkSize);
    const options = (p: P, i: number) => {
      const h = headers();
      h.set(INDEX_HEADER, String(tip.size() + i));
      h.set(REQUEST_ID_HEADER, p.requestId);
      return { headers: h };
    };
    let ack: PubAck;
    try {
      const first = { ...options(chunk[0]!, 0), expect: { lastSubjectSequence: tip.leafSeq() } };
      if (chunk.length === 1) {
        // A batch needs a commit message of its own: one leaf is a plain publish.
        ack = await bus.js.publish(subjects.auditLeaves, chunk[0]!.leaf, first);
      } else {
        const batch = await bus.js.startBatch(subjects.auditLeaves, chunk[0]!.leaf, first);
        for (let i = 1; i < chunk.length - 1; i++) {
          batch.add(subjects.auditLeaves, chunk[i]!.leaf, options(chunk[i]!, i));
        }
        const last = chunk.length - 1;
        ack = await batch.commit(
          subjects.auditLeaves,
          chunk[last]!.leaf,
          options(chunk[last]!, last),
        );
      }
    } catch (error) {
      return { clean: false, acks, duplicates: [], error };
    }
    const firstSeq = ack.seq - chunk.length + 1;
    tip.advance(
      chunk.map((p, i) => ({
        leaf: p.leaf,
        leafHash: p.leafHash,
        requestId: p.requestId,
        seq: firstSeq + i,
      })),
    );
    acks.push(ack);
  }
  return { clean: true, acks, duplicates: [] };
}

/**
 * Whether to publish atomic batches: asked for, or by default when the server is 2.12+; then
 * AUDIT gets `allow_atomic` (libs/bus provision leaves undeclared fields as they are).
 */
export async function useAtomicBatches(bus: Bus, atomicBatches?: boolean): Promise<boolean> {
  const version = bus.nc.info?.version ?? '0.0.0';
  const [major = 0, minor = 0] = (/^v?(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const [needMajor, needMinor] = ATOMIC_BATCH_VERSION;
  const supported = major > needMajor || (major === needMajor && minor >= needMinor);
  if (atomicBatches === false) return false;
  if (!supported) {
    if (atomicBatches) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `audit log: atomic batch publish needs nats-server ${needMajor}.${needMinor}.0 or later, this is ${version}`,
      );
    }
    return false;
  }
  const info = await bus.jsm.streams.info(STREAM);
  if (!info.config.allow_atomic) {
    try {
      await bus.jsm.streams.update(STREAM, { allow_atomic: true });
    } catch (err) {
      throw OmegaError.wrap(err, `audit log: enabling allow_atomic on stream ${STREAM}`);
    }
  }
  return true;
}

/** The error publish() gives when the expected last subject sequence did not match. */
export function isConflict(err: unknown): boolean {
  return err instanceof OmegaError && err.code === Code.Aborted;
}
