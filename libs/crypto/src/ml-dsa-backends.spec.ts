import { randomBytes } from 'node:crypto';
import { Code } from '@omega/runtime';
import type { CryptoBackendName, MlDsaBackend, MlDsaParameterSet } from './ml-dsa-backend';
import { CRYPTO_BACKENDS, loadMlDsaBackend } from './ml-dsa-backends';

const message = new TextEncoder().encode('one message, three implementations');
const context = new TextEncoder().encode('omega-test');

/** Every (a, b, c) triple of backend names. */
const triples = CRYPTO_BACKENDS.flatMap((a) =>
  CRYPTO_BACKENDS.flatMap((b) => CRYPTO_BACKENDS.map((c) => [a, b, c] as const)),
);

describe.each<MlDsaParameterSet>(['ML-DSA-65', 'ML-DSA-44'])('%s backends', (parameterSet) => {
  const backends = {} as Record<CryptoBackendName, MlDsaBackend>;

  beforeAll(async () => {
    for (const name of CRYPTO_BACKENDS) backends[name] = await loadMlDsaBackend(name, parameterSet);
  });

  it.each(triples)(
    'keys from %s, signed by %s, verified by %s (empty context)',
    (keysBy, signBy, verifyBy) => {
      const { publicKey, secretKey } = backends[keysBy].generateKeyPair();
      const signature = backends[signBy].sign(message, secretKey);
      expect(backends[verifyBy].verify(message, signature, publicKey)).toBe(true);
      expect(backends[verifyBy].verify(message.subarray(1), signature, publicKey)).toBe(false);
    },
  );

  it.each([
    ['noble', 'node'],
    ['node', 'noble'],
  ] as const)('signs with a context string in %s and verifies it in %s', (signBy, verifyBy) => {
    const { publicKey, secretKey } = backends.liboqs.generateKeyPair();
    const signature = backends[signBy].sign(message, secretKey, context);
    expect(backends[verifyBy].verify(message, signature, publicKey, context)).toBe(true);
    expect(backends[verifyBy].verify(message, signature, publicKey)).toBe(false);
    expect(backends.liboqs.verify(message, signature, publicKey)).toBe(false);
  });

  it('says liboqs-js has no context string rather than ignoring one', () => {
    const { publicKey, secretKey } = backends.liboqs.generateKeyPair();
    const signature = backends.liboqs.sign(message, secretKey);
    expect(() => backends.liboqs.verify(message, signature, publicKey, context)).toThrow(
      expect.objectContaining({
        code: Code.Unimplemented,
        message: `${parameterSet.toLowerCase()} via liboqs: liboqs-js has no context string`,
      }),
    );
    expect(() => backends.liboqs.sign(message, secretKey, context)).toThrow(/no context string/);
    // The empty context is the one liboqs uses, so it is accepted.
    expect(backends.liboqs.verify(message, signature, publicKey, new Uint8Array(0))).toBe(true);
  });

  it('derives the same key pair from a seed in noble and node; liboqs says it cannot', () => {
    const seed = randomBytes(32);
    const fromNoble = backends.noble.keyPairFromSeed(seed);
    const fromNode = backends.node.keyPairFromSeed(seed);
    expect(Buffer.from(fromNode.publicKey)).toEqual(Buffer.from(fromNoble.publicKey));
    expect(Buffer.from(fromNode.secretKey)).toEqual(Buffer.from(fromNoble.secretKey));
    expect(() => backends.liboqs.keyPairFromSeed(seed)).toThrow(
      expect.objectContaining({ code: Code.Unimplemented }),
    );
  });

  describe.each(CRYPTO_BACKENDS)('%s', (name) => {
    it('answers false for a signature of the wrong length or an over-long context', () => {
      const backend = backends[name];
      const { publicKey, secretKey } = backend.generateKeyPair();
      const signature = backends.noble.sign(message, secretKey);
      expect(backend.verify(message, signature.subarray(1), publicKey)).toBe(false);
      expect(backend.verify(message, Buffer.concat([signature, Buffer.alloc(1)]), publicKey)).toBe(
        false,
      );
      if (backend.supportsContext) {
        expect(backend.verify(message, signature, publicKey, new Uint8Array(256))).toBe(false);
      }
    });

    it('rejects keys of the wrong length with InvalidArgument', () => {
      const backend = backends[name];
      const { publicKey, secretKey } = backend.generateKeyPair();
      const label = parameterSet.toLowerCase();
      const signature = backend.sign(message, secretKey);
      expect(() => backend.verify(message, signature, publicKey.subarray(1))).toThrow(
        expect.objectContaining({
          code: Code.InvalidArgument,
          message: `${label} public key must be ${publicKey.length} bytes, got ${publicKey.length - 1}`,
        }),
      );
      expect(() => backend.sign(message, secretKey.subarray(1))).toThrow(
        `${label} secret key must be ${secretKey.length} bytes, got ${secretKey.length - 1}`,
      );
    });

    it('accepts a Buffer message (liboqs-js alone would throw)', () => {
      const backend = backends[name];
      const { publicKey, secretKey } = backend.generateKeyPair();
      const signature = backend.sign(Buffer.from(message), secretKey);
      expect(
        backend.verify(Buffer.from(message), Buffer.from(signature), Buffer.from(publicKey)),
      ).toBe(true);
    });
  });
});
