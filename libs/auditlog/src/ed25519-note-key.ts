// Ed25519 note keys (signed-note type 0x01), signing and verifying with node:crypto.
import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { Code, OmegaError } from '@omega/errors';
import { noteKeyHash, type NoteSigner, type NoteVerifier } from './signed-note';

/** signed-note's assigned signature type byte for Ed25519. */
export const ED25519_NOTE_TYPE: Uint8Array = Uint8Array.of(0x01);
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

// DER prefixes that wrap a raw RFC 8032 key as SPKI / PKCS#8 for node:crypto.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function publicKeyObject(publicKey: Uint8Array | KeyObject): KeyObject {
  if (!(publicKey instanceof Uint8Array)) {
    if (publicKey.asymmetricKeyType !== 'ed25519' || publicKey.type !== 'public') {
      throw new OmegaError(Code.InvalidArgument, 'ed25519 note key: not an Ed25519 public key');
    }
    return publicKey;
  }
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `ed25519 note key: public key is ${publicKey.length} bytes, want ${ED25519_PUBLIC_KEY_SIZE}`,
    );
  }
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
}

/** The 32-byte RFC 8032 encoding of an Ed25519 public key. */
export function ed25519RawPublicKey(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return Uint8Array.from(spki.subarray(SPKI_PREFIX.length));
}

/** The 32-byte public key of an RFC 8032 seed. */
export function ed25519PublicKeyOfSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) {
    throw new OmegaError(
      Code.InvalidArgument,
      `ed25519 key: seed is ${seed.length} bytes, want 32`,
    );
  }
  return ed25519RawPublicKey(
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  );
}

/**
 * A note signer for an Ed25519 private key: a KeyObject, or the 32-byte RFC 8032 seed. The key is
 * made by the caller (this lib has no randomness); generateKeyPairSync('ed25519') will do.
 */
export function ed25519NoteSigner(name: string, privateKey: KeyObject | Uint8Array): NoteSigner {
  let key: KeyObject;
  if (privateKey instanceof Uint8Array) {
    if (privateKey.length !== 32) {
      throw new OmegaError(
        Code.InvalidArgument,
        `ed25519 note key: seed is ${privateKey.length} bytes, want 32`,
      );
    }
    key = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, privateKey]),
      format: 'der',
      type: 'pkcs8',
    });
  } else {
    key = privateKey;
  }
  if (key.asymmetricKeyType !== 'ed25519' || key.type !== 'private') {
    throw new OmegaError(Code.InvalidArgument, 'ed25519 note key: not an Ed25519 private key');
  }
  return {
    name,
    keyHash: noteKeyHash(name, ED25519_NOTE_TYPE, ed25519RawPublicKey(key)),
    algorithm: 'ed25519',
    sign: (message) => Uint8Array.from(cryptoSign(null, message, key)),
  };
}

/** A note verifier for an Ed25519 public key (raw 32 bytes or a KeyObject). */
export function ed25519NoteVerifier(name: string, publicKey: Uint8Array | KeyObject): NoteVerifier {
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyHash: noteKeyHash(name, ED25519_NOTE_TYPE, ed25519RawPublicKey(key)),
    algorithm: 'ed25519',
    verify: (message, signature) =>
      signature.length === ED25519_SIGNATURE_SIZE && cryptoVerify(null, message, key, signature),
  };
}
