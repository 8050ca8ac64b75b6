// signed-note verifier keys for Ed25519 and Omega's ML-DSA-65 type.
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { formatVerifierKey, parseVerifierKey } from './verifier-key';

const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';

describe('verifier keys', () => {
  test('the spec example parses to an Ed25519 key and formats back', () => {
    const key = parseVerifierKey(SPEC_VKEY);
    expect(key).toMatchObject({ name: 'example.com/foo', algorithm: 'ed25519' });
    expect(key.publicKey).toHaveLength(32);
    expect(formatVerifierKey(key.name, key.algorithm, key.publicKey)).toBe(SPEC_VKEY);
  });

  test('an ML-DSA-65 key round-trips with type 0xff||"omega-auditlog/ml-dsa-65"', () => {
    const { publicKey } = ml_dsa65.keygen(new Uint8Array(32).fill(1));
    const vkey = formatVerifierKey('omega.local/audit', 'ml-dsa-65', publicKey);
    const material = Buffer.from(vkey.split('+').slice(2).join('+'), 'base64');
    expect(material.subarray(0, 25).toString('latin1')).toBe('\xffomega-auditlog/ml-dsa-65');
    const key = parseVerifierKey(vkey);
    expect(key.algorithm).toBe('ml-dsa-65');
    expect(Buffer.from(key.publicKey)).toEqual(Buffer.from(publicKey));
  });

  test.each([
    [
      'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
      'key ID 530d903b does not match the key (want 530d903a)',
    ],
    [
      'example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
      'does not match the key',
    ],
    [
      'example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
      'key ID is not 8 lowercase hex digits',
    ],
    ['example.com/foo+530d903a', 'not of the form <name>+<hex key ID>+<base64 key>'],
    [
      'example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
      "signature type 0x02 with a 32-byte key is not Ed25519 or Omega's ML-DSA-65",
    ],
    ['example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2', 'key is not base64'],
    ['+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'key name "" is empty'],
  ])('rejects %s', (vkey, message) => {
    expect(() => parseVerifierKey(vkey)).toThrow(message);
  });
});
