import { Code } from '@omega/runtime';
import { encodeHybridPublicKey } from './hybrid-key-codec';
import { generateHybridSecretKey, type HybridSecretKey } from './hybrid-secret-key';
import { HybridSigner } from './hybrid-signer';
import {
  fromText,
  publicKeyFromText,
  publicKeyToText,
  secretKeyFromText,
  secretKeyToText,
  signatureFromText,
  signatureToText,
  TextLabel,
  toText,
} from './key-text';
import { loadMlDsaBackend } from './ml-dsa-backends';

describe('key text', () => {
  let secretKey: HybridSecretKey;

  beforeAll(async () => {
    secretKey = generateHybridSecretKey(await loadMlDsaBackend());
  });

  it('writes a public key as RFC 7468 text: BEGIN line, base64 in 64-column lines, END line', () => {
    const text = publicKeyToText(secretKey.publicKey);
    const lines = text.split('\n');
    expect(lines[0]).toBe('-----BEGIN OMEGA HYBRID PUBLIC KEY-----');
    expect(lines.at(-2)).toBe('-----END OMEGA HYBRID PUBLIC KEY-----');
    expect(lines.at(-1)).toBe('');
    const body = lines.slice(1, -2);
    expect(body.slice(0, -1).every((line) => line.length === 64)).toBe(true);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(64);
    expect(Buffer.from(body.join(''), 'base64')).toEqual(
      Buffer.from(encodeHybridPublicKey(secretKey.publicKey)),
    );
  });

  it('reads back what it writes for public keys, secret keys and signatures', async () => {
    expect(publicKeyFromText(publicKeyToText(secretKey.publicKey))).toEqual(secretKey.publicKey);
    const restored = secretKeyFromText(secretKeyToText(secretKey));
    expect(restored.keyId).toBe(secretKey.keyId);
    expect(Buffer.from(restored.mlDsa.exposeBytes())).toEqual(
      Buffer.from(secretKey.mlDsa.exposeBytes()),
    );
    const signer = new HybridSigner(secretKey, await loadMlDsaBackend());
    const signature = signer.sign('token', new Uint8Array([1]));
    const text = signatureToText(signature);
    expect(text.startsWith('-----BEGIN OMEGA HYBRID SIGNATURE-----\n')).toBe(true);
    expect(signatureFromText(text)).toEqual(signature);
  });

  it('reads text with CRLF line ends, surrounding blank lines and other line lengths', () => {
    const base64 = Buffer.from(encodeHybridPublicKey(secretKey.publicKey)).toString('base64');
    const text = [
      '',
      '-----BEGIN OMEGA HYBRID PUBLIC KEY-----',
      base64.slice(0, 76),
      base64.slice(76),
      '-----END OMEGA HYBRID PUBLIC KEY-----',
      '',
      '',
    ].join('\r\n');
    expect(publicKeyFromText(text).keyId).toBe(secretKey.keyId);
  });

  it.each([
    [
      'a secret key where a public key is expected',
      () => publicKeyFromText(secretKeyToText(secretKey)),
      "omega hybrid public key text: expected '-----BEGIN OMEGA HYBRID PUBLIC KEY-----', found '-----BEGIN OMEGA HYBRID SECRET KEY-----'",
    ],
    [
      'text without a block',
      () => publicKeyFromText('ssh-ed25519 AAAA'),
      "omega hybrid public key text: no '-----BEGIN OMEGA HYBRID PUBLIC KEY-----' line",
    ],
    [
      'a block without its END line',
      () => publicKeyFromText(publicKeyToText(secretKey.publicKey).split('-----END')[0]!),
      "omega hybrid public key text: no '-----END OMEGA HYBRID PUBLIC KEY-----' line",
    ],
    [
      'two blocks',
      () => publicKeyFromText(publicKeyToText(secretKey.publicKey).repeat(2)),
      'omega hybrid public key text: text outside the BEGIN/END lines (one block per text)',
    ],
    [
      'a body that is not base64',
      () =>
        fromText(
          TextLabel.Signature,
          toText(TextLabel.Signature, new Uint8Array([1, 2, 3])).replace('AQID', 'AQ*D'),
        ),
      'omega hybrid signature text: body is not base64',
    ],
    [
      'non-canonical base64 padding bits',
      () =>
        fromText(
          TextLabel.Signature,
          toText(TextLabel.Signature, new Uint8Array([1])).replace('AQ==', 'AR=='),
        ),
      'omega hybrid signature text: body is not canonical base64',
    ],
  ])('rejects %s', (_what, read, message) => {
    expect(read).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message }));
  });

  it('rejects a well-framed public key whose bytes do not decode', () => {
    expect(() =>
      publicKeyFromText(toText(TextLabel.PublicKey, new Uint8Array([0x0a, 0x05]))),
    ).toThrow(/^hybrid public key: malformed protobuf/);
  });
});
