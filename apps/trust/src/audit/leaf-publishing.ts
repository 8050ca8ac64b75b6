// Publishing a batch's leaves to AUDIT in one order: packed messages (the default), atomic
// batches (nats-server 2.12+) or one publish per leaf.
import { headers } from '@nats-io/transport-node';
import { type PubAck } from '@nats-io/jetstream';
import { publish, subjects, type Bus, type MessageType } from '@omega/bus';
import { AuditEntry, AuditLeafBatch } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import {
  INDEX_HEADER,
  LEAVES_HEADER,
  REQUEST_ID_HEADER,
  STREAM,
  type StoredLeaf,
} from './audit-stream';

/** nats-server's limit on messages in one atomic batch (jetstream.limits.batch.max_msgs). */
const MAX_ATOMIC_BATCH = 1000;
/**
 * Body bytes of one packed message: the stream's messages are at most 1 MiB (libs/bus), and the
 * headers and protobuf framing need room.
 */
const MAX_PACKED_BYTES = 960 * 1024;
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
  /** Set by the publishers that place leaves themselves (packed, atomic) once they are stored. */
  index?: number;
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
 * Publishes leaves as few messages as possible: each holds consecutive leaves (AuditLeafBatch, at
 * most MAX_PACKED_BYTES) and expects the last leaf message `tip` knows, so it lands whole right
 * after it or not at all, like an atomic batch, but as one message: the per-message work of the
 * client and the server (headers, framing, acks, storage) is paid once per batch instead of once
 * per leaf. `tip` advances after each stored message; stops at the first refusal.
 */
export async function publishPackedLeaves<P extends LeafToPublish>(
  bus: Bus,
  tip: LeafTip,
  pending: readonly P[],
): Promise<PublishOutcome<P>> {
  const acks: PubAck[] = [];
  for (const chunk of chunksOfAtMost(pending, MAX_PACKED_BYTES)) {
    let ack: PubAck;
    try {
      ack = await publish(
        bus,
        subjects.auditLeaves,
        AuditLeafBatch,
        { leaves: chunk.map((p) => p.leaf), requestIds: chunk.map((p) => p.requestId) },
        {
          expectedLastSubjectSeq: tip.leafSeq(),
          headers: { [INDEX_HEADER]: String(tip.size()), [LEAVES_HEADER]: String(chunk.length) },
        },
      );
    } catch (error) {
      return { clean: false, acks, duplicates: [], error };
    }
    const firstIndex = tip.size();
    tip.advance(
      chunk.map((p) => ({
        leaf: p.leaf,
        leafHash: p.leafHash,
        requestId: p.requestId,
        seq: ack.seq,
      })),
    );
    chunk.forEach((p, i) => (p.index = firstIndex + i));
    acks.push(ack);
  }
  return { clean: true, acks, duplicates: [] };
}

/** Consecutive runs of `pending` whose leaves and ids (with framing) fit `maxBytes`. */
function chunksOfAtMost<P extends LeafToPublish>(pending: readonly P[], maxBytes: number): P[][] {
  const chunks: P[][] = [];
  let chunk: P[] = [];
  let bytes = 0;
  for (const p of pending) {
    // Two fields with up to 3-byte tags and lengths each, and the id as UTF-8 (at most 3x).
    const size = p.leaf.byteLength + 3 * p.requestId.length + 8;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(p);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Makes sure AUDIT takes atomic batches: the server is 2.12+ and the stream has `allow_atomic`
 * (libs/bus provision leaves undeclared fields as they are).
 */
export async function enableAtomicBatches(bus: Bus): Promise<void> {
  const version = bus.nc.info?.version ?? '0.0.0';
  const [major = 0, minor = 0] = (/^v?(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const [needMajor, needMinor] = ATOMIC_BATCH_VERSION;
  if (major < needMajor || (major === needMajor && minor < needMinor)) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `audit log: atomic batch publish needs nats-server ${needMajor}.${needMinor}.0 or later, this is ${version}`,
    );
  }
  const info = await bus.jsm.streams.info(STREAM);
  if (!info.config.allow_atomic) {
    try {
      await bus.jsm.streams.update(STREAM, { allow_atomic: true });
    } catch (err) {
      throw OmegaError.wrap(err, `audit log: enabling allow_atomic on stream ${STREAM}`);
    }
  }
}

/** The error publish() gives when the expected last subject sequence did not match. */
export function isConflict(err: unknown): boolean {
  return err instanceof OmegaError && err.code === Code.Aborted;
}
