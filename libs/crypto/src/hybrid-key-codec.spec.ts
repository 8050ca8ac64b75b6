import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { HybridPublicKey as HybridPublicKeyMessage, type HybridPublicKey } from '@omega/proto';
import { Code } from '@omega/runtime';
import {
  decodeHybridPublicKey,
  decodeHybridSecretKey,
  decodeHybridSignature,
  encodeHybridPublicKey,
  encodeHybridSecretKey,
  encodeHybridSignature,
} from './hybrid-key-codec';
import { generateHybridSecretKey, HybridSecretKey } from './hybrid-secret-key';
import { HybridSigner } from './hybrid-signer';
import { HybridVerifier } from './hybrid-verifier';
import type { MlDsaBackend } from './ml-dsa-backend';
import { loadMlDsaBackend } from './ml-dsa-backends';
import { SecretKey } from './secret-key';

const protoRoot = join(__dirname, '..', '..', '..', 'proto');

/** The contract read by protobufjs (a second protobuf implementation). */
function contract(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync(['omega/v1/trust.proto'], { keepCase: false });
  return root;
}

/**
 * The hand-written encoder this codec used before omega.v1.HybridSecretKey was in the contract:
 * keys sealed with it must keep decoding, and new encodings must be the same bytes.
 */
function legacyEncodeHybridSecretKey(secretKey: HybridSecretKey): Uint8Array {
  const writer = new BinaryWriter();
  HybridPublicKeyMessage.encode(secretKey.publicKey, writer.uint32((1 << 3) | 2).fork());
  writer.join();
  writer.uint32((2 << 3) | 2).bytes(secretKey.ed25519.exposeBytes());
  writer.uint32((3 << 3) | 2).bytes(secretKey.mlDsa.exposeBytes());
  return writer.finish();
}

