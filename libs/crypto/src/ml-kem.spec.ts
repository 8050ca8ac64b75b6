import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Code } from '@omega/runtime';
import type { CryptoBackendName } from './ml-dsa-backend';
import { CRYPTO_BACKENDS } from './ml-dsa-backends';
import { ML_KEM_768_SIZES, type MlKemBackend } from './ml-kem-backend';
import { loadMlKemBackend } from './ml-kem-backends';
import { MlKem768 } from './ml-kem';

const triples = CRYPTO_BACKENDS.flatMap((a) =>
  CRYPTO_BACKENDS.flatMap((b) => CRYPTO_BACKENDS.map((c) => [a, b, c] as const)),
);

describe('ML-KEM-768 backends', () => {
  const backends = {} as Record<CryptoBackendName, MlKemBackend>;

  beforeAll(async () => {
    for (const name of CRYPTO_BACKENDS) backends[name] = await loadMlKemBackend(name);
  });

  it.each(triples)(
    'keys from %s, encapsulated by %s, decapsulated by %s: one shared secret',
    (keysBy, encapsulateBy, decapsulateBy) => {
      const { publicKey, secretKey } = backends[keysBy].generateKeyPair();
      expect(publicKey).toHaveLength(ML_KEM_768_SIZES.publicKey);
      expect(secretKey).toHaveLength(ML_KEM_768_SIZES.secretKey);
      const { ciphertext, sharedSecret } = backends[encapsulateBy].encapsulate(publicKey);
      expect(ciphertext).toHaveLength(ML_KEM_768_SIZES.ciphertext);
      expect(Buffer.from(backends[decapsulateBy].decapsulate(ciphertext, secretKey))).toEqual(
        Buffer.from(sharedSecret),
      );
    },
  );

  it('rejects a tampered ciphertext implicitly, with the same rejection key in every backend', () => {
    const { publicKey, secretKey } = backends.liboqs.generateKeyPair();
    const { ciphertext, sharedSecret } = backends.liboqs.encapsulate(publicKey);
    const tampered = Buffer.from(ciphertext);
    tampered.writeUInt8(tampered.readUInt8(100) ^ 0x01, 100);
    const rejections = CRYPTO_BACKENDS.map((name) =>
      Buffer.from(backends[name].decapsulate(tampered, secretKey)).toString('hex'),
    );
    expect(new Set(rejections).size).toBe(1);
    expect(rejections[0]).not.toBe(Buffer.from(sharedSecret).toString('hex'));
  });

  it('derives the same key pair from a seed in noble and node; liboqs says it cannot', () => {
    const seed = randomBytes(64);
    const fromNoble = backends.noble.keyPairFromSeed(seed);
    const fromNode = backends.node.keyPairFromSeed(seed);
    expect(Buffer.from(fromNode.publicKey)).toEqual(Buffer.from(fromNoble.publicKey));
    expect(Buffer.from(fromNode.secretKey)).toEqual(Buffer.from(fromNoble.secretKey));
    expect(() => backends.liboqs.keyPairFromSeed(seed)).toThrow(
      expect.objectContaining({ code: Code.Unimplemented }),
    );
  });

  describe.each(CRYPTO_BACKENDS)('%s', (name) => {
    it('rejects an encapsulation key with an unreduced coefficient', () => {
      const { publicKey } = backends.noble.generateKeyPair();
      const unreduced = Buffer.from(publicKey);
      // The first 12-bit coefficient set to 4095 >= q = 3329.
      unreduced.writeUInt8(0xff, 0);
      unreduced.writeUInt8(unreduced.readUInt8(1) | 0x0f, 1);
      expect(() => backends[name].encapsulate(unreduced)).toThrow(
        expect.objectContaining({
          code: Code.InvalidArgument,
          message: expect.stringMatching(
            new RegExp(`^ml-kem-768 encapsulation key rejected by ${name} \\(coefficients`),
          ),
        }),
      );
    });

    it('rejects keys and ciphertexts of the wrong length', () => {
      const { publicKey, secretKey } = backends[name].generateKeyPair();
      const { ciphertext } = backends[name].encapsulate(publicKey);
      expect(() => backends[name].encapsulate(publicKey.subarray(1))).toThrow(
        'ml-kem-768 encapsulation key must be 1184 bytes, got 1183',
      );
      expect(() => backends[name].decapsulate(ciphertext.subarray(1), secretKey)).toThrow(
        'ml-kem-768 ciphertext must be 1088 bytes, got 1087',
      );
      expect(() => backends[name].decapsulate(ciphertext, secretKey.subarray(1))).toThrow(
        'ml-kem-768 decapsulation key must be 2400 bytes, got 2399',
      );
    });
  });
});

describe('MlKem768', () => {
  it('establishes one shared secret through liboqs by default, every secret redacted', async () => {
    const kem = await MlKem768.load();
    expect(kem.backend.name).toBe('liboqs');
    const { publicKey, secretKey } = kem.generateKeyPair();
    const { ciphertext, sharedSecret } = kem.encapsulate(publicKey);
    const received = kem.decapsulate(ciphertext, secretKey);
    expect(Buffer.from(received.exposeBytes())).toEqual(Buffer.from(sharedSecret.exposeBytes()));
    expect(received.byteLength).toBe(32);
    expect(inspect({ secretKey, sharedSecret, received })).not.toMatch(/Uint8Array|[0-9a-f]{16}/);
    expect(JSON.stringify({ secretKey, sharedSecret })).toBe(
      '{"secretKey":"[redacted]","sharedSecret":"[redacted]"}',
    );
  });

  it('interoperates with a noble peer', async () => {
    const [liboqs, noble] = await Promise.all([MlKem768.load('liboqs'), MlKem768.load('noble')]);
    const { publicKey, secretKey } = noble.generateKeyPair();
    const { ciphertext, sharedSecret } = liboqs.encapsulate(publicKey);
    expect(Buffer.from(noble.decapsulate(ciphertext, secretKey).exposeBytes())).toEqual(
      Buffer.from(sharedSecret.exposeBytes()),
    );
  });
});
