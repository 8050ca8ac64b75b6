// The secret half of a hybrid key pair: an Ed25519 seed and an ML-DSA-65 secret key, checked to match.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { Code, OmegaError } from '@omega/runtime';
import { HybridPublicKey } from '@omega/proto';
import { bufferView, bytesEqual } from './bytes';
import { checkKeyId, hybridKeyId } from './key-id';
import { ML_DSA_SIZES, requireMlDsa65, type MlDsaBackend } from './ml-dsa-backend';
import { REDACTED, SecretKey } from './secret-key';

export const ED25519_SEED_BYTES = 32;
export const ML_DSA_65_SECRET_KEY_BYTES = ML_DSA_SIZES['ML-DSA-65'].secretKey;

/**
 * A hybrid secret key and its public key. Construction checks that the halves belong together: the
 * Ed25519 seed derives the Ed25519 public key, the ML-DSA-65 secret key carries tr = SHAKE256(pk)
 * of the ML-DSA public key (FIPS 204 skEncode), and the key id is the one those public keys give.
 * Printing it shows the key id only.
 */
export class HybridSecretKey {
  readonly keyId: string;

  /**
   * @param publicKey its `keyId`, `ed25519` and `mlDsa`; validity fields are carried as given.
   * @param ed25519 the 32-byte RFC 8032 private key (seed).
   * @param mlDsa the 4032-byte ML-DSA-65 secret key.
   */
  constructor(
    readonly publicKey: HybridPublicKey,
    readonly ed25519: SecretKey,
    readonly mlDsa: SecretKey,
  ) {
    checkKeyId(publicKey);
    this.keyId = publicKey.keyId;
    checkEd25519(ed25519, publicKey.ed25519);
    checkMlDsa(mlDsa, publicKey.mlDsa);
  }

  /** Overwrites both secret halves with zeros. */
  destroy(): void {
    this.ed25519.destroy();
    this.mlDsa.destroy();
  }

  toJSON(): { keyId: string; secretKey: string } {
    return { keyId: this.keyId, secretKey: REDACTED };
  }

  toString(): string {
    return `HybridSecretKey ${this.keyId} ${REDACTED}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** A fresh key pair: Ed25519 from node:crypto, ML-DSA-65 from `mlDsa` (liboqs in production). */
export function generateHybridSecretKey(mlDsa: MlDsaBackend): HybridSecretKey {
  requireMlDsa65(mlDsa);
  const ed25519 = generateKeyPairSync('ed25519');
  const mlDsaPair = mlDsa.generateKeyPair();
  const ed25519PublicKey = ed25519.publicKey.export({ format: 'raw-public' });
  const publicKey = HybridPublicKey.fromPartial({
    keyId: hybridKeyId(ed25519PublicKey, mlDsaPair.publicKey),
    ed25519: ed25519PublicKey,
    mlDsa: bufferView(mlDsaPair.publicKey),
  });
  return new HybridSecretKey(
    publicKey,
    new SecretKey('ed25519', ed25519.privateKey.export({ format: 'raw-private' })),
    new SecretKey('ml-dsa-65', mlDsaPair.secretKey),
  );
}

function checkEd25519(seed: SecretKey, publicKey: Uint8Array): void {
  if (seed.byteLength !== ED25519_SEED_BYTES) {
    throw invalid(`ed25519 secret key must be ${ED25519_SEED_BYTES} bytes, got ${seed.byteLength}`);
  }
  const derived = createPublicKey(
    createPrivateKey({
      key: bufferView(seed.exposeBytes()),
      format: 'raw-private',
      asymmetricKeyType: 'ed25519',
    }),
  ).export({ format: 'raw-public' });
  if (!bytesEqual(derived, publicKey)) {
    throw invalid('ed25519 secret key does not belong to the ed25519 public key');
  }
}

function checkMlDsa(secretKey: SecretKey, publicKey: Uint8Array): void {
  if (secretKey.byteLength !== ML_DSA_65_SECRET_KEY_BYTES) {
    throw invalid(
      `ml-dsa-65 secret key must be ${ML_DSA_65_SECRET_KEY_BYTES} bytes, got ${secretKey.byteLength}`,
    );
  }
  // skEncode = rho (32) || K (32) || tr (64) || ...; tr = H(pk, 64) with H = SHAKE256.
  const tr = secretKey.exposeBytes().subarray(64, 128);
  const expected = createHash('shake256', { outputLength: 64 }).update(publicKey).digest();
  if (!bytesEqual(tr, expected)) {
    throw invalid('ml-dsa-65 secret key does not belong to the ml-dsa-65 public key');
  }
}

function invalid(detail: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `hybrid secret key: ${detail}`);
}
