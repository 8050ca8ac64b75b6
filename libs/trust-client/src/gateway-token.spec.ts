import {
  HybridSigner,
  HybridVerifier,
  SignaturePurpose,
  generateHybridSecretKey,
  loadMlDsaBackend,
} from '@omega/crypto';
import { GATEWAY_TOKEN_MAX_TTL_MS, mintGatewayToken, parseGatewayToken } from './gateway-token';

describe('gateway tokens', () => {
  it('carries the claims and a hybrid signature over the payload bytes as carried', async () => {
    const mlDsa = await loadMlDsaBackend('liboqs');
    const key = generateHybridSecretKey(mlDsa);
    const token = mintGatewayToken(new HybridSigner(key, mlDsa), {
      issuer: 'omega://local/service/cli',
      audience: 'omega-gateway',
      nowMs: 1_000,
      roles: ['operator'],
    });
    expect(token.startsWith('omegat1.')).toBe(true);
    const { claims, payload, signature } = parseGatewayToken(token);
    expect(claims).toMatchObject({
      iss: 'omega://local/service/cli',
      aud: 'omega-gateway',
      kid: key.keyId,
      iatMs: 1_000,
      expMs: 61_000,
      roles: ['operator'],
    });
    expect(claims.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(() =>
      new HybridVerifier(mlDsa).verify(key.publicKey, SignaturePurpose.Token, payload, signature),
    ).not.toThrow();
    expect(
      parseGatewayToken(
        mintGatewayToken(new HybridSigner(key, mlDsa), { issuer: 'i', audience: 'a', nowMs: 0 }),
      ).claims.nonce,
    ).not.toBe(claims.nonce);
  });

  it('refuses to mint a long-lived token, and names what is malformed when parsing', async () => {
    const mlDsa = await loadMlDsaBackend('liboqs');
    const signer = new HybridSigner(generateHybridSecretKey(mlDsa), mlDsa);
    expect(() =>
      mintGatewayToken(signer, {
        issuer: 'i',
        audience: 'a',
        nowMs: 0,
        ttlMs: GATEWAY_TOKEN_MAX_TTL_MS + 1,
      }),
    ).toThrow(/ttlMs/);
    expect(() => parseGatewayToken('eyJhbGciOi.x.y')).toThrow(/malformed: expected 'omegat1/);
    expect(() =>
      parseGatewayToken(`omegat1.${Buffer.from('{"iss":"a"}').toString('base64url')}.AA`),
    ).toThrow(/claim 'kid' missing/);
    expect(() =>
      parseGatewayToken(`omegat1.${Buffer.from('nope').toString('base64url')}.AA`),
    ).toThrow(/payload is not JSON/);
  });
});
