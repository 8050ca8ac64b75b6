import { generateHybridSecretKey, HybridSigner } from '@omega/crypto';
import { HybridSignature } from '@omega/proto';
import { withNats } from '@omega/testkit';
import { mintGatewayToken } from '@omega/trust-client';
import { GatewayTokenError } from './gateway-token-verifier';
import {
  closeIdentityFixture,
  enrollWithJoinToken,
  openIdentityFixture,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';

const nats = withNats();
let fixture: IdentityFixture;
let gateway: Awaited<ReturnType<typeof enrollWithJoinToken>>;
const AUD = 'omega-gateway';

beforeAll(async () => {
  fixture = await openIdentityFixture(nats.url);
  nats.beforeStop(() => closeIdentityFixture(fixture));
  gateway = await enrollWithJoinToken(fixture, 'service', 'cli-bot');
});

function mint(
  overrides: { audience?: string; nowMs?: number; ttlMs?: number; issuer?: string } = {},
): string {
  return mintGatewayToken(gateway.signer, {
    issuer: overrides.issuer ?? gateway.identity.id,
    audience: overrides.audience ?? AUD,
    nowMs: overrides.nowMs ?? fixture.clock.nowMs,
    ...(overrides.ttlMs ? { ttlMs: overrides.ttlMs } : {}),
  });
}

function withSignature(token: string, change: (s: HybridSignature) => HybridSignature): string {
  const [prefix, payload, signature] = token.split('.') as [string, string, string];
  const changed = change(HybridSignature.decode(Buffer.from(signature, 'base64url')));
  return [
    prefix,
    payload,
    Buffer.from(HybridSignature.encode(changed).finish()).toString('base64url'),
  ].join('.');
}

function flipFirst(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes);
  copy[0] = copy[0]! ^ 1;
  return copy;
}

async function refusal(token: string): Promise<GatewayTokenError> {
  const err = await fixture.service.gatewayTokens.verify(token, AUD, fixture.clock.nowMs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayTokenError);
  return err as GatewayTokenError;
}

describe('gateway tokens', () => {
  it('accepts a fresh token once, and refuses its replay (replayed nonce)', async () => {
    const token = mint();
    const verified = await fixture.service.gatewayTokens.verify(token, AUD, fixture.clock.nowMs);
    expect(verified.issuer.id).toBe('omega://local/service/cli-bot');
    const replay = await refusal(token);
    expect(replay.check).toBe('replayed nonce');
    expect(replay.message).toMatch(
      /^gateway token: replayed nonce: from omega:\/\/local\/service\/cli-bot/,
    );
  });

  it('refuses an expired token', async () => {
    expect((await refusal(mint({ nowMs: fixture.clock.nowMs - 120_000 }))).check).toBe('expired');
  });

  it('refuses a token for another audience', async () => {
    const err = await refusal(mint({ audience: 'omega-intelligence' }));
    expect(err.check).toBe('wrong audience');
    expect(err.message).toMatch(/is for 'omega-intelligence', not 'omega-gateway'/);
  });

  it('refuses a bad ed25519 part and a bad ml-dsa part, each by name', async () => {
    expect(
      (await refusal(withSignature(mint(), (s) => ({ ...s, ed25519: flipFirst(s.ed25519) }))))
        .check,
    ).toBe('bad ed25519 part');
    expect(
      (await refusal(withSignature(mint(), (s) => ({ ...s, mlDsa: flipFirst(s.mlDsa) })))).check,
    ).toBe('bad ml-dsa part');
  });

  it('refuses an issuer trust never issued, and a key claimed for another identity', async () => {
    const stranger = new HybridSigner(generateHybridSecretKey(fixture.mlDsa), fixture.mlDsa);
    const unknown = mintGatewayToken(stranger, {
      issuer: 'omega://local/service/ghost',
      audience: AUD,
      nowMs: fixture.clock.nowMs,
    });
    expect((await refusal(unknown)).check).toBe('unknown issuer');
    expect((await refusal(mint({ issuer: 'omega://local/service/gateway' }))).check).toBe(
      'unknown issuer',
    );
  });

  it('refuses a token from a revoked identity, and a malformed one', async () => {
    const revokedBot = await enrollWithJoinToken(fixture, 'operator', 'alice');
    await fixture.service.issuer.revoke({
      identityId: revokedBot.identity.id,
      keyId: '',
      reason: 'left',
      requestId: '',
    });
    const token = mintGatewayToken(revokedBot.signer, {
      issuer: revokedBot.identity.id,
      audience: AUD,
      nowMs: fixture.clock.nowMs,
    });
    expect((await refusal(token)).check).toBe('revoked');
    expect((await refusal('omegat1.e30.AA')).check).toBe('malformed');
  });

  it('forgets nonces of expired tokens in the sweep', async () => {
    await fixture.service.gatewayTokens.verify(mint(), AUD, fixture.clock.nowMs);
    expect(
      await fixture.service.store.sweepNonces(fixture.clock.nowMs + 10 * 60_000),
    ).toBeGreaterThanOrEqual(1);
  });
});
