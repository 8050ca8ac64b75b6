import { createPublicKey, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { loadNobleMlDsa } from './esm-modules';
import { generateHybridSecretKey } from './hybrid-secret-key';
import { HybridSigner } from './hybrid-signer';
import { HybridVerifier } from './hybrid-verifier';
import { CRYPTO_BACKENDS, loadMlDsaBackend } from './ml-dsa-backends';
import { signedMessage } from './signed-message';

const payload = new TextEncoder().encode('omega.local/audit\n42\nq6cB…\n');

describe('HybridSigner', () => {
  it('makes an Ed25519 part that plain Ed25519 verifies over the domain-separated message', async () => {
    const signer = new HybridSigner(
      generateHybridSecretKey(await loadMlDsaBackend()),
      await loadMlDsaBackend(),
    );
    const signature = signer.sign('audit-checkpoint', payload);
    const ed25519 = createPublicKey({
      key: signer.publicKey.ed25519,
      format: 'raw-public',
      asymmetricKeyType: 'ed25519',
    });
    expect(signature.ed25519).toHaveLength(64);
    expect(
      verify(null, signedMessage('audit-checkpoint', payload), ed25519, signature.ed25519),
    ).toBe(true);
    expect(verify(null, payload, ed25519, signature.ed25519)).toBe(false);
  });

  it('makes an ML-DSA-65 part that noble verifies over the same message with the empty context', async () => {
    const signer = new HybridSigner(
      generateHybridSecretKey(await loadMlDsaBackend()),
      await loadMlDsaBackend(),
    );
    const signature = signer.sign('event-batch', payload);
    const { ml_dsa65 } = await loadNobleMlDsa();
    const message = signedMessage('event-batch', payload);
    expect(signature.mlDsa).toHaveLength(3309);
    expect(ml_dsa65.verify(signature.mlDsa, message, signer.publicKey.mlDsa)).toBe(true);
    const noble = await loadMlDsaBackend('noble');
    const context = new Uint8Array([1]);
    expect(noble.verify(message, signature.mlDsa, signer.publicKey.mlDsa, context)).toBe(false);
  });

  it('names its key in the signature', async () => {
    const secretKey = generateHybridSecretKey(await loadMlDsaBackend());
    const signer = new HybridSigner(secretKey, await loadMlDsaBackend());
    expect(signer.keyId).toBe(secretKey.keyId);
    expect(signer.sign('token', payload).keyId).toBe(secretKey.keyId);
  });

  it('holds its key material in private fields: printing a signer shows nothing secret', async () => {
    const secretKey = generateHybridSecretKey(await loadMlDsaBackend());
    const signer = new HybridSigner(secretKey, await loadMlDsaBackend());
    const seed = Buffer.from(secretKey.ed25519.exposeBytes()).toString('hex');
    expect(JSON.stringify(signer)).toBe('{}');
    expect(inspect(signer)).toBe('HybridSigner {}');
    expect(inspect(signer, { showHidden: true, depth: Infinity, getters: true })).not.toContain(
      seed,
    );
  });

  it('rejects a malformed purpose before signing', async () => {
    const signer = new HybridSigner(
      generateHybridSecretKey(await loadMlDsaBackend()),
      await loadMlDsaBackend(),
    );
    expect(() => signer.sign('Audit\nCheckpoint', payload)).toThrow(
      /signature purpose .* malformed/,
    );
  });

  it('refuses an ML-DSA-44 backend', async () => {
    const secretKey = generateHybridSecretKey(await loadMlDsaBackend());
    const mlDsa44 = await loadMlDsaBackend('liboqs', 'ML-DSA-44');
    const message = 'hybrid keys and signatures use ML-DSA-65, not ML-DSA-44 (liboqs)';
    expect(() => new HybridSigner(secretKey, mlDsa44)).toThrow(message);
    expect(() => new HybridVerifier(mlDsa44)).toThrow(message);
    expect(() => generateHybridSecretKey(mlDsa44)).toThrow(message);
  });

  describe.each(CRYPTO_BACKENDS)('with keys made by %s', (keyBackend) => {
    it.each(
      CRYPTO_BACKENDS.flatMap((signBy) => CRYPTO_BACKENDS.map((verifyBy) => [signBy, verifyBy])),
    )('signs with %s and verifies with %s', async (signBy, verifyBy) => {
      const secretKey = generateHybridSecretKey(await loadMlDsaBackend(keyBackend));
      const signature = new HybridSigner(secretKey, await loadMlDsaBackend(signBy)).sign(
        'credential',
        payload,
      );
      const verifier = new HybridVerifier(await loadMlDsaBackend(verifyBy));
      expect(() =>
        verifier.verify(secretKey.publicKey, 'credential', payload, signature),
      ).not.toThrow();
    });
  });
});
