// Signs with both halves of a hybrid key over one domain-separated message.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { HybridPublicKey, HybridSignature } from '@omega/proto';
import { bufferView } from './bytes';
import type { HybridSecretKey } from './hybrid-secret-key';
import { requireMlDsa65, type MlDsaBackend } from './ml-dsa-backend';
import { signedMessage } from './signed-message';

/**
 * Ed25519 (node:crypto) and ML-DSA-65 (the given backend, liboqs in production), both over
 * `signedMessage(purpose, payload)`. Synchronous once built: the backend was loaded beforehand.
 */
export class HybridSigner {
  readonly #secretKey: HybridSecretKey;
  readonly #mlDsa: MlDsaBackend;
  readonly #ed25519: KeyObject;
  readonly #mlDsaSecretKey: Uint8Array;

  constructor(secretKey: HybridSecretKey, mlDsa: MlDsaBackend) {
    requireMlDsa65(mlDsa);
    this.#secretKey = secretKey;
    this.#mlDsa = mlDsa;
    this.#ed25519 = createPrivateKey({
      key: bufferView(secretKey.ed25519.exposeBytes()),
      format: 'raw-private',
      asymmetricKeyType: 'ed25519',
    });
    this.#mlDsaSecretKey = secretKey.mlDsa.exposeBytes();
  }

  get keyId(): string {
    return this.#secretKey.keyId;
  }

  get publicKey(): HybridPublicKey {
    return this.#secretKey.publicKey;
  }

  /** Signs `payload` for `purpose` (validated: see `validatePurpose`). */
  sign(purpose: string, payload: Uint8Array): HybridSignature {
    const message = signedMessage(purpose, payload);
    return {
      keyId: this.#secretKey.keyId,
      ed25519: sign(null, message, this.#ed25519),
      mlDsa: bufferView(this.#mlDsa.sign(message, this.#mlDsaSecretKey)),
    };
  }
}
