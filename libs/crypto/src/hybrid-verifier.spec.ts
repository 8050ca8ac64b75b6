import type { HybridSignature } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { generateHybridSecretKey, type HybridSecretKey } from './hybrid-secret-key';
import { HybridSigner } from './hybrid-signer';
import { HybridVerifier } from './hybrid-verifier';
import type { MlDsaBackend } from './ml-dsa-backend';
import { CRYPTO_BACKENDS, loadMlDsaBackend } from './ml-dsa-backends';

const payload = new TextEncoder().encode('{"batch":7,"events":3}');

function flipBit(bytes: Uint8Array, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

function rejection(verify: () => void): OmegaError {
  try {
    verify();
  } catch (err) {
    if (err instanceof OmegaError) return err;
    throw err;
  }
  throw new Error('verification passed but should have failed');
}

describe.each(CRYPTO_BACKENDS)('HybridVerifier with ML-DSA via %s', (backendName) => {
  let mlDsa: MlDsaBackend;
  let alice: HybridSecretKey;
  let bob: HybridSecretKey;
  let verifier: HybridVerifier;
  let signature: HybridSignature;

  beforeAll(async () => {
    mlDsa = await loadMlDsaBackend(backendName);
    const liboqs = await loadMlDsaBackend('liboqs');
    alice = generateHybridSecretKey(liboqs);
    bob = generateHybridSecretKey(liboqs);
    verifier = new HybridVerifier(mlDsa);
    signature = new HybridSigner(alice, liboqs).sign('event-batch', payload);
  });

  it('accepts the signer’s signature over the payload for the purpose', () => {
    expect(() => verifier.verify(alice.publicKey, 'event-batch', payload, signature)).not.toThrow();
  });

  it('rejects a tampered payload: both parts fail', () => {
    const tampered = flipBit(payload, 3);
    const error = rejection(() =>
      verifier.verify(alice.publicKey, 'event-batch', tampered, signature),
    );
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.message).toBe(
      `hybrid signature by key ${alice.keyId} for 'event-batch': ed25519 and ml-dsa-65 signatures invalid`,
    );
  });

  it('rejects the signature for another purpose and says which purpose it was made for', () => {
    const error = rejection(() =>
      verifier.verify(alice.publicKey, 'audit-checkpoint', payload, signature),
    );
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.message).toContain(
      `for 'audit-checkpoint': purpose mismatch: signed for 'event-batch'`,
    );
  });

  it('rejects another purpose without naming one when diagnosis is off or the purpose is not known', () => {
    const quiet = new HybridVerifier(mlDsa, { knownPurposes: [] });
    expect(
      rejection(() => quiet.verify(alice.publicKey, 'audit-checkpoint', payload, signature))
        .message,
    ).toContain('ed25519 and ml-dsa-65 signatures invalid');
    const custom = new HybridSigner(alice, mlDsa).sign('sentinel.heartbeat', payload);
    expect(
      rejection(() => verifier.verify(alice.publicKey, 'event-batch', payload, custom)).message,
    ).toContain('ed25519 and ml-dsa-65 signatures invalid');
  });

  it('rejects verification with a swapped public key as a key id mismatch', () => {
    const error = rejection(() =>
      verifier.verify(bob.publicKey, 'event-batch', payload, signature),
    );
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.message).toContain(`key id mismatch: verifying with key ${bob.keyId}`);
  });

  it('rejects a signature relabelled with another key’s id: both parts fail under that key', () => {
    const relabelled = { ...signature, keyId: bob.keyId };
    expect(
      rejection(() => verifier.verify(bob.publicKey, 'event-batch', payload, relabelled)).message,
    ).toContain('ed25519 and ml-dsa-65 signatures invalid');
  });

  it('rejects a forged Ed25519 part alone', () => {
    const forged = { ...signature, ed25519: flipBit(signature.ed25519, 10) };
    const error = rejection(() => verifier.verify(alice.publicKey, 'event-batch', payload, forged));
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.message).toMatch(/: ed25519 signature invalid$/);
  });

  it('rejects a forged ML-DSA-65 part alone', () => {
    const forged = { ...signature, mlDsa: flipBit(signature.mlDsa, 1000) };
    const error = rejection(() => verifier.verify(alice.publicKey, 'event-batch', payload, forged));
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.message).toMatch(/: ml-dsa-65 signature invalid$/);
  });

  it('rejects an ML-DSA-65 part taken from another signature of the same key', () => {
    const other = new HybridSigner(alice, mlDsa).sign('event-batch', new Uint8Array([9]));
    const spliced = { ...signature, mlDsa: other.mlDsa };
    expect(
      rejection(() => verifier.verify(alice.publicKey, 'event-batch', payload, spliced)).message,
    ).toMatch(/: ml-dsa-65 signature invalid$/);
  });

  it.each([
    ['Ed25519', 'ed25519', 63, 'ed25519 signature must be 64 bytes, got 63'],
    ['Ed25519', 'ed25519', 0, 'ed25519 signature must be 64 bytes, got 0'],
    ['ML-DSA-65', 'mlDsa', 3308, 'ml-dsa-65 signature must be 3309 bytes, got 3308'],
    ['ML-DSA-65', 'mlDsa', 0, 'ml-dsa-65 signature must be 3309 bytes, got 0'],
  ] as const)(
    'rejects a truncated %s part (%s cut to %i bytes)',
    (_name, part, length, message) => {
      const truncated = { ...signature, [part]: signature[part].subarray(0, length) };
      const error = rejection(() =>
        verifier.verify(alice.publicKey, 'event-batch', payload, truncated),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.message).toContain(message);
    },
  );

  it('rejects a public key whose key id does not match its keys', () => {
    const lying = { ...bob.publicKey, keyId: alice.keyId };
    const error = rejection(() => verifier.verify(lying, 'event-batch', payload, signature));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.message).toBe(
      `hybrid public key: key id ${alice.keyId} is not the one its keys give (${bob.keyId})`,
    );
  });

  it('rejects a malformed purpose', () => {
    const error = rejection(() =>
      verifier.verify(alice.publicKey, 'Event-Batch', payload, signature),
    );
    expect(error.code).toBe(Code.InvalidArgument);
  });
});
