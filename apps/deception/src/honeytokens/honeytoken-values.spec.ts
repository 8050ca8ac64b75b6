// Honeytoken values have the shapes people and scanners expect, are unique per mint, and their
// digests recognize the secret and nothing else.
import { randomBytes } from 'node:crypto';
import {
  digestMatches,
  fingerprint,
  humanPassword,
  mintAccessKey,
  mintCanaryUrl,
  mintKubernetesToken,
  saltedDigest,
  uniform,
} from './honeytoken-values';

describe('honeytoken values', () => {
  it('makes passwords that read as a person made them: words, a separator, four digits, a symbol', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = humanPassword(randomBytes);
      expect(password).toMatch(/^([A-Z][a-z]+[-._]){4}\d{4}[!#$%&*?@]$/);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });

  it('makes access keys in the AKIA shape secret scanners match', () => {
    const { id, secret } = mintAccessKey(randomBytes);
    // The pattern of the common secret scanners (gitleaks, trufflehog) for this key shape.
    expect(id).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(secret).toMatch(/^[A-Za-z0-9/+]{40}$/);
    expect(mintAccessKey(randomBytes).id).not.toBe(id);
  });

  it('puts a canary path with 144 random bits under the base URL, keeping its own path', () => {
    const minted = mintCanaryUrl(randomBytes, 'https://cdn.example.com/static/');
    expect(minted.secret).toMatch(
      /^https:\/\/cdn\.example\.com\/static\/assets\/[A-Za-z0-9_-]{24}\.gif$/,
    );
    expect(minted.path).toBe(new URL(minted.secret).pathname);
    expect(mintCanaryUrl(randomBytes, 'http://127.0.0.1:1').path).toMatch(/^\/assets\//);
  });

  it('makes service-account tokens shaped like a real one (a JWT naming the account)', () => {
    const { secret } = mintKubernetesToken(
      randomBytes,
      'payments',
      'legacy-ci',
      Date.UTC(2026, 0, 1),
    );
    const [header, claims, signature] = secret.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({
      alg: 'RS256',
    });
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({
      iss: 'kubernetes/serviceaccount',
      sub: 'system:serviceaccount:payments:legacy-ci',
      iat: Date.UTC(2026, 0, 1) / 1000,
    });
    expect(Buffer.from(signature!, 'base64url')).toHaveLength(256);
  });

  it('recognizes a secret by its salted digest and refuses any other', () => {
    const salt = randomBytes(16);
    const digest = saltedDigest(salt, 'Maple-Harbor-Quartz-Lantern-4821!');
    expect(digestMatches(salt, 'Maple-Harbor-Quartz-Lantern-4821!', digest)).toBe(true);
    expect(digestMatches(salt, 'Maple-Harbor-Quartz-Lantern-4821?', digest)).toBe(false);
    expect(digestMatches(randomBytes(16), 'Maple-Harbor-Quartz-Lantern-4821!', digest)).toBe(false);
    expect(fingerprint('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', // FIPS 180-2 example
    );
  });

  it('draws integers without modulo bias (rejects the top of the range)', () => {
    const words = [Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([0, 0, 0, 7])];
    expect(uniform(() => words.shift()!, 10)).toBe(7);
  });
});
