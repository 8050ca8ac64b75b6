// ML-KEM-768 through @noble/post-quantum (pure JavaScript): the independent second implementation.
import { Code, OmegaError } from '@omega/runtime';
import { plainBytes } from './bytes';
import { loadNobleMlKem } from './esm-modules';
import {
  mlKemChecks,
  type MlKemBackend,
  type MlKemEncapsulation,
  type MlKemKeyPair,
} from './ml-kem-backend';

type NobleKem = Awaited<ReturnType<typeof loadNobleMlKem>>['ml_kem768'];

export class NobleMlKem implements MlKemBackend {
  readonly name = 'noble';
  readonly supportsSeed = true;

  readonly #noble: NobleKem;

  constructor(noble: NobleKem) {
    this.#noble = noble;
  }

  static async load(): Promise<NobleMlKem> {
    try {
      return new NobleMlKem((await loadNobleMlKem()).ml_kem768);
    } catch (err) {
      throw OmegaError.wrap(err, 'loading ML-KEM-768 from @noble/post-quantum', Code.Unavailable);
    }
  }

  generateKeyPair(): MlKemKeyPair {
    return this.#noble.keygen();
  }

  keyPairFromSeed(seed: Uint8Array): MlKemKeyPair {
    mlKemChecks.seed(seed);
    return this.#noble.keygen(plainBytes(seed));
  }

  encapsulate(publicKey: Uint8Array): MlKemEncapsulation {
    mlKemChecks.publicKey(publicKey);
    let encapsulation: { cipherText: Uint8Array; sharedSecret: Uint8Array };
    try {
      encapsulation = this.#noble.encapsulate(plainBytes(publicKey));
    } catch (err) {
      throw mlKemChecks.invalidPublicKey(this.name, err);
    }
    return { ciphertext: encapsulation.cipherText, sharedSecret: encapsulation.sharedSecret };
  }

  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
    mlKemChecks.ciphertext(ciphertext);
    mlKemChecks.secretKey(secretKey);
    return this.#noble.decapsulate(plainBytes(ciphertext), plainBytes(secretKey));
  }
}
