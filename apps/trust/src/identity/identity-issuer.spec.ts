// Issuing, renewing and revoking identities: join tokens, proofs, the audit record, revocation.
import { X509Certificate } from 'node:crypto';
import { Identity, IdentityStatus } from '@omega/proto';
import { SignaturePurpose, signedMessage } from '@omega/crypto';
import { withNats } from '@omega/testkit';
import { IdentityAuditKind } from './audit-appender';
import {
  closeIdentityFixture,
  enrollWithJoinToken,
  issueRequest,
  openIdentityFixture,
  renewRequest,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';
import { defaultIdentityConfig } from './identity-config';
import { SERIAL_ATTRIBUTE, VerificationError } from './identity-verifier';
import { mintJoinToken } from './join-tokens';

const nats = withNats();
let fixture: IdentityFixture;

beforeAll(async () => {
  fixture = await openIdentityFixture(nats.url, {
    config: {
      serverNames: {
        'service/gateway': ['omega-gateway.omega.svc', 'localhost', '127.0.0.1', '::1'],
      },
    },
  });
  nats.beforeStop(() => closeIdentityFixture(fixture));
});

describe('issuing identities with a join token', () => {
  it('issues omega://local/sentinel/node-1 with both keys, roles and a 1 h credential signed by the root, and logs it', async () => {
    const before = fixture.audit.entries.length;
    const { identity, credential, secretKey } = await enrollWithJoinToken(
      fixture,
      'sentinel',
      'node-1',
    );
    expect(identity.id).toBe('omega://local/sentinel/node-1');
    expect(identity.status).toBe(IdentityStatus.IDENTITY_STATUS_ACTIVE);
    expect(identity.keys[0]?.keyId).toBe(secretKey.keyId);
    expect(identity.keys[0]?.mlDsa.byteLength).toBe(1952);
    expect(identity.roles).toEqual(['sentinel']);
    expect(identity.expireTimeNs - identity.issueTimeNs).toBe(3600n * 1_000_000_000n);
    const serial = identity.attributes[SERIAL_ATTRIBUTE];
    expect(serial).toMatch(/^[0-9a-f]{32}$/);
    expect(credential.issuerSignature?.keyId).toBe(fixture.rootKey.keyId);
    await expect(
      fixture.service.verifier.verifyCredential(credential, fixture.clock.nowMs),
    ).resolves.toMatchObject({ id: identity.id });

    const logged = fixture.audit.entries.slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      kind: IdentityAuditKind.Issued,
      subject: identity.id,
      dedupeId: `identity_issued:${serial}`,
    });
    expect(Identity.decode(logged[0]!.body).id).toBe(identity.id);
    expect(identity.audit?.logIndex).toBe(BigInt(before));
  });

  it('puts the configured DNS names and IP addresses in the certificate of that identity only', async () => {
    const gateway = await enrollWithJoinToken(fixture, 'service', 'gateway');
    const names = new X509Certificate(gateway.credential.x509CertificateDer).subjectAltName;
    expect(names?.split(', ').sort()).toEqual(
      [
        'DNS:localhost',
        'DNS:omega-gateway.omega.svc',
        'IP Address:0:0:0:0:0:0:0:1',
        'IP Address:127.0.0.1',
        'URI:omega://local/service/gateway',
      ].sort(),
    );
    const twin = await enrollWithJoinToken(fixture, 'service', 'twin-san');
    expect(new X509Certificate(twin.credential.x509CertificateDer).subjectAltName).toBe(
      'URI:omega://local/service/twin-san',
    );
  });

  it('refuses a server name that is neither a DNS name nor an IP address, naming it', () => {
    expect(() =>
      defaultIdentityConfig({ serverNames: { 'service/gateway': ['Bad_Name!'] } }),
    ).toThrow(/serverNames.*service\/gateway.*DNS name \(RFC 1123\) or an IP address/s);
    expect(() => defaultIdentityConfig({ serverNames: { gateway: ['localhost'] } })).toThrow(
      /<kind>\/<name>/,
    );
  });

  it('refuses a join token used twice, naming the first use', async () => {
    const { token } = await enrollWithJoinToken(fixture, 'service', 'intelligence');
    const { request } = issueRequest(fixture.mlDsa, 'service', 'intelligence', {
      $case: 'joinToken',
      value: token,
    });
    await expect(fixture.service.issuer.issue(request)).rejects.toThrow(
      /join token .*already used at .* by omega:\/\/local\/service\/intelligence/,
    );
  });

  it('refuses an expired join token', async () => {
    const { token } = await mintJoinToken(fixture.service.store, {
      kind: 'service',
      name: 'twin',
      ttlSeconds: 1,
      nowMs: fixture.clock.nowMs - 5_000,
    });
    const { request } = issueRequest(fixture.mlDsa, 'service', 'twin', {
      $case: 'joinToken',
      value: token,
    });
    await expect(fixture.service.issuer.issue(request)).rejects.toThrow(/join token .*expired at/);
  });

  it('refuses a join token minted for another name or kind, and an unknown one', async () => {
    const { token } = await mintJoinToken(fixture.service.store, {
      kind: 'sentinel',
      name: 'node-2',
      ttlSeconds: 60,
      nowMs: fixture.clock.nowMs,
    });
    const wrongName = issueRequest(fixture.mlDsa, 'sentinel', 'node-3', {
      $case: 'joinToken',
      value: token,
    });
    await expect(fixture.service.issuer.issue(wrongName.request)).rejects.toThrow(
      /minted for sentinel\/node-2, not sentinel\/node-3/,
    );
    const wrongKind = issueRequest(fixture.mlDsa, 'service', 'node-2', {
      $case: 'joinToken',
      value: token,
    });
    await expect(fixture.service.issuer.issue(wrongKind.request)).rejects.toThrow(
      /minted for sentinel\/node-2, not service\/node-2/,
    );
    const unknown = issueRequest(fixture.mlDsa, 'sentinel', 'node-2', {
      $case: 'joinToken',
      value: 'omegaj1_nope',
    });
    await expect(fixture.service.issuer.issue(unknown.request)).rejects.toThrow(
      /join token .*unknown/,
    );
  });

  it('refuses a proof of possession made with another key, naming the bad part', async () => {
    const { token } = await mintJoinToken(fixture.service.store, {
      kind: 'edge',
      name: 'edge-1',
      ttlSeconds: 60,
      nowMs: fixture.clock.nowMs,
    });
    const mine = issueRequest(fixture.mlDsa, 'edge', 'edge-1', {
      $case: 'joinToken',
      value: token,
    });
    const other = issueRequest(fixture.mlDsa, 'edge', 'edge-1', {
      $case: 'joinToken',
      value: token,
    });
    const forged = {
      ...mine.request,
      proof: { ...other.request.proof!, keyId: mine.secretKey.keyId },
    };
    await expect(fixture.service.issuer.issue(forged)).rejects.toThrow(
      /proof of possession: bad ed25519 part and bad ml-dsa part/,
    );
  });

  it('issues nothing when the audit log cannot record it, and leaves the join token usable', async () => {
    const { token } = await mintJoinToken(fixture.service.store, {
      kind: 'service',
      name: 'deception',
      ttlSeconds: 60,
      nowMs: fixture.clock.nowMs,
    });
    const { request } = issueRequest(fixture.mlDsa, 'service', 'deception', {
      $case: 'joinToken',
      value: token,
    });
    fixture.audit.failNext = true;
    await expect(fixture.service.issuer.issue(request)).rejects.toThrow(/audit log unavailable/);
    await expect(
      fixture.service.store.get('omega://local/service/deception'),
    ).resolves.toBeUndefined();
    // The failure was trust's: the token is not spent, and the retry enrolls.
    const retried = await fixture.service.issuer.issue(request);
    expect(retried.identity.id).toBe('omega://local/service/deception');
    await expect(fixture.service.issuer.issue(request)).rejects.toThrow(/already used/);
  });
});

