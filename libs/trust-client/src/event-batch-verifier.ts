// Verifies an EventBatch exactly as received, without calling trust: the signature over the bytes
// before field 15, by a key trust issued to the batch's sender, valid when the batch was sealed.
// The identity comes from a lookup the caller provides (e.g. trust's `omega_identities` bucket).
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { EventBatch, VerificationFailure, type Identity } from '@omega/proto';
import { SignaturePurpose, type HybridVerifier } from '@omega/crypto';
import { splitSignedEventBatch } from './event-batch-signature';
import { signingKeyAt } from './identity-record';

/** Why a batch was refused; also the metric label. */
export const BATCH_REJECTIONS = [
  /** No signature (field 15 absent or empty). */
  'unsigned',
  /** Does not decode, a signature part of the wrong size, no sender, bytes after the signature. */
  'malformed',
  /** The signing key is not one trust issued. */
  'unknown-key',
  /** The key belongs to another identity than the batch's sender. */
  'identity-mismatch',
  /** The identity or the key is revoked. */
  'revoked',
  /** The key was not valid when the batch says it was sealed. */
  'expired',
  /** Sealed longer ago than the verifier accepts, or in the future beyond the clock skew. */
  'stale',
  /** A signature part does not verify: forged, altered or signed for another purpose. */
  'forged',
] as const;
export type BatchRejection = (typeof BATCH_REJECTIONS)[number];

export type BatchVerdict =
  | { readonly ok: true; readonly batch: EventBatch; readonly sender: Identity }
  | {
      readonly ok: false;
      readonly reason: BatchRejection;
      readonly detail: string;
      /** The batch when it decoded (an unsigned batch may still be processed by policy). */
      readonly batch?: EventBatch;
    };

export interface EventBatchVerifierOptions {
  /** The identity holding key `keyId`, as trust issued it; undefined when unknown. */
  readonly lookup: (keyId: string) => Promise<Identity | undefined>;
  readonly verifier: HybridVerifier;
  /** Oldest sealing time accepted, relative to now (a backlog older than this is refused). */
  readonly maxAgeMs: number;
  /** How far in the future a sealing time may be (sender clock ahead). */
  readonly maxSkewMs: number;
}

const FAILURE_REASON: Readonly<Partial<Record<VerificationFailure, BatchRejection>>> = {
  [VerificationFailure.VERIFICATION_FAILURE_UNKNOWN_KEY]: 'unknown-key',
  [VerificationFailure.VERIFICATION_FAILURE_KEY_REVOKED]: 'revoked',
  [VerificationFailure.VERIFICATION_FAILURE_KEY_EXPIRED]: 'expired',
};

export async function verifyEventBatch(
  bytes: Uint8Array,
  nowMs: number,
  options: EventBatchVerifierOptions,
): Promise<BatchVerdict> {
  let split;
  try {
    split = splitSignedEventBatch(bytes);
  } catch (err) {
    return unsignedOrMalformed(bytes, err);
  }
  const { batch, signedBytes, signature } = split;
  const refuse = (reason: BatchRejection, detail: string): BatchVerdict => ({
    ok: false,
    reason,
    detail,
    batch,
  });
  const senderId = batch.sender?.id ?? '';
  const who = `event batch from ${senderId || '(no sender)'} session ${batch.sessionId || '(none)'} seq ${batch.sequence}`;
  if (signature.ed25519.length === 0 && signature.mlDsa.length === 0) {
    return refuse('unsigned', `${who}: signature (field 15) is empty`);
  }
  if (senderId === '') return refuse('malformed', `${who}: sender.id is empty`);
  const nowNs = BigInt(nowMs) * 1_000_000n;
  const sealedNs = batch.createdTimeNs;
  if (sealedNs > nowNs + BigInt(options.maxSkewMs) * 1_000_000n) {
    return refuse(
      'stale',
      `${who}: sealed ${isoNs(sealedNs)}, in the future (now ${isoNs(nowNs)})`,
    );
  }
  if (sealedNs < nowNs - BigInt(options.maxAgeMs) * 1_000_000n) {
    return refuse(
      'stale',
      `${who}: sealed ${isoNs(sealedNs)}, more than ${options.maxAgeMs} ms before now (${isoNs(nowNs)})`,
    );
  }
  const identity = await options.lookup(signature.keyId);
  if (identity === undefined) {
    return refuse(
      'unknown-key',
      `${who}: unknown key ${signature.keyId.slice(0, 80) || '(empty key id)'} (not issued by trust)`,
    );
  }
  if (identity.id !== senderId || (batch.sender?.keyId && batch.sender.keyId !== signature.keyId)) {
    return refuse(
      'identity-mismatch',
      `${who}: signed by key ${signature.keyId} of ${identity.id}, but the batch names ${senderId} key ${batch.sender?.keyId || '(any)'}`,
    );
  }
  const key = signingKeyAt(identity, signature.keyId, sealedNs, who);
  if ('failure' in key) return refuse(FAILURE_REASON[key.failure] ?? 'unknown-key', key.detail);
  try {
    options.verifier.verify(key, SignaturePurpose.EventBatch, signedBytes, signature);
  } catch (err) {
    const malformed = err instanceof OmegaError && err.code === Code.InvalidArgument;
    return refuse(malformed ? 'malformed' : 'forged', `${who}: ${errorMessage(err)}`);
  }
  return { ok: true, batch, sender: identity };
}

/** A batch that does not split: unsigned if it decodes without field 15, malformed otherwise. */
function unsignedOrMalformed(bytes: Uint8Array, err: unknown): BatchVerdict {
  let batch: EventBatch;
  try {
    batch = EventBatch.decode(bytes);
  } catch {
    return { ok: false, reason: 'malformed', detail: errorMessage(err) };
  }
  if (batch.signature === undefined) {
    const who = `event batch from ${batch.sender?.id || '(no sender)'} seq ${batch.sequence}`;
    return { ok: false, reason: 'unsigned', detail: `${who}: no signature (field 15)`, batch };
  }
  return { ok: false, reason: 'malformed', detail: errorMessage(err), batch };
}

function isoNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${ns}ns`;
}
