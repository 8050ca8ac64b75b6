// Binary forms of hybrid public keys, secret keys and signatures (protobuf, omega.v1 contract).
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import {
  HybridPublicKey,
  HybridSecretKey as HybridSecretKeyMessage,
  HybridSignature,
} from '@omega/proto';
import { HybridSecretKey } from './hybrid-secret-key';
import { checkKeyId } from './key-id';
import { SecretKey } from './secret-key';

/** omega.v1.HybridPublicKey. */
export function encodeHybridPublicKey(publicKey: HybridPublicKey): Uint8Array {
  return HybridPublicKey.encode(publicKey).finish();
}

/** Throws InvalidArgument unless `bytes` is a HybridPublicKey whose key id matches its keys. */
export function decodeHybridPublicKey(bytes: Uint8Array): HybridPublicKey {
  const publicKey = decode('hybrid public key', () => HybridPublicKey.decode(bytes));
  checkKeyId(publicKey);
  return publicKey;
}

/** omega.v1.HybridSignature. */
export function encodeHybridSignature(signature: HybridSignature): Uint8Array {
  return HybridSignature.encode(signature).finish();
}

/**
 * Throws InvalidArgument unless `bytes` is a HybridSignature message. Part lengths are left to
 * `HybridVerifier.verify`, which reports them with the signer and purpose.
 */
export function decodeHybridSignature(bytes: Uint8Array): HybridSignature {
  return decode('hybrid signature', () => HybridSignature.decode(bytes));
}

/**
 * omega.v1.HybridSecretKey: the public key (with its key id), the 32-byte Ed25519 seed and the
 * 4032-byte ML-DSA-65 secret key. The result is secret: seal it (trust keeps it in a Kubernetes
 * Secret or a 0600 file).
 */
export function encodeHybridSecretKey(secretKey: HybridSecretKey): Uint8Array {
  return HybridSecretKeyMessage.encode({
    publicKey: secretKey.publicKey,
    ed25519Seed: bufferView(secretKey.ed25519.exposeBytes()),
    mlDsa: bufferView(secretKey.mlDsa.exposeBytes()),
  }).finish();
}

/** Throws InvalidArgument unless `bytes` holds a secret key whose halves and key id all match. */
export function decodeHybridSecretKey(bytes: Uint8Array): HybridSecretKey {
  const fields = decode('hybrid secret key', () => HybridSecretKeyMessage.decode(bytes));
  if (fields.publicKey === undefined) {
    throw new OmegaError(
      Code.InvalidArgument,
      'hybrid secret key: public_key (field 1) is missing',
    );
  }
  // Copies of our own, so the caller may wipe its buffer without breaking the key; the decoder's
  // copies may sit in Node's shared Buffer pool, so they are wiped once copied.
  const ed25519 = Uint8Array.from(fields.ed25519Seed);
  const mlDsa = Uint8Array.from(fields.mlDsa);
  fields.ed25519Seed.fill(0);
  fields.mlDsa.fill(0);
  return new HybridSecretKey(
    fields.publicKey,
    new SecretKey('ed25519', ed25519),
    new SecretKey('ml-dsa-65', mlDsa),
  );
}

/** A Buffer over the same memory (no copy of the secret), as the generated encoder's type asks. */
function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decode<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: malformed protobuf: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
}
