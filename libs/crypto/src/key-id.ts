// Key ids: the lowercase hex SHA-256 of a hybrid public key (Ed25519 key, then ML-DSA-65 key).
import { createHash } from 'node:crypto';
import { Code, OmegaError } from '@omega/runtime';
import { ML_DSA_SIZES } from './ml-dsa-backend';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ML_DSA_65_PUBLIC_KEY_BYTES = ML_DSA_SIZES['ML-DSA-65'].publicKey;

/** Key ids are 64 lowercase hex digits. */
export const KEY_ID_PATTERN = /^[0-9a-f]{64}$/;

/**
 * `hex(SHA-256(ed25519 public key (32 bytes) || ML-DSA-65 public key (1952 bytes)))`, as
 * omega.v1.HybridPublicKey.key_id and IdentityRef.key_id define it: 64 lowercase hex digits, not
 * truncated. Both inputs have fixed lengths, so the concatenation is unambiguous.
 */
export function hybridKeyId(ed25519PublicKey: Uint8Array, mlDsaPublicKey: Uint8Array): string {
  if (ed25519PublicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `hybrid public key: ed25519 key must be ${ED25519_PUBLIC_KEY_BYTES} bytes, got ${ed25519PublicKey.byteLength}`,
    );
  }
  if (mlDsaPublicKey.byteLength !== ML_DSA_65_PUBLIC_KEY_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `hybrid public key: ml-dsa-65 key must be ${ML_DSA_65_PUBLIC_KEY_BYTES} bytes, got ${mlDsaPublicKey.byteLength}`,
    );
  }
  return createHash('sha256').update(ed25519PublicKey).update(mlDsaPublicKey).digest('hex');
}

/** Throws InvalidArgument unless `publicKey.keyId` is the key id of its two keys. */
export function checkKeyId(publicKey: {
  readonly keyId: string;
  readonly ed25519: Uint8Array;
  readonly mlDsa: Uint8Array;
}): void {
  const keyId = hybridKeyId(publicKey.ed25519, publicKey.mlDsa);
  if (publicKey.keyId !== keyId) {
    throw new OmegaError(
      Code.InvalidArgument,
      `hybrid public key: key id ${describeKeyId(publicKey.keyId)} is not the one its keys give (${keyId})`,
    );
  }
}

/** A key id for an error message: as is when well-formed, else quoted and cut short. */
export function describeKeyId(keyId: string): string {
  return KEY_ID_PATTERN.test(keyId) ? keyId : JSON.stringify(keyId.slice(0, 80));
}
