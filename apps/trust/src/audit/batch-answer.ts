// AppendAuditBatch's answer, encoded straight from the log's bundles into one exactly-sized buffer.
//
// The answer is the hottest thing trust writes (a bundle per entry, ~0.7 KB each). Building
// ts-proto objects per entry and then encoding them cost ~9% of trust's process at 25,000
// appends/s; this writes the same bytes (batch-answer.spec checks them against ts-proto and
// protobufjs) in two passes: sizes, then bytes.
import type { AppendAuditBatchResponse } from '@omega/proto';
import type { AppendedBundle } from './audit-log';

// Tags: (field number << 3) | wire type 2 (length-delimited) or 0 (varint).
const RESULTS = 0x0a; // AppendAuditBatchResponse.results = 1
const CHECKPOINT_NOTES = 0x12; // AppendAuditBatchResponse.checkpoint_notes = 2
const AUDIT = 0x0a; // AppendAuditResponse.audit = 1
const COMMITMENT_SALT = 0x12; // AppendAuditResponse.commitment_salt = 2
const INCLUSION_PROOF = 0x1a; // AppendAuditResponse.inclusion_proof = 3
const ENTRY = 0x2a; // AppendAuditResponse.entry = 5
const LOG_INDEX = 0x08; // AuditRef.log_index = 1
const LEAF_HASH = 0x12; // AuditRef.leaf_hash = 2
const CHECKPOINT_SIZE = 0x18; // AuditRef.checkpoint_size = 3

/** An answer already encoded: trustServiceDefinition's serializer sends its bytes as they are. */
export class EncodedBatchAnswer {
  constructor(readonly bytes: Buffer) {}
}

/**
 * The AppendAuditBatchResponse for `bundles` (in request order), byte for byte what ts-proto
 * encodes for it: per entry its AuditRef, commitment salt, inclusion proof and entry, no note; the
 * distinct checkpoint notes once each, ascending by tree size.
 */
export function encodeBatchAnswer(bundles: readonly AppendedBundle[]): EncodedBatchAnswer {
  const notesBySize = new Map<number, string>();
  for (const bundle of bundles) notesBySize.set(bundle.checkpointSize, bundle.checkpoint);
  const notes = [...notesBySize.entries()].sort(([a], [b]) => a - b).map(([, note]) => note);

  const refSizes = new Array<number>(bundles.length);
  const resultSizes = new Array<number>(bundles.length);
  let total = 0;
  bundles.forEach((bundle, i) => {
    const ref = auditRefSize(bundle);
    let size = 1 + varintSize(ref) + ref;
    const salt = bundle.opening?.salt.byteLength ?? 0;
    if (salt > 0) size += bytesFieldSize(salt);
    for (const hash of bundle.inclusionProof) size += bytesFieldSize(hash.byteLength);
    if (bundle.entry.byteLength > 0) size += bytesFieldSize(bundle.entry.byteLength);
    refSizes[i] = ref;
    resultSizes[i] = size;
    total += 1 + varintSize(size) + size;
  });
  const noteBytes = notes.map((note) => Buffer.byteLength(note, 'utf8'));
  for (const length of noteBytes) total += bytesFieldSize(length);

  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  const varint = (value: number) => {
    while (value >= 0x80) {
      out[pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    out[pos++] = value;
  };
  const bytes = (tag: number, value: Uint8Array) => {
    out[pos++] = tag;
    varint(value.byteLength);
    out.set(value, pos);
    pos += value.byteLength;
  };
  bundles.forEach((bundle, i) => {
    out[pos++] = RESULTS;
    varint(resultSizes[i]!);
    out[pos++] = AUDIT;
    varint(refSizes[i]!);
    if (bundle.index !== 0) {
      out[pos++] = LOG_INDEX;
      varint(bundle.index);
    }
    if (bundle.leafHash.byteLength > 0) bytes(LEAF_HASH, bundle.leafHash);
    if (bundle.checkpointSize !== 0) {
      out[pos++] = CHECKPOINT_SIZE;
      varint(bundle.checkpointSize);
    }
    const salt = bundle.opening?.salt;
    if (salt && salt.byteLength > 0) bytes(COMMITMENT_SALT, salt);
    for (const hash of bundle.inclusionProof) bytes(INCLUSION_PROOF, hash);
    if (bundle.entry.byteLength > 0) bytes(ENTRY, bundle.entry);
  });
  notes.forEach((note, i) => {
    out[pos++] = CHECKPOINT_NOTES;
    varint(noteBytes[i]!);
    pos += out.write(note, pos, 'utf8');
  });
  if (pos !== total) throw new Error(`batch answer: wrote ${pos} bytes, sized ${total}`);
  return new EncodedBatchAnswer(out);
}

/** What a client decodes from an EncodedBatchAnswer (the shape ts-proto gives). */
export type BatchAnswer = AppendAuditBatchResponse | EncodedBatchAnswer;

function auditRefSize(bundle: AppendedBundle): number {
  let size = 0;
  if (bundle.index !== 0) size += 1 + varintSize(bundle.index);
  if (bundle.leafHash.byteLength > 0) size += bytesFieldSize(bundle.leafHash.byteLength);
  if (bundle.checkpointSize !== 0) size += 1 + varintSize(bundle.checkpointSize);
  return size;
}

/** Tag, length and the bytes of a length-delimited field (tags here are one byte). */
function bytesFieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Bytes of a non-negative integer (≤ 2^53) as a protobuf varint. */
function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}
