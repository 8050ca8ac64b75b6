// ML-DSA-65 note keys around injected implementations: @noble/post-quantum signs, node:crypto verifies.
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import {
  ML_DSA_65_NOTE_TYPE,
  ML_DSA_65_SIGNATURE_SIZE,
  mlDsa65NoteSigner,
  mlDsa65NoteVerifier,
} from './ml-dsa-note-key';

const keys = ml_dsa65.keygen(new Uint8Array(32).fill(42));
const nobleSign = (message: Uint8Array) => ml_dsa65.sign(message, keys.secretKey);
const nobleVerify = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) =>
  ml_dsa65.verify(signature, message, publicKey);
/** The third implementation: OpenSSL 3.5's ML-DSA through node:crypto (Node 24). */
const nodeCryptoVerify = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) =>
  nodeVerify(
    null,
    message,
    createPublicKey({
      key: { kty: 'AKP', alg: 'ML-DSA-65', pub: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    }),
    signature,
  );

describe('ML-DSA-65 note keys', () => {
  test('the signature type is 0xff followed by the identifier "omega-auditlog/ml-dsa-65"', () => {
    expect(Buffer.from(ML_DSA_65_NOTE_TYPE).toString('latin1')).toBe(
      '\xffomega-auditlog/ml-dsa-65',
    );
  });

  test('the key ID is SHA-256(name || \\n || type || public key)[:4]', () => {
    const signer = mlDsa65NoteSigner('omega.local/audit', keys.publicKey, nobleSign);
    const independent = createHash('sha256')
      .update('omega.local/audit\n\xffomega-auditlog/ml-dsa-65', 'latin1')
      .update(keys.publicKey)
      .digest()
      .subarray(0, 4);
    expect(Buffer.from(signer.keyHash)).toEqual(independent);
    expect(mlDsa65NoteVerifier('omega.local/audit', keys.publicKey, nobleVerify).keyHash).toEqual(
      signer.keyHash,
    );
  });

  test('a noble signature verifies through the noble and the node:crypto verifiers', async () => {
    const signer = mlDsa65NoteSigner('omega.local/audit', keys.publicKey, nobleSign);
    const message = new TextEncoder().encode('omega.local/audit\n7\n');
    const signature = await signer.sign(message);
    expect(signature).toHaveLength(ML_DSA_65_SIGNATURE_SIZE);
    for (const verify of [nobleVerify, nodeCryptoVerify]) {
      const verifier = mlDsa65NoteVerifier('omega.local/audit', keys.publicKey, verify);
      expect(await verifier.verify(message, signature)).toBe(true);
      expect(await verifier.verify(message.subarray(1), signature)).toBe(false);
      expect(await verifier.verify(message, signature.subarray(1))).toBe(false);
    }
  });

  test('refuses public keys of the wrong size and signers that return something else', async () => {
    expect(() => mlDsa65NoteSigner('n', keys.publicKey.subarray(1), nobleSign)).toThrow(
      'ml-dsa-65 note key: public key is 1951 bytes, want 1952',
    );
    const broken = mlDsa65NoteSigner('n', keys.publicKey, () => new Uint8Array(64));
    await expect(broken.sign(new Uint8Array(1))).rejects.toThrow(
      'ml-dsa-65 note signer n: signature is 64 bytes, want 3309',
    );
  });
});
