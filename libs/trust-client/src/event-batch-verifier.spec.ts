// verifyEventBatch with real hybrid keys (liboqs ML-DSA-65 + node Ed25519): what a sentinel signs
// verifies; each way a batch can be wrong is refused with its own reason.
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import {
  generateHybridSecretKey,
  HybridSigner,
  HybridVerifier,
  loadMlDsaBackend,
  SignaturePurpose,
} from '@omega/crypto';
import { EventBatch, HybridSignature, Identity, IdentityKind, IdentityStatus } from '@omega/proto';
import { signEventBatch } from './event-batch-signature';
import { verifyEventBatch, type BatchVerdict } from './event-batch-verifier';
import { decodeIdentityRecord, encodeIdentityRecord } from './identity-record';

const NOW_MS = Date.UTC(2026, 10, 23, 7, 0, 0);
const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;
const HOUR = 3_600_000;
const SENDER = 'omega://local/sentinel/node-1';

let signer: HybridSigner;
let other: HybridSigner;
let verifier: HybridVerifier;

beforeAll(async () => {
  const mlDsa = await loadMlDsaBackend('liboqs');
  signer = new HybridSigner(await generateHybridSecretKey(mlDsa), mlDsa);
  other = new HybridSigner(await generateHybridSecretKey(mlDsa), mlDsa);
  verifier = new HybridVerifier(mlDsa);
});

function identityOf(s: HybridSigner, overrides: Partial<Identity> = {}): Identity {
  return Identity.fromPartial({
    id: SENDER,
    kind: IdentityKind.IDENTITY_KIND_SENTINEL,
    status: IdentityStatus.IDENTITY_STATUS_ACTIVE,
    keys: [
      { ...s.publicKey, notBeforeTimeNs: ns(NOW_MS - HOUR), notAfterTimeNs: ns(NOW_MS + HOUR) },
    ],
    issueTimeNs: ns(NOW_MS - HOUR),
    expireTimeNs: ns(NOW_MS + HOUR),
    ...overrides,
  });
}

function batch(overrides: Partial<EventBatch> = {}): EventBatch {
  return EventBatch.fromPartial({
    sender: { id: SENDER, keyId: signer.keyId },
    sessionId: 's-1',
    sequence: 7n,
    createdTimeNs: ns(NOW_MS - 1000),
    events: [{ id: 'e-1', timeNs: ns(NOW_MS - 1500), node: 'node-1' }],
    ...overrides,
  });
}

async function verify(
  bytes: Uint8Array,
  identities: Identity[] = [identityOf(signer)],
): Promise<BatchVerdict> {
  return verifyEventBatch(bytes, NOW_MS, {
    lookup: async (keyId) => identities.find((i) => i.keys.some((k) => k.keyId === keyId)),
    verifier,
    maxAgeMs: HOUR,
    maxSkewMs: 60_000,
  });
}

function rejection(verdict: BatchVerdict): [string, string] {
  if (verdict.ok) throw new Error('expected a rejection');
  return [verdict.reason, verdict.detail];
}

