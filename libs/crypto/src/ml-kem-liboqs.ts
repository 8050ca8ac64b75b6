// ML-KEM-768 through liboqs (@oqs/liboqs-js, WebAssembly): the production backend.
import { Code, OmegaError } from '@omega/runtime';
import { plainBytes } from './bytes';
import { loadLiboqs } from './esm-modules';
import {
  mlKemChecks,
  type MlKemBackend,
  type MlKemEncapsulation,
  type MlKemKeyPair,
} from './ml-kem-backend';

type LiboqsKem = Awaited<ReturnType<Awaited<ReturnType<typeof loadLiboqs>>['createMLKEM768']>>;

/** liboqs-js 0.15.1 has no seeded (derandomised) key generation or encapsulation. */
export class LiboqsMlKem implements MlKemBackend {
  readonly name = 'liboqs';
  readonly supportsSeed = false;

  readonly #liboqs: LiboqsKem;

  constructor(liboqs: LiboqsKem) {
    this.#liboqs = liboqs;
  }

  static async load(): Promise<LiboqsMlKem> {
    try {
      return new LiboqsMlKem(await (await loadLiboqs()).createMLKEM768());
    } catch (err) {
      throw OmegaError.wrap(err, 'loading ML-KEM-768 from @oqs/liboqs-js', Code.Unavailable);
    }
  }

  generateKeyPair(): MlKemKeyPair {
    return this.#liboqs.generateKeyPair();
  }

  keyPairFromSeed(): MlKemKeyPair {
    throw mlKemChecks.unsupported(this.name, 'liboqs-js has no seeded key generation');
  }

  encapsulate(publicKey: Uint8Array): MlKemEncapsulation {
    mlKemChecks.publicKey(publicKey);
    try {
      return this.#liboqs.encapsulate(plainBytes(publicKey));
    } catch (err) {
      // liboqs's encaps fails only on the FIPS 203 input check once the length is right.
      throw mlKemChecks.invalidPublicKey(this.name, err);
    }
  }

  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
    mlKemChecks.ciphertext(ciphertext);
    mlKemChecks.secretKey(secretKey);
    return this.#liboqs.decapsulate(plainBytes(ciphertext), plainBytes(secretKey));
  }
}
