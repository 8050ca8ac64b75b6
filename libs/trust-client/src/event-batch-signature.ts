// EventBatch signing as common.proto defines it: the signature (field 15) covers the batch's
// encoding without it, and verifiers take the received bytes up to field 15, never a re-encoding.
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { EventBatch, HybridSignature } from '@omega/proto';
import { SignaturePurpose, type HybridSigner } from '@omega/crypto';

const SIGNATURE_FIELD = 15;

/** Encodes `batch` without a signature, signs those bytes and appends field 15. */
export function signEventBatch(signer: HybridSigner, batch: EventBatch): Uint8Array {
  const unsigned = EventBatch.encode({ ...batch, signature: undefined }).finish();
  const signature = signer.sign(SignaturePurpose.EventBatch, unsigned);
  const writer = new BinaryWriter();
  writer.raw(unsigned);
  writer.uint32((SIGNATURE_FIELD << 3) | WireType.LengthDelimited);
  writer.bytes(HybridSignature.encode(signature).finish());
  return writer.finish();
}

export interface SignedEventBatch {
  readonly batch: EventBatch;
  /** The received bytes before field 15: what the signature covers. */
  readonly signedBytes: Uint8Array;
  readonly signature: HybridSignature;
}

/**
 * Splits a received EventBatch into the bytes the signature covers and the signature. InvalidArgument
 * when the bytes do not decode, there is no signature, or anything follows it (a signature that is
 * not last would leave bytes it does not cover).
 */
export function splitSignedEventBatch(bytes: Uint8Array): SignedEventBatch {
  const fail = (detail: string, cause?: unknown): OmegaError =>
    new OmegaError(Code.InvalidArgument, `event batch: ${detail}`, { cause });
  let signatureStart = -1;
  let signatureBytes: Uint8Array | undefined;
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const fieldStart = reader.pos;
      const [field, wireType] = reader.tag();
      if (signatureBytes !== undefined) {
        throw fail(`field ${field} at byte ${fieldStart} follows the signature (field 15)`);
      }
      if (field === SIGNATURE_FIELD) {
        if (wireType !== WireType.LengthDelimited) {
          throw fail(`field 15 at byte ${fieldStart} has wire type ${wireType}, not bytes`);
        }
        signatureStart = fieldStart;
        signatureBytes = reader.bytes();
      } else {
        reader.skip(wireType, field);
      }
    }
  } catch (err) {
    if (err instanceof OmegaError) throw err;
    throw fail(`does not decode: ${errorMessage(err)}`, err);
  }
  if (signatureBytes === undefined) throw fail('has no signature (field 15)');
  let batch: EventBatch;
  let signature: HybridSignature;
  try {
    batch = EventBatch.decode(bytes);
    signature = HybridSignature.decode(signatureBytes);
  } catch (err) {
    throw fail(`does not decode: ${errorMessage(err)}`, err);
  }
  return { batch, signedBytes: bytes.subarray(0, signatureStart), signature };
}
