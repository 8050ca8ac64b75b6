// One interface for ML-KEM-768 (FIPS 203) over three implementations: liboqs, noble and node:crypto.
import { Code, OmegaError } from '@omega/runtime';
import type { CryptoBackendName } from './ml-dsa-backend';

/** FIPS 203 ML-KEM-768 sizes in bytes. */
export const ML_KEM_768_SIZES = {
  publicKey: 1184,
  secretKey: 2400,
  ciphertext: 1088,
  sharedSecret: 32,
  /** d || z for ML-KEM.KeyGen_internal. */
  seed: 64,
} as const;

export interface MlKemKeyPair {
  /** Encapsulation key (ek). */
  readonly publicKey: Uint8Array;
  /** Decapsulation key (dk, the expanded form every implementation accepts). */
  readonly secretKey: Uint8Array;
}

export interface MlKemEncapsulation {
  readonly ciphertext: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/**
 * ML-KEM-768 through one implementation, with raw FIPS 203 encodings so the backends interoperate.
 * Every backend rejects (InvalidArgument) an encapsulation key of the wrong length or failing the
 * FIPS 203 modulus check, and a ciphertext or decapsulation key of the wrong length. A well-formed
 * but wrong ciphertext decapsulates to the implicit-rejection key, not an error.
 */
export interface MlKemBackend {
  readonly name: CryptoBackendName;
  /** Whether `keyPairFromSeed` works (ML-KEM.KeyGen_internal from d || z). */
  readonly supportsSeed: boolean;

  generateKeyPair(): MlKemKeyPair;
  keyPairFromSeed(seed: Uint8Array): MlKemKeyPair;
  encapsulate(publicKey: Uint8Array): MlKemEncapsulation;
  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

/** Shared argument checks, so the three backends fail alike with the same messages. */
export const mlKemChecks = {
  publicKey(publicKey: Uint8Array): void {
    length('encapsulation key', ML_KEM_768_SIZES.publicKey, publicKey);
  },
  secretKey(secretKey: Uint8Array): void {
    length('decapsulation key', ML_KEM_768_SIZES.secretKey, secretKey);
  },
  ciphertext(ciphertext: Uint8Array): void {
    length('ciphertext', ML_KEM_768_SIZES.ciphertext, ciphertext);
  },
  seed(seed: Uint8Array): void {
    length('seed', ML_KEM_768_SIZES.seed, seed);
  },
  /** The modulus check failed (or the library gave no reason) for a key of the right length. */
  invalidPublicKey(backend: CryptoBackendName, cause: unknown): OmegaError {
    return OmegaError.wrap(
      cause,
      `ml-kem-768 encapsulation key rejected by ${backend} (coefficients must be reduced mod q, FIPS 203 §7.2)`,
      Code.InvalidArgument,
    );
  },
  unsupported(backend: CryptoBackendName, what: string): OmegaError {
    return new OmegaError(Code.Unimplemented, `ml-kem-768 via ${backend}: ${what}`);
  },
};

function length(what: string, expectedBytes: number, actual: Uint8Array): void {
  if (actual.byteLength !== expectedBytes) {
    throw new OmegaError(
      Code.InvalidArgument,
      `ml-kem-768 ${what} must be ${expectedBytes} bytes, got ${actual.byteLength}`,
    );
  }
}
