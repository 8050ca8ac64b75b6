// ML-KEM-768 through node:crypto (OpenSSL 3.5): the third implementation the cross-checks include.
import {
  createPrivateKey,
  createPublicKey,
  decapsulate,
  encapsulate,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { Code, OmegaError } from '@omega/runtime';
import { bufferView } from './bytes';
import {
  ML_KEM_768_SIZES,
  mlKemChecks,
  type MlKemBackend,
  type MlKemEncapsulation,
  type MlKemKeyPair,
} from './ml-kem-backend';
import { expandedKeyPkcs8 } from './pkcs8';

/** Keys cross the interface as raw FIPS 203 encodings (`raw-public`, PKCS#8 `expandedKey`). */
export class NodeMlKem implements MlKemBackend {
  readonly name = 'node';
  readonly supportsSeed = true;

  static async load(): Promise<NodeMlKem> {
    return new NodeMlKem();
  }

  generateKeyPair(): MlKemKeyPair {
    return keyPair(generateKeyPairSync('ml-kem-768').privateKey);
  }

  keyPairFromSeed(seed: Uint8Array): MlKemKeyPair {
    mlKemChecks.seed(seed);
    return keyPair(
      createPrivateKey({
        key: bufferView(seed),
        format: 'raw-seed',
        asymmetricKeyType: 'ml-kem-768',
      }),
    );
  }

  encapsulate(publicKey: Uint8Array): MlKemEncapsulation {
    mlKemChecks.publicKey(publicKey);
    let key: KeyObject;
    try {
      // OpenSSL applies the FIPS 203 modulus check when it imports the key.
      key = createPublicKey({
        key: bufferView(publicKey),
        format: 'raw-public',
        asymmetricKeyType: 'ml-kem-768',
      });
    } catch (err) {
      throw mlKemChecks.invalidPublicKey(this.name, err);
    }
    const { sharedKey, ciphertext } = encapsulate(key);
    return { ciphertext, sharedSecret: sharedKey };
  }

  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
    mlKemChecks.ciphertext(ciphertext);
    mlKemChecks.secretKey(secretKey);
    let key: KeyObject;
    try {
      key = createPrivateKey({
        key: expandedKeyPkcs8('ml-kem-768', secretKey),
        format: 'der',
        type: 'pkcs8',
      });
    } catch (err) {
      throw OmegaError.wrap(err, 'ml-kem-768 decapsulation key', Code.InvalidArgument);
    }
    return decapsulate(key, ciphertext);
  }
}

function keyPair(privateKey: KeyObject): MlKemKeyPair {
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    publicKey: createPublicKey(privateKey).export({ format: 'raw-public' }),
    // The `both` form ends with the expanded decapsulation key.
    secretKey: pkcs8.subarray(pkcs8.byteLength - ML_KEM_768_SIZES.secretKey),
  };
}
