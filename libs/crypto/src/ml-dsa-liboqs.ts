// ML-DSA through liboqs (@oqs/liboqs-js, WebAssembly): the production backend.
import { Code, OmegaError } from '@omega/runtime';
import { plainBytes } from './bytes';
import { loadLiboqs } from './esm-modules';
import {
  MlDsaChecks,
  type MlDsaBackend,
  type MlDsaKeyPair,
  type MlDsaParameterSet,
} from './ml-dsa-backend';

/** What liboqs-js's MLDSA44 and MLDSA65 classes have in common. */
interface LiboqsSignature {
  generateKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array };
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}

/**
 * liboqs 0.15 through liboqs-js 0.15.1 exposes neither a context string nor seeded key generation:
 * it signs and verifies with the empty context only, which is what Omega's hybrid signatures use.
 */
export class LiboqsMlDsa implements MlDsaBackend {
  readonly name = 'liboqs';
  readonly supportsContext = false;
  readonly supportsSeed = false;
  readonly #checks: MlDsaChecks;
  readonly #liboqs: LiboqsSignature;

  constructor(
    readonly parameterSet: MlDsaParameterSet,
    liboqs: LiboqsSignature,
  ) {
    this.#checks = new MlDsaChecks(parameterSet);
    this.#liboqs = liboqs;
  }

  static async load(parameterSet: MlDsaParameterSet): Promise<LiboqsMlDsa> {
    try {
      const oqs = await loadLiboqs();
      const instance =
        parameterSet === 'ML-DSA-44' ? await oqs.createMLDSA44() : await oqs.createMLDSA65();
      return new LiboqsMlDsa(parameterSet, instance);
    } catch (err) {
      throw OmegaError.wrap(err, `loading ${parameterSet} from @oqs/liboqs-js`, Code.Unavailable);
    }
  }

  generateKeyPair(): MlDsaKeyPair {
    return this.#liboqs.generateKeyPair();
  }

  keyPairFromSeed(): MlDsaKeyPair {
    throw this.#checks.unsupported(this.name, 'liboqs-js has no seeded key generation');
  }

  sign(message: Uint8Array, secretKey: Uint8Array, context?: Uint8Array): Uint8Array {
    this.#checks.secretKey(secretKey);
    this.#emptyContextOnly(context);
    return this.#liboqs.sign(plainBytes(message), plainBytes(secretKey));
  }

  verify(
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
    context?: Uint8Array,
  ): boolean {
    this.#checks.publicKey(publicKey);
    if (!this.#checks.verifiable(signature, context)) return false;
    this.#emptyContextOnly(context);
    return this.#liboqs.verify(plainBytes(message), plainBytes(signature), plainBytes(publicKey));
  }

  #emptyContextOnly(context: Uint8Array | undefined): void {
    if (context !== undefined && context.byteLength > 0) {
      throw this.#checks.unsupported(this.name, 'liboqs-js has no context string');
    }
  }
}
