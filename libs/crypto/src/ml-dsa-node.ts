// ML-DSA through node:crypto (OpenSSL 3.5): the third implementation the cross-checks include.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { Code, OmegaError } from '@omega/runtime';
import { bufferView } from './bytes';
import {
  MlDsaChecks,
  type MlDsaBackend,
  type MlDsaKeyPair,
  type MlDsaParameterSet,
} from './ml-dsa-backend';
import { expandedKeyPkcs8 } from './pkcs8';

type NodeMlDsaType = 'ml-dsa-44' | 'ml-dsa-65';

/**
 * Keys cross the interface as raw FIPS 204 encodings: public keys as `raw-public`, secret keys as
 * PKCS#8 `expandedKey` (OpenSSL keeps a seed when it has one, and exports it inside `both`). The
 * KeyObjects are cached per key array, so a signer or verifier reusing one array parses it once.
 */
export class NodeMlDsa implements MlDsaBackend {
  readonly name = 'node';
  readonly supportsContext = true;
  readonly supportsSeed = true;
  readonly #checks: MlDsaChecks;
  readonly #type: NodeMlDsaType;
  readonly #publicKeys = new WeakMap<Uint8Array, KeyObject>();
  readonly #secretKeys = new WeakMap<Uint8Array, KeyObject>();

  constructor(readonly parameterSet: MlDsaParameterSet) {
    this.#checks = new MlDsaChecks(parameterSet);
    this.#type = parameterSet === 'ML-DSA-44' ? 'ml-dsa-44' : 'ml-dsa-65';
  }

  static async load(parameterSet: MlDsaParameterSet): Promise<NodeMlDsa> {
    return new NodeMlDsa(parameterSet);
  }

  generateKeyPair(): MlDsaKeyPair {
    return this.#keyPair(generateKeyPairSync(this.#type).privateKey);
  }

  keyPairFromSeed(seed: Uint8Array): MlDsaKeyPair {
    this.#checks.seed(seed);
    const key = createPrivateKey({
      key: bufferView(seed),
      format: 'raw-seed',
      asymmetricKeyType: this.#type,
    });
    return this.#keyPair(key);
  }

  sign(message: Uint8Array, secretKey: Uint8Array, context?: Uint8Array): Uint8Array {
    this.#checks.secretKey(secretKey);
    this.#checks.context(context);
    const key = this.#secretKey(secretKey);
    return sign(null, message, context === undefined ? key : { key, context });
  }

  verify(
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
    context?: Uint8Array,
  ): boolean {
    this.#checks.publicKey(publicKey);
    if (!this.#checks.verifiable(signature, context)) return false;
    const key = this.#publicKey(publicKey);
    return verify(null, message, context === undefined ? key : { key, context }, signature);
  }

  #keyPair(privateKey: KeyObject): MlDsaKeyPair {
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    return {
      publicKey: createPublicKey(privateKey).export({ format: 'raw-public' }),
      // The `both` form ends with the expanded key.
      secretKey: pkcs8.subarray(pkcs8.byteLength - this.#checks.sizes.secretKey),
    };
  }

  #publicKey(publicKey: Uint8Array): KeyObject {
    let key = this.#publicKeys.get(publicKey);
    if (key === undefined) {
      try {
        key = createPublicKey({
          key: bufferView(publicKey),
          format: 'raw-public',
          asymmetricKeyType: this.#type,
        });
      } catch (err) {
        throw OmegaError.wrap(err, `${this.#checks.label} public key`, Code.InvalidArgument);
      }
      this.#publicKeys.set(publicKey, key);
    }
    return key;
  }

  #secretKey(secretKey: Uint8Array): KeyObject {
    let key = this.#secretKeys.get(secretKey);
    if (key === undefined) {
      try {
        key = createPrivateKey({
          key: expandedKeyPkcs8(this.#type, secretKey),
          format: 'der',
          type: 'pkcs8',
        });
      } catch (err) {
        throw OmegaError.wrap(err, `${this.#checks.label} secret key`, Code.InvalidArgument);
      }
      this.#secretKeys.set(secretKey, key);
    }
    return key;
  }
}
