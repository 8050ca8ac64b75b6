// Public entry of @omega/crypto: hybrid Ed25519 + ML-DSA-65 signatures, ML-KEM-768, key ids and
// key serialisation, over liboqs with noble and node:crypto as independent second implementations.
export { SecretKey, REDACTED } from './secret-key';
export {
  SIGNED_MESSAGE_PREFIX,
  SignaturePurpose,
  signedMessage,
  validatePurpose,
} from './signed-message';
export { hybridKeyId, KEY_ID_PATTERN } from './key-id';
export { HybridSecretKey, generateHybridSecretKey } from './hybrid-secret-key';
export { HybridSigner } from './hybrid-signer';
export {
  HybridVerifier,
  ED25519_SIGNATURE_BYTES,
  ML_DSA_65_SIGNATURE_BYTES,
  type HybridVerifierOptions,
} from './hybrid-verifier';
export {
  encodeHybridPublicKey,
  decodeHybridPublicKey,
  encodeHybridSignature,
  decodeHybridSignature,
  encodeHybridSecretKey,
  decodeHybridSecretKey,
} from './hybrid-key-codec';
export {
  TextLabel,
  publicKeyToText,
  publicKeyFromText,
  secretKeyToText,
  secretKeyFromText,
  signatureToText,
  signatureFromText,
} from './key-text';
export {
  ML_DSA_SIZES,
  type CryptoBackendName,
  type MlDsaBackend,
  type MlDsaKeyPair,
  type MlDsaParameterSet,
  type MlDsaSizes,
} from './ml-dsa-backend';
export { CRYPTO_BACKENDS, loadMlDsaBackend } from './ml-dsa-backends';
export {
  ML_KEM_768_SIZES,
  type MlKemBackend,
  type MlKemEncapsulation,
  type MlKemKeyPair,
} from './ml-kem-backend';
export { loadMlKemBackend } from './ml-kem-backends';
export { MlKem768, type MlKem768Encapsulation, type MlKem768KeyPair } from './ml-kem';
export { MlDsaSignThread } from './ml-dsa-sign-thread';
