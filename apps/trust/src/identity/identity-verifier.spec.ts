import { EventBatch, VerificationFailure } from '@omega/proto';
import { SignaturePurpose, signedMessage } from '@omega/crypto';
import { withNats } from '@omega/testkit';
import { signEventBatch } from '@omega/trust-client';
import {
  closeIdentityFixture,
  enrollWithJoinToken,
  openIdentityFixture,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';

const nats = withNats();
let fixture: IdentityFixture;
let sentinel: Awaited<ReturnType<typeof enrollWithJoinToken>>;

beforeAll(async () => {
  fixture = await openIdentityFixture(nats.url);
  nats.beforeStop(() => closeIdentityFixture(fixture));
  sentinel = await enrollWithJoinToken(fixture, 'sentinel', 'node-1');
});

function batch(senderId = sentinel.identity.id, sequence = 1n): EventBatch {
  return EventBatch.fromPartial({
    sender: { id: senderId, keyId: sentinel.secretKey.keyId },
    sessionId: 's1',
    sequence,
    createdTimeNs: 1n,
  });
}

describe('VerifyBatch', () => {
  it('accepts a batch signed by a known sentinel, checked over the received bytes', async () => {
    const response = await fixture.service.verifier.verifyBatch(
      signEventBatch(sentinel.signer, batch()),
      fixture.clock.nowMs,
    );
    expect(response).toMatchObject({
      valid: true,
      failure: VerificationFailure.VERIFICATION_FAILURE_UNSPECIFIED,
    });
    expect(response.sender?.id).toBe('omega://local/sentinel/node-1');
  });

  it('refuses a batch changed after signing (bad ed25519 part and bad ml-dsa part)', async () => {
    const bytes = Buffer.from(signEventBatch(sentinel.signer, batch()));
    const sequenceOffset = bytes.indexOf(Buffer.from([0x18, 0x01])); // field 3 varint = 1
    bytes[sequenceOffset + 1] = 2;
    const response = await fixture.service.verifier.verifyBatch(bytes, fixture.clock.nowMs);
    expect(response).toMatchObject({
      valid: false,
      failure: VerificationFailure.VERIFICATION_FAILURE_ED25519_INVALID,
    });
    expect(response.detail).toMatch(/bad ed25519 part and bad ml-dsa part/);
  });

  it('refuses a batch naming another sender than the key owner (identity mismatch)', async () => {
    const response = await fixture.service.verifier.verifyBatch(
      signEventBatch(sentinel.signer, batch('omega://local/sentinel/node-2')),
      fixture.clock.nowMs,
    );
    expect(response.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_IDENTITY_MISMATCH);
  });

  it('refuses unsigned bytes and bytes after the signature (malformed)', async () => {
    const unsigned = EventBatch.encode(batch()).finish();
    expect(
      (await fixture.service.verifier.verifyBatch(unsigned, fixture.clock.nowMs)).failure,
    ).toBe(VerificationFailure.VERIFICATION_FAILURE_MALFORMED);
    const trailing = Buffer.concat([
      signEventBatch(sentinel.signer, batch()),
      Buffer.from([0x18, 0x05]),
    ]);
    const response = await fixture.service.verifier.verifyBatch(trailing, fixture.clock.nowMs);
    expect(response.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_MALFORMED);
    expect(response.detail).toMatch(/follows the signature/);
  });

  it('refuses a batch from a revoked key and from an expired credential', async () => {
    const other = await enrollWithJoinToken(fixture, 'sentinel', 'node-5');
    const signed = signEventBatch(
      other.signer,
      EventBatch.fromPartial({ sender: { id: other.identity.id }, sequence: 1n }),
    );
    expect(
      (await fixture.service.verifier.verifyBatch(signed, fixture.clock.nowMs + 2 * 3_600_000))
        .failure,
    ).toBe(VerificationFailure.VERIFICATION_FAILURE_KEY_EXPIRED);
    await fixture.service.issuer.revoke({
      identityId: other.identity.id,
      keyId: other.secretKey.keyId,
      reason: 'key leaked',
      requestId: '',
    });
    const response = await fixture.service.verifier.verifyBatch(signed, fixture.clock.nowMs);
    expect(response.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_KEY_REVOKED);
    expect(response.detail).toMatch(/revoked: key /);
  });
});

describe('VerifySignature', () => {
  it('checks a signed message against the key it names and the expected identity', async () => {
    const message = signedMessage(SignaturePurpose.AuditEntry, Buffer.from('payload'));
    const signature = sentinel.signer.sign(SignaturePurpose.AuditEntry, Buffer.from('payload'));
    const ok = await fixture.service.verifier.verifySignature(
      {
        message: Buffer.from(message),
        signature,
        expectedIdentityId: sentinel.identity.id,
        purpose: '',
      },
      fixture.clock.nowMs,
    );
    expect(ok.valid).toBe(true);
    const mismatch = await fixture.service.verifier.verifySignature(
      {
        message: Buffer.from(message),
        signature,
        expectedIdentityId: 'omega://local/sentinel/node-2',
        purpose: '',
      },
      fixture.clock.nowMs,
    );
    expect(mismatch.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_IDENTITY_MISMATCH);
    const raw = await fixture.service.verifier.verifySignature(
      { message: Buffer.from('payload'), signature, expectedIdentityId: '', purpose: '' },
      fixture.clock.nowMs,
    );
    expect(raw.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_MALFORMED);
    const unknown = await fixture.service.verifier.verifySignature(
      {
        message: Buffer.from(message),
        signature: { ...signature, keyId: 'ab'.repeat(32) },
        expectedIdentityId: '',
        purpose: '',
      },
      fixture.clock.nowMs,
    );
    expect(unknown.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_UNKNOWN_KEY);
  });

  it('builds the signed message from purpose and payload when the purpose is given', async () => {
    const payload = Buffer.from('payload');
    const signature = sentinel.signer.sign(SignaturePurpose.AuditEntry, payload);
    const verify = (purpose: string, message: Buffer) =>
      fixture.service.verifier.verifySignature(
        { message, signature, expectedIdentityId: sentinel.identity.id, purpose },
        fixture.clock.nowMs,
      );
    await expect(verify(SignaturePurpose.AuditEntry, payload)).resolves.toMatchObject({
      valid: true,
      signer: { id: sentinel.identity.id },
    });
    // The same signature is not valid for another purpose or another payload.
    const otherPurpose = await verify(SignaturePurpose.EventBatch, payload);
    expect(otherPurpose.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_ED25519_INVALID);
    expect(otherPurpose.detail).toMatch(/bad ed25519 part and bad ml-dsa part/);
    const otherPayload = await verify(SignaturePurpose.AuditEntry, Buffer.from('payloaD'));
    expect(otherPayload.valid).toBe(false);
    // With a purpose, the message is the payload: a complete signed message is signed again.
    const wrapped = await verify(
      SignaturePurpose.AuditEntry,
      Buffer.from(signedMessage(SignaturePurpose.AuditEntry, payload)),
    );
    expect(wrapped.valid).toBe(false);
    const malformed = await verify('Audit Entry', payload);
    expect(malformed.failure).toBe(VerificationFailure.VERIFICATION_FAILURE_MALFORMED);
    expect(malformed.detail).toMatch(/signature purpose "Audit Entry" is malformed/);
  });
});