describe('hybrid key codec', () => {
  let mlDsa: MlDsaBackend;
  let secretKey: HybridSecretKey;
  let other: HybridSecretKey;
  let root: protobuf.Root;

  beforeAll(async () => {
    mlDsa = await loadMlDsaBackend();
    secretKey = generateHybridSecretKey(mlDsa);
    other = generateHybridSecretKey(mlDsa);
    root = contract();
  });

  it('encodes a public key as omega.v1.HybridPublicKey, as protobufjs reads the contract', () => {
    const decoded = root
      .lookupType('omega.v1.HybridPublicKey')
      .decode(encodeHybridPublicKey(secretKey.publicKey)) as unknown as {
      keyId: string;
      ed25519: Uint8Array;
      mlDsa: Uint8Array;
    };
    expect(decoded.keyId).toBe(secretKey.keyId);
    expect(Buffer.from(decoded.ed25519)).toEqual(Buffer.from(secretKey.publicKey.ed25519));
    expect(Buffer.from(decoded.mlDsa)).toEqual(Buffer.from(secretKey.publicKey.mlDsa));
  });

  it('round-trips a public key, keeping its validity fields', () => {
    const withValidity = { ...secretKey.publicKey, notBeforeTimeNs: 1n, notAfterTimeNs: 2n ** 63n };
    expect(decodeHybridPublicKey(encodeHybridPublicKey(withValidity))).toEqual(withValidity);
  });

  it('rejects a public key whose key id is not its keys’ hash', () => {
    const lying = encodeHybridPublicKey({ ...secretKey.publicKey, keyId: other.keyId });
    expect(() => decodeHybridPublicKey(lying)).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        message: `hybrid public key: key id ${other.keyId} is not the one its keys give (${secretKey.keyId})`,
      }),
    );
  });

  it('rejects a public key with a truncated ML-DSA-65 key', () => {
    const truncated = encodeHybridPublicKey({
      ...secretKey.publicKey,
      mlDsa: secretKey.publicKey.mlDsa.subarray(0, 1951),
    });
    expect(() => decodeHybridPublicKey(truncated)).toThrow(
      'hybrid public key: ml-dsa-65 key must be 1952 bytes, got 1951',
    );
  });

  it('rejects bytes that are not protobuf', () => {
    expect(() => decodeHybridPublicKey(Buffer.from([0x0a, 0xff, 0xff]))).toThrow(
      /^hybrid public key: malformed protobuf: /,
    );
  });

  it('encodes a signature as omega.v1.HybridSignature and round-trips it', () => {
    const signature = new HybridSigner(secretKey, mlDsa).sign('token', new Uint8Array([1]));
    const bytes = encodeHybridSignature(signature);
    const decoded = root.lookupType('omega.v1.HybridSignature').decode(bytes) as unknown as {
      keyId: string;
      ed25519: Uint8Array;
      mlDsa: Uint8Array;
    };
    expect(decoded.keyId).toBe(secretKey.keyId);
    expect(Buffer.from(decoded.mlDsa)).toEqual(signature.mlDsa);
    expect(decodeHybridSignature(bytes)).toEqual(signature);
  });

  it('leaves a truncated signature for the verifier to reject with its length', () => {
    const signature = new HybridSigner(secretKey, mlDsa).sign('token', new Uint8Array([1]));
    const truncated = decodeHybridSignature(
      encodeHybridSignature({ ...signature, ed25519: signature.ed25519.subarray(0, 32) }),
    );
    expect(() =>
      new HybridVerifier(mlDsa).verify(
        secretKey.publicKey,
        'token',
        new Uint8Array([1]),
        truncated,
      ),
    ).toThrow('ed25519 signature must be 64 bytes, got 32');
  });

  it('encodes a secret key byte for byte as the hand-written encoder it replaced did', () => {
    const legacy = legacyEncodeHybridSecretKey(secretKey);
    expect(Buffer.from(encodeHybridSecretKey(secretKey))).toEqual(Buffer.from(legacy));
    expect(decodeHybridSecretKey(legacy).keyId).toBe(secretKey.keyId);
  });

  it('encodes a secret key as omega.v1.HybridSecretKey, as protobufjs reads the contract', () => {
    const decoded = root
      .lookupType('omega.v1.HybridSecretKey')
      .decode(encodeHybridSecretKey(secretKey)) as unknown as {
      publicKey: { keyId: string };
      ed25519Seed: Uint8Array;
      mlDsa: Uint8Array;
    };
    expect(decoded.publicKey.keyId).toBe(secretKey.keyId);
    expect(Buffer.from(decoded.ed25519Seed)).toEqual(Buffer.from(secretKey.ed25519.exposeBytes()));
    expect(Buffer.from(decoded.mlDsa)).toEqual(Buffer.from(secretKey.mlDsa.exposeBytes()));
  });

  it('round-trips a secret key into one that signs for the same public key', () => {
    const bytes = encodeHybridSecretKey(secretKey);
    const restored = decodeHybridSecretKey(bytes);
    bytes.fill(0);
    expect(restored.keyId).toBe(secretKey.keyId);
    const signature = new HybridSigner(restored, mlDsa).sign('credential', new Uint8Array([7]));
    expect(() =>
      new HybridVerifier(mlDsa).verify(
        secretKey.publicKey,
        'credential',
        new Uint8Array([7]),
        signature,
      ),
    ).not.toThrow();
  });

  it('skips unknown fields in a secret key, as protobuf readers must', () => {
    const message = root.lookupType('omega.v1.HybridSecretKey');
    const withUnknown = Buffer.concat([
      Buffer.from([0x22, 0x02, 0x68, 0x69]), // field 4, "hi"
      encodeHybridSecretKey(secretKey),
    ]);
    expect(message.decode(withUnknown)).toBeDefined();
    expect(decodeHybridSecretKey(withUnknown).keyId).toBe(secretKey.keyId);
  });

  /** A HybridSecretKey message built by protobufjs, so the codec's own encoder cannot refuse it. */
  function secretKeyMessage(fields: {
    publicKey: HybridPublicKey;
    ed25519Seed: Uint8Array;
    mlDsa: Uint8Array;
  }): Uint8Array {
    const type = root.lookupType('omega.v1.HybridSecretKey');
    return type.encode(type.fromObject(fields)).finish();
  }

  it.each([
    [
      'an ML-DSA-65 secret key of another key pair',
      () => ({ mlDsa: other.mlDsa.exposeBytes() }),
      () => 'hybrid secret key: ml-dsa-65 secret key does not belong to the ml-dsa-65 public key',
    ],
    [
      'an Ed25519 seed of another key pair',
      () => ({ ed25519Seed: other.ed25519.exposeBytes() }),
      () => 'hybrid secret key: ed25519 secret key does not belong to the ed25519 public key',
    ],
    [
      'a truncated ML-DSA-65 secret key',
      () => ({ mlDsa: secretKey.mlDsa.exposeBytes().subarray(0, 4000) }),
      () => 'hybrid secret key: ml-dsa-65 secret key must be 4032 bytes, got 4000',
    ],
    [
      'a 33-byte Ed25519 seed',
      () => ({ ed25519Seed: new Uint8Array(33) }),
      () => 'hybrid secret key: ed25519 secret key must be 32 bytes, got 33',
    ],
    [
      'a public key naming another key id',
      () => ({ publicKey: { ...secretKey.publicKey, keyId: other.keyId } }),
      () =>
        `hybrid public key: key id ${other.keyId} is not the one its keys give (${secretKey.keyId})`,
    ],
  ])('refuses a secret key with %s', (_what, change, message) => {
    const bytes = secretKeyMessage({
      publicKey: secretKey.publicKey,
      ed25519Seed: secretKey.ed25519.exposeBytes(),
      mlDsa: secretKey.mlDsa.exposeBytes(),
      ...change(),
    });
    expect(() => decodeHybridSecretKey(bytes)).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        message: message(),
      }),
    );
  });

  it('refuses to build a secret key whose halves do not belong together', () => {
    expect(
      () => new HybridSecretKey(secretKey.publicKey, copy(other.ed25519), copy(secretKey.mlDsa)),
    ).toThrow('hybrid secret key: ed25519 secret key does not belong to the ed25519 public key');
  });

  it('refuses a secret key without its public key', () => {
    expect(() => decodeHybridSecretKey(Buffer.from([0x12, 0x01, 0x00]))).toThrow(
      'hybrid secret key: public_key (field 1) is missing',
    );
  });
});

function copy(secret: SecretKey): SecretKey {
  return new SecretKey(secret.algorithm, Uint8Array.from(secret.exposeBytes()));
}