describe('renewing and revoking', () => {
  it('renews before expiry with a request signed by the current key: new serial, new validity, logged', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'service', 'orchestrator');
    const oldSerial = enrolled.identity.attributes[SERIAL_ATTRIBUTE];
    fixture.clock.nowMs += 40 * 60_000; // two thirds of the hour
    try {
      const renewed = await fixture.service.issuer.renew(
        renewRequest(
          enrolled.identity.id,
          enrolled.signer,
          fixture.clock.nowMs,
          enrolled.credential,
        ),
      );
      expect(renewed.identity.attributes[SERIAL_ATTRIBUTE]).not.toBe(oldSerial);
      expect(renewed.identity.expireTimeNs).toBe(
        BigInt(fixture.clock.nowMs + 3_600_000) * 1_000_000n,
      );
      expect(fixture.audit.entries.at(-1)).toMatchObject({
        kind: IdentityAuditKind.Renewed,
        subject: enrolled.identity.id,
      });
      await expect(
        fixture.service.verifier.verifyCredential(renewed.credential, fixture.clock.nowMs),
      ).resolves.toBeDefined();
    } finally {
      fixture.clock.nowMs -= 40 * 60_000;
    }
  });

  it('refuses to renew an expired credential and a stale request', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'service', 'gateway');
    const stale = renewRequest(
      enrolled.identity.id,
      enrolled.signer,
      fixture.clock.nowMs - 10 * 60_000,
      enrolled.credential,
    );
    await expect(fixture.service.issuer.renew(stale)).rejects.toThrow(
      /request_time .* from trust's clock/,
    );
    fixture.clock.nowMs += 61 * 60_000;
    try {
      await expect(
        fixture.service.issuer.renew(
          renewRequest(
            enrolled.identity.id,
            enrolled.signer,
            fixture.clock.nowMs,
            enrolled.credential,
          ),
        ),
      ).rejects.toThrow(/expired/);
    } finally {
      fixture.clock.nowMs -= 61 * 60_000;
    }
  });

  it('refuses a renewal signed over other bytes', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'sentinel', 'node-9');
    const request = renewRequest(
      enrolled.identity.id,
      enrolled.signer,
      fixture.clock.nowMs,
      enrolled.credential,
    );
    await expect(fixture.service.issuer.renew({ ...request, ttlSeconds: 86_400 })).rejects.toThrow(
      /bad ed25519 part and bad ml-dsa part/,
    );
  });

  it('a revoked credential is refused by verification and cannot renew; the revocation is logged', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'sentinel', 'node-7');
    await expect(
      fixture.service.verifier.verifyCredential(enrolled.credential, fixture.clock.nowMs),
    ).resolves.toBeDefined();
    const { identity } = await fixture.service.issuer.revoke({
      identityId: enrolled.identity.id,
      keyId: '',
      reason: 'node decommissioned',
      requestId: 'rv-1',
    });
    expect(identity.status).toBe(IdentityStatus.IDENTITY_STATUS_REVOKED);
    expect(fixture.audit.entries.at(-1)).toMatchObject({
      kind: IdentityAuditKind.Revoked,
      subject: enrolled.identity.id,
    });
    const refused = fixture.service.verifier.verifyCredential(
      enrolled.credential,
      fixture.clock.nowMs,
    );
    await expect(refused).rejects.toThrow(VerificationError);
    await expect(refused).rejects.toThrow(/revoked \(node decommissioned\)/);
    await expect(
      fixture.service.issuer.renew(
        renewRequest(
          enrolled.identity.id,
          enrolled.signer,
          fixture.clock.nowMs,
          enrolled.credential,
        ),
      ),
    ).rejects.toThrow(/revoked/);
    const again = issueRequest(fixture.mlDsa, 'sentinel', 'node-7', {
      $case: 'joinToken',
      value: (
        await mintJoinToken(fixture.service.store, {
          kind: 'sentinel',
          name: 'node-7',
          ttlSeconds: 60,
          nowMs: fixture.clock.nowMs,
        })
      ).token,
    });
    await expect(fixture.service.issuer.issue(again.request)).rejects.toThrow(
      /revoked and cannot enroll again/,
    );
  });

  it('revoking the current key revokes its certificate serial, which every mTLS server then refuses', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'service', 'key-revoked');
    const serial = enrolled.identity.attributes[SERIAL_ATTRIBUTE];
    await fixture.service.issuer.revoke({
      identityId: enrolled.identity.id,
      keyId: enrolled.secretKey.keyId,
      reason: 'key leaked',
      requestId: 'rv-key',
    });
    const stored = await fixture.service.store.get(enrolled.identity.id);
    expect(stored?.record.identity.status).toBe(IdentityStatus.IDENTITY_STATUS_ACTIVE);
    expect(stored?.record.revokedSerials).toEqual([serial]);
  });

  it('refuses a credential whose document was altered or signed by another root', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'service', 'twin-b');
    const altered = Identity.encode({
      ...enrolled.identity,
      roles: ['admin'],
      audit: undefined,
    }).finish();
    await expect(
      fixture.service.verifier.verifyCredential(
        { ...enrolled.credential, identityDocument: Buffer.from(altered) },
        fixture.clock.nowMs,
      ),
    ).rejects.toThrow(/bad ed25519 part and bad ml-dsa part/);
    const mlDsaOnlyBroken = {
      ...enrolled.credential.issuerSignature!,
      mlDsa: Buffer.from(
        enrolled.credential.issuerSignature!.mlDsa.map((b, i) => (i === 0 ? b ^ 1 : b)),
      ),
    };
    await expect(
      fixture.service.verifier.verifyCredential(
        { ...enrolled.credential, issuerSignature: mlDsaOnlyBroken },
        fixture.clock.nowMs,
      ),
    ).rejects.toThrow(/bad ml-dsa part/);
    expect(
      signedMessage(SignaturePurpose.Credential, enrolled.credential.identityDocument).byteLength,
    ).toBeGreaterThan(64);
  });
});

