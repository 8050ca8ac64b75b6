// Binary forms of hybrid public keys, secret keys and signatures (protobuf, omega.v1 contract).
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { HybridPublicKey, HybridSignature } from '@omega/proto';
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
 * The secret key in the wire format of a message the contract does not have yet (it would sit
 * beside HybridPublicKey in omega/v1/trust.proto):
 *
 *   message HybridSecretKey {
 *     HybridPublicKey public_key = 1;  // with its key_id
 *     bytes ed25519_seed = 2;          // 32-byte RFC 8032 private key
 *     bytes ml_dsa = 3;                // 4032-byte ML-DSA-65 secret key (FIPS 204 skEncode)
 *   }
 *
 * The result is secret: seal it (trust keeps it in a Kubernetes Secret or a 0600 file).
 */
export function encodeHybridSecretKey(secretKey: HybridSecretKey): Uint8Array {
  const writer = new BinaryWriter();
  HybridPublicKey.encode(
    secretKey.publicKey,
    writer.uint32(tag(1, WireType.LengthDelimited)).fork(),
  );
  writer.join();
  writer.uint32(tag(2, WireType.LengthDelimited)).bytes(secretKey.ed25519.exposeBytes());
  writer.uint32(tag(3, WireType.LengthDelimited)).bytes(secretKey.mlDsa.exposeBytes());
  return writer.finish();
}

/** Throws InvalidArgument unless `bytes` holds a secret key whose halves and key id all match. */
export function decodeHybridSecretKey(bytes: Uint8Array): HybridSecretKey {
  const fields = decode('hybrid secret key', () => {
    const reader = new BinaryReader(bytes);
    let publicKey: HybridPublicKey | undefined;
    let ed25519: Uint8Array = new Uint8Array(0);
    let mlDsa: Uint8Array = new Uint8Array(0);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1 && wireType === WireType.LengthDelimited) {
        publicKey = HybridPublicKey.decode(reader, reader.uint32());
      } else if (field === 2 && wireType === WireType.LengthDelimited) {
        ed25519 = reader.bytes();
      } else if (field === 3 && wireType === WireType.LengthDelimited) {
        mlDsa = reader.bytes();
      } else {
        reader.skip(wireType, field);
      }
    }
    return { publicKey, ed25519, mlDsa };
  });
  if (fields.publicKey === undefined) {
    throw new OmegaError(
      Code.InvalidArgument,
      'hybrid secret key: public_key (field 1) is missing',
    );
  }
  return new HybridSecretKey(
    fields.publicKey,
    // Copies, so the caller may wipe its buffer without breaking the key.
    new SecretKey('ed25519', Uint8Array.from(fields.ed25519)),
    new SecretKey('ml-dsa-65', Uint8Array.from(fields.mlDsa)),
  );
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

function tag(field: number, wireType: WireType): number {
  return (field << 3) | wireType;
}
