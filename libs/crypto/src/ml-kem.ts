// ML-KEM-768 key establishment for Omega (edge overlay, sealed secrets): liboqs unless told otherwise.
import type { CryptoBackendName } from './ml-dsa-backend';
import type { MlKemBackend } from './ml-kem-backend';
import { loadMlKemBackend } from './ml-kem-backends';
import { SecretKey } from './secret-key';

export interface MlKem768KeyPair {
  /** Encapsulation key (1184 bytes), safe to publish. */
  readonly publicKey: Uint8Array;
  /** Decapsulation key (2400 bytes). */
  readonly secretKey: SecretKey;
}

export interface MlKem768Encapsulation {
  /** Send this (1088 bytes) to the key's holder. */
  readonly ciphertext: Uint8Array;
  /** The 32-byte shared secret, to feed a KDF. */
  readonly sharedSecret: SecretKey;
}

/** The backend's operations with every secret wrapped in a `SecretKey`. */
export class MlKem768 {
  constructor(readonly backend: MlKemBackend) {}

  static async load(backend: CryptoBackendName = 'liboqs'): Promise<MlKem768> {
    return new MlKem768(await loadMlKemBackend(backend));
  }

  generateKeyPair(): MlKem768KeyPair {
    const { publicKey, secretKey } = this.backend.generateKeyPair();
    return { publicKey, secretKey: new SecretKey('ml-kem-768', secretKey) };
  }

  /** Throws InvalidArgument for a malformed encapsulation key. */
  encapsulate(publicKey: Uint8Array): MlKem768Encapsulation {
    const { ciphertext, sharedSecret } = this.backend.encapsulate(publicKey);
    return { ciphertext, sharedSecret: new SecretKey('ml-kem-768 shared secret', sharedSecret) };
  }

  /**
   * The shared secret `ciphertext` carries. A tampered ciphertext yields an unrelated secret
   * (FIPS 203 implicit rejection), so a protocol must confirm the key before trusting it.
   */
  decapsulate(ciphertext: Uint8Array, secretKey: SecretKey): SecretKey {
    const sharedSecret = this.backend.decapsulate(ciphertext, secretKey.exposeBytes());
    return new SecretKey('ml-kem-768 shared secret', sharedSecret);
  }
}
