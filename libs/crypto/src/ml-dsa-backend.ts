// One interface for ML-DSA (FIPS 204) over three implementations: liboqs (WebAssembly), noble and node:crypto.
import { Code, OmegaError } from '@omega/runtime';

export type MlDsaParameterSet = 'ML-DSA-44' | 'ML-DSA-65';
export type CryptoBackendName = 'liboqs' | 'noble' | 'node';

/** FIPS 204 sizes in bytes. */
export interface MlDsaSizes {
  readonly publicKey: number;
  readonly secretKey: number;
  readonly signature: number;
}

export const ML_DSA_SIZES: Readonly<Record<MlDsaParameterSet, MlDsaSizes>> = {
  'ML-DSA-44': { publicKey: 1312, secretKey: 2560, signature: 2420 },
  'ML-DSA-65': { publicKey: 1952, secretKey: 4032, signature: 3309 },
};

/** FIPS 204 `ctx` is at most 255 bytes. */
export const ML_DSA_MAX_CONTEXT_BYTES = 255;

export interface MlDsaKeyPair {
  /** Encoded public key (pkEncode). */
  readonly publicKey: Uint8Array;
  /** Encoded secret key (skEncode, the expanded form every implementation accepts). */
  readonly secretKey: Uint8Array;
}

/**
 * ML-DSA through one implementation. Keys and signatures are the raw FIPS 204 encodings, so any
 * backend verifies any other's signatures and signs with any other's keys. Signing is hedged
 * (randomised) in every backend. `context` is the FIPS 204 context string (default empty); a
 * backend without `supportsContext` throws Unimplemented for a non-empty one.
 */
export interface MlDsaBackend {
  readonly name: CryptoBackendName;
  readonly parameterSet: MlDsaParameterSet;
  readonly supportsContext: boolean;
  /** Whether `keyPairFromSeed` works (FIPS 204 ML-DSA.KeyGen_internal from a 32-byte seed). */
  readonly supportsSeed: boolean;

  generateKeyPair(): MlDsaKeyPair;
  /** Throws InvalidArgument for a seed that is not 32 bytes, Unimplemented without `supportsSeed`. */
  keyPairFromSeed(seed: Uint8Array): MlDsaKeyPair;
  /** Throws InvalidArgument for a malformed secret key or context. */
  sign(message: Uint8Array, secretKey: Uint8Array, context?: Uint8Array): Uint8Array;
  /**
   * Whether `signature` is valid. A signature of the wrong length or an over-long context is just
   * invalid (false); a public key of the wrong length throws InvalidArgument.
   */
  verify(
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
    context?: Uint8Array,
  ): boolean;
}

/** Hybrid keys and signatures use ML-DSA-65; anything else is a wiring mistake (InvalidArgument). */
export function requireMlDsa65(backend: MlDsaBackend): void {
  if (backend.parameterSet !== 'ML-DSA-65') {
    throw new OmegaError(
      Code.InvalidArgument,
      `hybrid keys and signatures use ML-DSA-65, not ${backend.parameterSet} (${backend.name})`,
    );
  }
}

/** Shared argument checks, so the three backends fail alike with the same messages. */
export class MlDsaChecks {
  readonly sizes: MlDsaSizes;
  readonly label: string;

  constructor(readonly parameterSet: MlDsaParameterSet) {
    this.sizes = ML_DSA_SIZES[parameterSet];
    this.label = parameterSet.toLowerCase();
  }

  publicKey(publicKey: Uint8Array): void {
    this.length('public key', this.sizes.publicKey, publicKey);
  }

  secretKey(secretKey: Uint8Array): void {
    this.length('secret key', this.sizes.secretKey, secretKey);
  }

  seed(seed: Uint8Array): void {
    this.length('seed', 32, seed);
  }

  /** For sign: an over-long context is the caller's error. */
  context(context: Uint8Array | undefined): void {
    if (context !== undefined && context.byteLength > ML_DSA_MAX_CONTEXT_BYTES) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${this.label} context must be at most ${ML_DSA_MAX_CONTEXT_BYTES} bytes, got ${context.byteLength}`,
      );
    }
  }

  /** For verify: whether the signature and context can be valid at all. */
  verifiable(signature: Uint8Array, context: Uint8Array | undefined): boolean {
    return (
      signature.byteLength === this.sizes.signature &&
      (context === undefined || context.byteLength <= ML_DSA_MAX_CONTEXT_BYTES)
    );
  }

  unsupported(backend: CryptoBackendName, what: string): OmegaError {
    return new OmegaError(Code.Unimplemented, `${this.label} via ${backend}: ${what}`);
  }

  private length(what: string, expectedBytes: number, actual: Uint8Array): void {
    if (actual.byteLength !== expectedBytes) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${this.label} ${what} must be ${expectedBytes} bytes, got ${actual.byteLength}`,
      );
    }
  }
}
