// A signed EventBatch assembled from events that are already encoded (the publisher keeps each
// open batch as the bytes of its `events` field entries): the envelope fields are written around
// them exactly as ts-proto's EventBatch.encode orders them, then the signature (field 15) over
// those bytes is appended, as @omega/trust-client's signEventBatch does for a batch object
// (event-batch-bytes.spec.ts compares both).
import { SignaturePurpose, type HybridSigner } from '@omega/crypto';
import { FIELD_TAGS, HybridSignature } from '@omega/proto';
import { ProtoWriter } from '@omega/proto';

/** EventBatch fields other than the events and the signature. */
export interface BatchEnvelope {
  senderId: string;
  keyId: string;
  sessionId: string;
  sequence: bigint;
  createdTimeNs: bigint;
  lostRecords: bigint;
  droppedEvents: bigint;
}

/** Key of EventBatch.events (field 5, length-delimited): each event entry starts with it. */
export const EVENTS_FIELD_KEY = FIELD_TAGS.EventBatch.events;
const SIGNATURE_FIELD_KEY = FIELD_TAGS.EventBatch.signature;
const BATCH = FIELD_TAGS.EventBatch;
const SENDER = FIELD_TAGS.IdentityRef;

/**
 * Upper bound of what the envelope and signature add to the events' bytes (a hybrid signature
 * is ~3.4 KiB: a 64-byte key id, 64 bytes of Ed25519 and 3,309 of ML-DSA-65).
 */
export function envelopeAllowanceBytes(senderId: string, sessionId: string): number {
  return 4_096 + Buffer.byteLength(senderId) + Buffer.byteLength(sessionId);
}

/** The batch without its signature: the bytes the signature covers. */
export function writeUnsignedEventBatch(
  w: ProtoWriter,
  envelope: BatchEnvelope,
  eventEntries: Uint8Array,
): void {
  w.uint32(BATCH.sender).fork();
  if (envelope.senderId !== '') w.uint32(SENDER.id).string(envelope.senderId);
  if (envelope.keyId !== '') w.uint32(SENDER.keyId).string(envelope.keyId);
  w.join();
  if (envelope.sessionId !== '') w.uint32(BATCH.sessionId).string(envelope.sessionId);
  if (envelope.sequence !== 0n) w.uint32(BATCH.sequence).uint64(envelope.sequence);
  if (envelope.createdTimeNs !== 0n) w.uint32(BATCH.createdTimeNs).fixed64(envelope.createdTimeNs);
  w.raw(eventEntries);
  if (envelope.lostRecords !== 0n) w.uint32(BATCH.lostRecords).uint64(envelope.lostRecords);
  if (envelope.droppedEvents !== 0n) w.uint32(BATCH.droppedEvents).uint64(envelope.droppedEvents);
}

/** The signed batch: the unsigned bytes, then field 15 with their hybrid signature. */
export function signedEventBatchBytes(
  signer: HybridSigner,
  envelope: BatchEnvelope,
  eventEntries: Uint8Array,
): Uint8Array {
  const w = new ProtoWriter(eventEntries.length + 8_192);
  writeUnsignedEventBatch(w, envelope, eventEntries);
  const signature = signer.sign(SignaturePurpose.EventBatch, w.bytes());
  w.uint32(SIGNATURE_FIELD_KEY).bytesField(HybridSignature.encode(signature).finish());
  return w.bytes();
}