describe('re-enrolling within a credential lifetime', () => {
  it('keeps every logged document to the current key however many keys overlap, and the record keeps them all', async () => {
    const before = fixture.audit.entries.length;
    const keyIds: string[] = [];
    for (let restart = 0; restart < 8; restart++) {
      const { identity, credential, secretKey } = await enrollWithJoinToken(
        fixture,
        'service',
        'restarting',
      );
      keyIds.unshift(secretKey.keyId);
      // The caller's answer and the record carry every still-valid key, newest first ...
      expect(identity.keys.map((k) => k.keyId)).toEqual(keyIds);
      // ... the signed document only the current one, with its key material.
      const document = Identity.decode(credential.identityDocument);
      expect(document.keys.map((k) => k.keyId)).toEqual([secretKey.keyId]);
      expect(document.keys[0]!.mlDsa.byteLength).toBe(1952);
      await expect(
        fixture.service.verifier.verifyCredential(credential, fixture.clock.nowMs),
      ).resolves.toMatchObject({ id: identity.id });
    }
    const logged = fixture.audit.entries.slice(before);
    expect(logged).toHaveLength(8);
    // Every entry is the same size whatever came before: one key, never the overlap.
    const sizes = new Set(logged.map((entry) => entry.body.byteLength));
    expect(sizes.size).toBe(1);
    const stored = await fixture.service.store.get('omega://local/service/restarting');
    expect(stored?.record.identity.keys.map((k) => k.keyId)).toEqual(keyIds);
  });
});