describe('verifyEventBatch', () => {
  it('accepts a batch its sender signed, and names the sender', async () => {
    const verdict = await verify(signEventBatch(signer, batch()));
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.sender.id).toBe(SENDER);
    expect(verdict.batch.events[0]!.id).toBe('e-1');
  });

  it('refuses an unsigned batch, but hands back its events (for a policy that allows them)', async () => {
    const verdict = await verify(EventBatch.encode(batch()).finish());
    expect(rejection(verdict)).toEqual([
      'unsigned',
      `event batch from ${SENDER} seq 7: no signature (field 15)`,
    ]);
    expect(verdict.ok || verdict.batch?.events.length).toBe(1);
  });

  it('refuses a batch whose events were altered after signing', async () => {
    const signed = Buffer.from(signEventBatch(signer, batch()));
    const at = signed.lastIndexOf(Buffer.from('node-1')); // the event's node, not the sender
    signed[at + 5] = '2'.charCodeAt(0);
    const [reason, detail] = rejection(await verify(signed));
    expect(reason).toBe('forged');
    expect(detail).toMatch(/ed25519 and ml-dsa-65 signatures invalid/);
  });

  it('refuses a batch signed by a key trust never issued, claiming the sender', async () => {
    const forged = signEventBatch(other, batch({ sender: { id: SENDER, keyId: other.keyId } }));
    const [reason, detail] = rejection(await verify(forged));
    expect(reason).toBe('unknown-key');
    expect(detail).toContain(`unknown key ${other.keyId}`);
  });

  it("refuses a batch signed with another identity's key", async () => {
    const thief = identityOf(other, { id: 'omega://local/sentinel/node-9' });
    const forged = signEventBatch(other, batch({ sender: { id: SENDER, keyId: other.keyId } }));
    const [reason] = rejection(await verify(forged, [identityOf(signer), thief]));
    expect(reason).toBe('identity-mismatch');
  });

  it('refuses a signature made for another purpose over the same bytes', async () => {
    const unsigned = EventBatch.encode(batch()).finish();
    const token = signer.sign(SignaturePurpose.Token, unsigned);
    const writer = new BinaryWriter();
    writer.raw(unsigned);
    writer.uint32((15 << 3) | 2);
    writer.bytes(HybridSignature.encode(token).finish());
    const [reason, detail] = rejection(await verify(writer.finish()));
    expect(reason).toBe('forged');
    expect(detail).toContain("purpose mismatch: signed for 'token'");
  });

  it('refuses a batch sealed after its key expired (an expired credential replayed)', async () => {
    const expired = identityOf(signer, {
      keys: [
        {
          ...signer.publicKey,
          notBeforeTimeNs: ns(NOW_MS - 3 * HOUR),
          notAfterTimeNs: ns(NOW_MS - 2 * 60_000),
        },
      ],
    });
    const [reason, detail] = rejection(await verify(signEventBatch(signer, batch()), [expired]));
    expect(reason).toBe('expired');
    expect(detail).toContain('not at 2026-11-23T06:59:59.000Z');
  });

  it('accepts a backlog batch sealed while its key was valid', async () => {
    const rotated = identityOf(signer, {
      keys: [
        {
          ...signer.publicKey,
          notBeforeTimeNs: ns(NOW_MS - 3 * HOUR),
          notAfterTimeNs: ns(NOW_MS - 20 * 60_000),
        },
      ],
    });
    const old = signEventBatch(signer, batch({ createdTimeNs: ns(NOW_MS - 30 * 60_000) }));
    expect((await verify(old, [rotated])).ok).toBe(true);
  });

  it('refuses a batch from a revoked identity', async () => {
    const revoked = identityOf(signer, {
      status: IdentityStatus.IDENTITY_STATUS_REVOKED,
      revocationReason: 'node decommissioned',
    });
    const [reason, detail] = rejection(await verify(signEventBatch(signer, batch()), [revoked]));
    expect(reason).toBe('revoked');
    expect(detail).toContain('(node decommissioned)');
  });

  it('refuses batches sealed too long ago or in the future', async () => {
    const old = signEventBatch(signer, batch({ createdTimeNs: ns(NOW_MS - 2 * HOUR) }));
    const future = signEventBatch(signer, batch({ createdTimeNs: ns(NOW_MS + 5 * 60_000) }));
    expect(rejection(await verify(old))[0]).toBe('stale');
    expect(rejection(await verify(future))[0]).toBe('stale');
  });

  it('refuses bytes that are not a batch, and a batch with no sender', async () => {
    expect(rejection(await verify(Uint8Array.of(0xff, 0xff, 0xff)))[0]).toBe('malformed');
    const anonymous = signEventBatch(signer, batch({ sender: undefined }));
    expect(rejection(await verify(anonymous))).toEqual([
      'malformed',
      'event batch from (no sender) session s-1 seq 7: sender.id is empty',
    ]);
  });

  it('reads the identity record trust stores in omega_identities', () => {
    const record = { identity: identityOf(signer), currentSerial: 'ab', revokedSerials: ['aa'] };
    const text = encodeIdentityRecord(record);
    const decoded = decodeIdentityRecord(new TextEncoder().encode(text), 'id.x');
    expect(decoded.identity.keys[0]!.keyId).toBe(signer.keyId);
    expect(decoded.revokedSerials).toEqual(['aa']);
    expect(() => decodeIdentityRecord(new TextEncoder().encode('{'), 'id.x')).toThrow(
      /omega_identities id.x: record does not decode/,
    );
  });
});
