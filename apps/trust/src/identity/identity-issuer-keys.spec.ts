// The keys an identity request brings: a separate TLS key to certify, and a new key on renewal.
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { RenewIdentityRequest } from '@omega/proto';
import { HybridSigner, SignaturePurpose, generateHybridSecretKey } from '@omega/crypto';
import { withNats } from '@omega/testkit';
import { RENEWAL_PURPOSE } from '@omega/trust-client';
import {
  closeIdentityFixture,
  enrollWithJoinToken,
  issueRequest,
  openIdentityFixture,
  renewRequest,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';
import { mintJoinToken } from './join-tokens';

const nats = withNats();
let fixture: IdentityFixture;

beforeAll(async () => {
  fixture = await openIdentityFixture(nats.url);
  nats.beforeStop(() => closeIdentityFixture(fixture));
});

describe('a separate TLS key', () => {
  async function joinToken(name: string): Promise<string> {
    const { token } = await mintJoinToken(fixture.service.store, {
      kind: 'service',
      name,
      ttlSeconds: 60,
      nowMs: fixture.clock.nowMs,
    });
    return token;
  }

  function spkiOf(type: 'p256' | 'ed25519' | 'p384'): Buffer {
    const { publicKey } =
      type === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: type === 'p256' ? 'P-256' : 'P-384' });
    return publicKey.export({ format: 'der', type: 'spki' });
  }

  function leafSpki(der: Uint8Array): Buffer {
    return new X509Certificate(der).publicKey.export({ format: 'der', type: 'spki' });
  }

  it.each(['p256', 'ed25519'] as const)(
    'certifies the sent %s TLS key, not the Ed25519 half, at issuance and renewal',
    async (type) => {
      const name = `tls-${type}`;
      const spki = spkiOf(type);
      const { request, signer } = issueRequest(
        fixture.mlDsa,
        'service',
        name,
        { $case: 'joinToken', value: await joinToken(name) },
        undefined,
        spki,
      );
      const issued = await fixture.service.issuer.issue(request);
      expect(leafSpki(issued.credential.x509CertificateDer)).toEqual(spki);

      const renewed = await fixture.service.issuer.renew(
        renewRequest(issued.identity.id, signer, fixture.clock.nowMs, issued.credential),
      );
      expect(leafSpki(renewed.credential.x509CertificateDer)).toEqual(spki);
    },
  );

  it('certifies the Ed25519 half of the hybrid key when no TLS key is sent', async () => {
    const { request, secretKey } = issueRequest(fixture.mlDsa, 'service', 'tls-none', {
      $case: 'joinToken',
      value: await joinToken('tls-none'),
    });
    const issued = await fixture.service.issuer.issue(request);
    const leaf = new X509Certificate(issued.credential.x509CertificateDer);
    expect(leaf.publicKey.export({ format: 'jwk' }).x).toBe(
      Buffer.from(secretKey.publicKey.ed25519).toString('base64url'),
    );
  });

  it('refuses a TLS key the proof of possession does not cover', async () => {
    const { request } = issueRequest(
      fixture.mlDsa,
      'service',
      'tls-swapped',
      { $case: 'joinToken', value: await joinToken('tls-swapped') },
      undefined,
      spkiOf('p256'),
    );
    await expect(
      fixture.service.issuer.issue({ ...request, tlsPublicKeySpki: spkiOf('p256') }),
    ).rejects.toThrow(/proof of possession: bad ed25519 part and bad ml-dsa part/);
    await expect(
      fixture.service.issuer.issue({ ...request, tlsPublicKeySpki: Buffer.alloc(0) }),
    ).rejects.toThrow(/proof of possession/);
  });

  it('refuses a TLS key that is neither P-256 nor Ed25519, or not an SPKI', async () => {
    const p384 = spkiOf('p384');
    const { request } = issueRequest(
      fixture.mlDsa,
      'service',
      'tls-p384',
      { $case: 'joinToken', value: await joinToken('tls-p384') },
      undefined,
      p384,
    );
    await expect(fixture.service.issuer.issue(request)).rejects.toThrow(
      /tls_public_key_spki: ec \(secp384r1\) key; trust certifies P-256 or Ed25519/,
    );
    await expect(
      fixture.service.issuer.issue({ ...request, tlsPublicKeySpki: Buffer.from('not der') }),
    ).rejects.toThrow(/tls_public_key_spki/);
  });
});

describe('rotating keys on renewal', () => {
  /** A rotation to `newKey`, proven by `newKeySigner` (none: no new_key_proof), signed by `signer`. */
  function rotationRequest(
    { identity, signer, credential }: Awaited<ReturnType<typeof enrollWithJoinToken>>,
    newKey: ReturnType<typeof generateHybridSecretKey>,
    newKeySigner: Pick<HybridSigner, 'sign'> | undefined,
  ): RenewIdentityRequest {
    const bare = RenewIdentityRequest.fromPartial({
      identityId: identity.id,
      currentCredential: credential,
      newPublicKey: newKey.publicKey,
      requestTimeNs: BigInt(fixture.clock.nowMs) * 1_000_000n,
      requestId: `rotate-${newKey.keyId}`,
    });
    const withNewKeyProof: RenewIdentityRequest = {
      ...bare,
      newKeyProof: newKeySigner?.sign(
        SignaturePurpose.ProofOfPossession,
        RenewIdentityRequest.encode(bare).finish(),
      ),
    };
    return {
      ...withNewKeyProof,
      proof: signer.sign(RENEWAL_PURPOSE, RenewIdentityRequest.encode(withNewKeyProof).finish()),
    };
  }

  it('rotates to a new key that proves possession; the old key stays listed', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'service', 'rotate-ok');
    const newKey = generateHybridSecretKey(fixture.mlDsa);
    const renewed = await fixture.service.issuer.renew(
      rotationRequest(enrolled, newKey, new HybridSigner(newKey, fixture.mlDsa)),
    );
    expect(renewed.identity.keys.map((k) => k.keyId)).toEqual([
      newKey.keyId,
      enrolled.secretKey.keyId,
    ]);
    expect(renewed.credential.identity?.keyId).toBe(newKey.keyId);
  });

  it('refuses a rotation without a proof of possession by the new key', async () => {
    const enrolled = await enrollWithJoinToken(fixture, 'service', 'rotate-unproven');
    const newKey = generateHybridSecretKey(fixture.mlDsa);
    await expect(
      fixture.service.issuer.renew(rotationRequest(enrolled, newKey, undefined)),
    ).rejects.toThrow(/new_key_proof is missing; a key rotation must be signed by the new key/);
    // Signed by the current key in the new key's place: not a proof of holding the new one.
    const currentKeyAsNew = {
      sign: (purpose: string, payload: Uint8Array) => ({
        ...enrolled.signer.sign(purpose, payload),
        keyId: newKey.keyId,
      }),
    };
    await expect(
      fixture.service.issuer.renew(rotationRequest(enrolled, newKey, currentKeyAsNew)),
    ).rejects.toThrow(/new_key_proof: bad ed25519 part and bad ml-dsa part/);
    await expect(fixture.service.store.get(enrolled.identity.id)).resolves.toMatchObject({
      record: { identity: { keys: [{ keyId: enrolled.secretKey.keyId }] } },
    });
  });
});
