// Ed25519 note keys: the spec's key ID derivation and node:crypto signing.
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  ED25519_NOTE_TYPE,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  ed25519RawPublicKey,
} from './ed25519-note-key';

// c2sp.org/signed-note's example vkey: name, key ID and 0x01 || public key.
const SPEC_PUBLIC_KEY = Buffer.from(
  'AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
  'base64',
).subarray(1);

describe('Ed25519 note keys', () => {
  test("the key ID is SHA-256(name || \\n || 0x01 || key)[:4]: the spec example's 530d903a", () => {
    const verifier = ed25519NoteVerifier('example.com/foo', SPEC_PUBLIC_KEY);
    expect(Buffer.from(verifier.keyHash).toString('hex')).toBe('530d903a');
    const independent = createHash('sha256')
      .update(Buffer.concat([Buffer.from('example.com/foo\n'), Buffer.of(0x01), SPEC_PUBLIC_KEY]))
      .digest()
      .subarray(0, 4);
    expect(Buffer.from(verifier.keyHash)).toEqual(independent);
    expect(ED25519_NOTE_TYPE).toEqual(Uint8Array.of(0x01));
  });

  test('a signer from a KeyObject or a 32-byte seed signs what the verifier accepts', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const message = new TextEncoder().encode('omega.local/audit\n1\n');
    for (const signer of [ed25519NoteSigner('omega.local/audit', privateKey)]) {
      const verifier = ed25519NoteVerifier('omega.local/audit', ed25519RawPublicKey(publicKey));
      expect(signer.keyHash).toEqual(verifier.keyHash);
      const signature = await signer.sign(message);
      expect(signature).toHaveLength(64);
      expect(await verifier.verify(message, signature)).toBe(true);
      expect(await verifier.verify(message.subarray(1), signature)).toBe(false);
      expect(await verifier.verify(message, signature.subarray(1))).toBe(false);
    }
    // RFC 8032 test 1: this seed has public key d75a9801...
    const seed = Buffer.from(
      '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      'hex',
    );
    const fromSeed = ed25519NoteSigner('n', seed);
    const rfcPublic = Buffer.from(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      'hex',
    );
    expect(fromSeed.keyHash).toEqual(ed25519NoteVerifier('n', rfcPublic).keyHash);
  });

  test('refuses keys of the wrong kind or size', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(() => ed25519NoteSigner('n', publicKey)).toThrow(
      'ed25519 note key: not an Ed25519 private key',
    );
    expect(() => ed25519NoteVerifier('n', privateKey)).toThrow(
      'ed25519 note key: not an Ed25519 public key',
    );
    expect(() => ed25519NoteSigner('n', new Uint8Array(31))).toThrow(
      'ed25519 note key: seed is 31 bytes, want 32',
    );
    expect(() => ed25519NoteVerifier('n', new Uint8Array(33))).toThrow(
      'ed25519 note key: public key is 33 bytes, want 32',
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => ed25519NoteSigner('n', ec.privateKey)).toThrow('not an Ed25519 private key');
  });
});
