// ML-DSA-65 note keys: Omega's signature type for signed notes, with the signing itself injected.
//
// signed-note assigns no type byte to ML-DSA-65 (0x06 is ML-DSA-44 *timestamped cosignatures*, a
// different message format and parameter set; 0xfa-0xfe are reserved for the spec's future use).
// The spec reserves 0xff "for signature types without an identifier byte assigned by this
// specification", followed by a longer identifier unlikely to collide, so Omega's type is
// 0xff || "omega-auditlog/ml-dsa-65". It enters only the key ID and the verifier key text; the
// signature is FIPS 204 ML-DSA-65 (pure, empty context) over the note text, 3309 bytes.
import { Code, OmegaError } from '@omega/errors';
import { noteKeyHash, type NoteSigner, type NoteVerifier } from './signed-note';

/** The identifier that follows 0xff in Omega's ML-DSA-65 signature type. */
export const ML_DSA_65_NOTE_TYPE_ID = 'omega-auditlog/ml-dsa-65';
/** 0xff || ML_DSA_65_NOTE_TYPE_ID: what key IDs and verifier keys use as the signature type. */
export const ML_DSA_65_NOTE_TYPE: Uint8Array = Uint8Array.from([
  0xff,
  ...new TextEncoder().encode(ML_DSA_65_NOTE_TYPE_ID),
]);
export const ML_DSA_65_PUBLIC_KEY_SIZE = 1952;
export const ML_DSA_65_SIGNATURE_SIZE = 3309;

/** Signs with ML-DSA-65 (FIPS 204 ML-DSA.Sign, empty context) over exactly `message`. */
export type MlDsa65Sign = (message: Uint8Array) => Uint8Array | Promise<Uint8Array>;
/** Verifies an ML-DSA-65 signature (FIPS 204 ML-DSA.Verify, empty context). */
export type MlDsa65Verify = (
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
) => boolean | Promise<boolean>;

function checkPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== ML_DSA_65_PUBLIC_KEY_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `ml-dsa-65 note key: public key is ${publicKey.length} bytes, want ${ML_DSA_65_PUBLIC_KEY_SIZE}`,
    );
  }
}

/**
 * A note signer around an injected ML-DSA-65 implementation (libs/crypto's liboqs signer, an HSM).
 * `publicKey` is the signer's public key, which fixes the key ID.
 */
export function mlDsa65NoteSigner(
  name: string,
  publicKey: Uint8Array,
  sign: MlDsa65Sign,
): NoteSigner {
  checkPublicKey(publicKey);
  return {
    name,
    keyHash: noteKeyHash(name, ML_DSA_65_NOTE_TYPE, publicKey),
    algorithm: 'ml-dsa-65',
    async sign(message) {
      const signature = await sign(message);
      if (signature.length !== ML_DSA_65_SIGNATURE_SIZE) {
        throw new OmegaError(
          Code.Internal,
          `ml-dsa-65 note signer ${name}: signature is ${signature.length} bytes, want ${ML_DSA_65_SIGNATURE_SIZE}`,
        );
      }
      return signature;
    },
  };
}

/** A note verifier for an ML-DSA-65 public key, around an injected verify function. */
export function mlDsa65NoteVerifier(
  name: string,
  publicKey: Uint8Array,
  verify: MlDsa65Verify,
): NoteVerifier {
  checkPublicKey(publicKey);
  const key = Uint8Array.from(publicKey);
  return {
    name,
    keyHash: noteKeyHash(name, ML_DSA_65_NOTE_TYPE, key),
    algorithm: 'ml-dsa-65',
    verify: (message, signature) =>
      signature.length === ML_DSA_65_SIGNATURE_SIZE && verify(message, signature, key),
  };
}
