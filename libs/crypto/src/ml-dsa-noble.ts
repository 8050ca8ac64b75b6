// ML-DSA through @noble/post-quantum (pure JavaScript): the independent second implementation.
import { Code, OmegaError } from '@omega/runtime';
import { plainBytes } from './bytes';
import { loadNobleMlDsa } from './esm-modules';
import {
  MlDsaChecks,
  type MlDsaBackend,
  type MlDsaKeyPair,
  type MlDsaParameterSet,
} from './ml-dsa-backend';

type NobleSigner = Awaited<ReturnType<typeof loadNobleMlDsa>>['ml_dsa65'];

/** Has everything liboqs-js lacks (context strings, seeds) at a tenth of its speed. */
export class NobleMlDsa implements MlDsaBackend {
  readonly name = 'noble';
  readonly supportsContext = true;
  readonly supportsSeed = true;
  readonly #checks: MlDsaChecks;
  readonly #noble: NobleSigner;

  constructor(
    readonly parameterSet: MlDsaParameterSet,
    noble: NobleSigner,
  ) {
    this.#checks = new MlDsaChecks(parameterSet);
    this.#noble = noble;
  }

  static async load(parameterSet: MlDsaParameterSet): Promise<NobleMlDsa> {
    try {
      const { ml_dsa44, ml_dsa65 } = await loadNobleMlDsa();
      return new NobleMlDsa(parameterSet, parameterSet === 'ML-DSA-44' ? ml_dsa44 : ml_dsa65);
    } catch (err) {
      throw OmegaError.wrap(
        err,
        `loading ${parameterSet} from @noble/post-quantum`,
        Code.Unavailable,
      );
    }
  }

  generateKeyPair(): MlDsaKeyPair {
    return this.#noble.keygen();
  }

  keyPairFromSeed(seed: Uint8Array): MlDsaKeyPair {
    this.#checks.seed(seed);
    return this.#noble.keygen(plainBytes(seed));
  }

  sign(message: Uint8Array, secretKey: Uint8Array, context?: Uint8Array): Uint8Array {
    this.#checks.secretKey(secretKey);
    this.#checks.context(context);
    return this.#noble.sign(plainBytes(message), plainBytes(secretKey), this.#options(context));
  }

  verify(
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
    context?: Uint8Array,
  ): boolean {
    this.#checks.publicKey(publicKey);
    if (!this.#checks.verifiable(signature, context)) return false;
    return this.#noble.verify(
      plainBytes(signature),
      plainBytes(message),
      plainBytes(publicKey),
      this.#options(context),
    );
  }

  /**
   * noble takes only plain option bags and checks their prototype; a null-prototype bag passes that
   * check from any realm (under jest, this file's Object.prototype is not noble's).
   */
  #options(context: Uint8Array | undefined): { context: Uint8Array } | undefined {
    if (context === undefined) return undefined;
    return Object.assign(Object.create(null) as { context: Uint8Array }, {
      context: plainBytes(context),
    });
  }
}
