// RenewIdentity is proven by the current credential trust signed, never by a record in
// omega_identities alone: the attacks of issue #16 against the issuer (real nats-server behind it).
import { Identity, IdentityKind, IdentityStatus } from '@omega/proto';
import { HybridSigner, generateHybridSecretKey } from '@omega/crypto';
import { Code } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import {
  closeIdentityFixture,
  enrollWithJoinToken,
  openIdentityFixture,
  renewRequest,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';

const nats = withNats();
let fixture: IdentityFixture;

beforeAll(async () => {
  fixture = await openIdentityFixture(nats.url);
  nats.beforeStop(() => closeIdentityFixture(fixture));
});

/**
 * Writes a record trust never issued for `subject`, naming the attacker's key (first, beside the
 * keys already there when `keepKeys`) and role admin.
 */
async function forgeRecord(subject: string, keepKeys = false) {
  const secretKey = generateHybridSecretKey(fixture.mlDsa);
  const nowNs = BigInt(fixture.clock.nowMs) * 1_000_000n;
  const stored = await fixture.service.store.get(subject);
  await fixture.service.store.put(
    {
      identity: Identity.fromPartial({
        id: subject,
        kind: IdentityKind.IDENTITY_KIND_SERVICE,
        status: IdentityStatus.IDENTITY_STATUS_ACTIVE,
        keys: [
          { ...secretKey.publicKey, notAfterTimeNs: nowNs + 86_400_000_000_000n },
          ...(keepKeys ? (stored?.record.identity.keys ?? []) : []),
        ],
        issueTimeNs: nowNs,
        expireTimeNs: nowNs + 86_400_000_000_000n,
        roles: ['admin'],
      }),
      currentSerial: '01',
      revokedSerials: [],
    },
    stored?.revision,
  );
  return new HybridSigner(secretKey, fixture.mlDsa);
}

describe('renewal from a forged identity record', () => {
  it('is refused without the current credential, however the record reads', async () => {
    const signer = await forgeRecord('omega://local/service/forged');
    await expect(
      fixture.service.issuer.renew(
        renewRequest('omega://local/service/forged', signer, fixture.clock.nowMs, undefined),
      ),
    ).rejects.toMatchObject({
      code: Code.Unauthenticated,
      message: expect.stringContaining('current_credential is missing'),
    });
  });

  it('is refused when it shows a real credential but signs with the key the record names', async () => {
    const victim = await enrollWithJoinToken(fixture, 'service', 'victim');
    const signer = await forgeRecord(victim.identity.id, true);
    await expect(
      fixture.service.issuer.renew(
        renewRequest(victim.identity.id, signer, fixture.clock.nowMs, victim.credential),
      ),
    ).rejects.toMatchObject({
      code: Code.Unauthenticated,
      message: expect.stringMatching(
        /proof is signed by key .*, not by the current credential's key/,
      ),
    });
  });

  it('is refused when the identity document was edited (roles admin): trust’s signature breaks', async () => {
    const holder = await enrollWithJoinToken(fixture, 'service', 'editor');
    const document = Identity.decode(holder.credential.identityDocument);
    const edited = {
      ...holder.credential,
      identityDocument: Buffer.from(Identity.encode({ ...document, roles: ['admin'] }).finish()),
    };
    await expect(
      fixture.service.issuer.renew(
        renewRequest(holder.identity.id, holder.signer, fixture.clock.nowMs, edited),
      ),
    ).rejects.toMatchObject({
      code: Code.Unauthenticated,
      message: expect.stringContaining('current credential: credential'),
    });
  });

  it('renews the real holder with the roles trust signed, not those a forged record claims', async () => {
    const holder = await enrollWithJoinToken(fixture, 'service', 'holder');
    await forgeRecord(holder.identity.id);
    // The forged record dropped the holder's key: the renewal still verifies against what trust
    // signed, but the record no longer lists the key, so trust refuses it as revoked or unknown.
    await expect(
      fixture.service.issuer.renew(
        renewRequest(holder.identity.id, holder.signer, fixture.clock.nowMs, holder.credential),
      ),
    ).rejects.toMatchObject({
      code: Code.Unauthenticated,
      message: expect.stringContaining('revoked'),
    });
    const honest = await enrollWithJoinToken(fixture, 'service', 'honest');
    const stored = await fixture.service.store.get(honest.identity.id);
    await fixture.service.store.put(
      {
        ...stored!.record,
        identity: { ...stored!.record.identity, roles: ['admin'] },
      },
      stored!.revision,
    );
    const renewed = await fixture.service.issuer.renew(
      renewRequest(honest.identity.id, honest.signer, fixture.clock.nowMs, honest.credential),
    );
    expect(renewed.identity.roles).toEqual(['service', 'service:honest']);
  });

  it('refuses a caller whose certificate names another identity', async () => {
    const holder = await enrollWithJoinToken(fixture, 'service', 'renewed-by-other');
    await expect(
      fixture.service.issuer.renew(
        renewRequest(holder.identity.id, holder.signer, fixture.clock.nowMs, holder.credential),
        'omega://local/sentinel/node-1',
      ),
    ).rejects.toMatchObject({
      code: Code.PermissionDenied,
      message: expect.stringContaining(
        "the caller's certificate names omega://local/sentinel/node-1; an identity renews only itself",
      ),
    });
  });
});
