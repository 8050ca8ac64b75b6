// AppendAuditBatch's answer, encoded straight from the log's bundles into one exactly-sized buffer.
//
// The answer is the hottest thing trust writes (a bundle per entry, ~0.7 KB each). Building
// ts-proto objects per entry and then encoding them cost ~9% of trust's process at 26,000
// appends/s; this writes the same bytes (batch-answer.spec checks them against ts-proto and
// protobufjs) with the shared ProtoWriter in two passes: sizes, then bytes, so nothing is moved
// or copied out afterwards.
import { FIELD_TAGS, ProtoWriter, varintSize, type AppendAuditBatchResponse } from '@omega/proto';
import type { AppendedBundle } from './audit-log';

// Field keys ((field number << 3) | wire type), generated from the .proto files by proto:gen. Each
// is one byte, which the size pass below counts on.
const RESULTS = FIELD_TAGS.AppendAuditBatchResponse.results;
const CHECKPOINT_NOTES = FIELD_TAGS.AppendAuditBatchResponse.checkpointNotes;
const AUDIT = FIELD_TAGS.AppendAuditResponse.audit;
const COMMITMENT_SALT = FIELD_TAGS.AppendAuditResponse.commitmentSalt;
const INCLUSION_PROOF = FIELD_TAGS.AppendAuditResponse.inclusionProof;
const ENTRY = FIELD_TAGS.AppendAuditResponse.entry;
const LOG_INDEX = FIELD_TAGS.AuditRef.logIndex;
const LEAF_HASH = FIELD_TAGS.AuditRef.leafHash;
const CHECKPOINT_SIZE = FIELD_TAGS.AuditRef.checkpointSize;

/** An answer already encoded: trustServiceDefinition's serializer sends its bytes as they are. */
export class EncodedBatchAnswer {
  constructor(readonly bytes: Buffer) {}
}

/** What the AppendAuditBatch handler answers: encoded here, or a message for ts-proto to encode. */
export type BatchAnswer = AppendAuditBatchResponse | EncodedBatchAnswer;

/**
 * The AppendAuditBatchResponse for `bundles` (in request order), byte for byte what ts-proto
 * encodes for it: per entry its AuditRef, commitment salt, inclusion proof and entry, no note; the
 * distinct checkpoint notes once each, ascending by tree size.
 */
export function encodeBatchAnswer(bundles: readonly AppendedBundle[]): EncodedBatchAnswer {
  const notesBySize = new Map<number, string>();
  for (const bundle of bundles) notesBySize.set(bundle.checkpointSize, bundle.checkpoint);
  const notes = [...notesBySize.entries()].sort(([a], [b]) => a - b).map(([, note]) => note);

  const refSizes = bundles.map(auditRefSize);
  const resultSizes = bundles.map((bundle, i) => resultSize(bundle, refSizes[i]!));
  let total = 0;
  for (const size of resultSizes) total += fieldSize(size);
  for (const note of notes) total += fieldSize(Buffer.byteLength(note, 'utf8'));

  const w = new ProtoWriter(total);
  bundles.forEach((bundle, i) => {
    w.uint32(RESULTS).uint32(resultSizes[i]!);
    w.uint32(AUDIT).uint32(refSizes[i]!);
    if (bundle.index !== 0) w.uint32(LOG_INDEX).uint53(bundle.index);
    if (bundle.leafHash.byteLength > 0) w.uint32(LEAF_HASH).bytesField(bundle.leafHash);
    if (bundle.checkpointSize !== 0) w.uint32(CHECKPOINT_SIZE).uint53(bundle.checkpointSize);
    const salt = bundle.opening?.salt;
    if (salt && salt.byteLength > 0) w.uint32(COMMITMENT_SALT).bytesField(salt);
    for (const hash of bundle.inclusionProof) w.uint32(INCLUSION_PROOF).bytesField(hash);
    if (bundle.entry.byteLength > 0) w.uint32(ENTRY).bytesField(bundle.entry);
  });
  for (const note of notes) w.uint32(CHECKPOINT_NOTES).string(note);
  if (w.pos !== total) throw new Error(`batch answer: wrote ${w.pos} bytes, sized ${total}`);
  return new EncodedBatchAnswer(w.buf);
}

function auditRefSize(bundle: AppendedBundle): number {
  let size = 0;
  if (bundle.index !== 0) size += 1 + varintSize(bundle.index);
  if (bundle.leafHash.byteLength > 0) size += fieldSize(bundle.leafHash.byteLength);
  if (bundle.checkpointSize !== 0) size += 1 + varintSize(bundle.checkpointSize);
  return size;
}

function resultSize(bundle: AppendedBundle, refSize: number): number {
  let size = fieldSize(refSize);
  const salt = bundle.opening?.salt.byteLength ?? 0;
  if (salt > 0) size += fieldSize(salt);
  for (const hash of bundle.inclusionProof) size += fieldSize(hash.byteLength);
  if (bundle.entry.byteLength > 0) size += fieldSize(bundle.entry.byteLength);
  return size;
}

/** A length-delimited field of `length` bytes with its one-byte key and its length. */
function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}
