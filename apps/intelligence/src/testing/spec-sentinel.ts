// A sentinel for the intelligence specs: a real hybrid key whose identity is recorded in
// `omega_identities` exactly as trust records an enrolled sentinel (@omega/trust-client's codec),
// and batches signed with @omega/trust-client's signEventBatch, published as the sentinel does.
import { publishBytes, subjects, type Bus, type PubAck } from '@omega/bus';
import {
  generateHybridSecretKey,
  HybridSigner,
  loadMlDsaBackend,
  type HybridSecretKey,
} from '@omega/crypto';
import { EventBatch, Identity, IdentityKind, IdentityStatus, type Event } from '@omega/proto';
import {
  encodeIdentityRecord,
  identityRecordKey,
  keyIndexKey,
  signEventBatch,
} from '@omega/trust-client';

const HOUR_NS = 3_600_000_000_000n;

export class SpecSentinel {
  private sequence = 0n;

  private constructor(
    readonly bus: Bus,
    readonly node: string,
    readonly id: string,
    readonly signer: HybridSigner,
    readonly sessionId: string,
  ) {}

  /** Records the sentinel's identity (valid ±1 h around now unless `validity` says otherwise). */
  static async enroll(
    bus: Bus,
    node: string,
    validity: { notBeforeNs?: bigint; notAfterNs?: bigint } = {},
    key?: HybridSecretKey,
  ): Promise<SpecSentinel> {
    const mlDsa = await loadMlDsaBackend('liboqs');
    const signer = new HybridSigner(key ?? (await generateHybridSecretKey(mlDsa)), mlDsa);
    const id = `omega://local/sentinel/${node}`;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const notBefore = validity.notBeforeNs ?? nowNs - HOUR_NS;
    const notAfter = validity.notAfterNs ?? nowNs + HOUR_NS;
    const identity = Identity.fromPartial({
      id,
      kind: IdentityKind.IDENTITY_KIND_SENTINEL,
      status: IdentityStatus.IDENTITY_STATUS_ACTIVE,
      keys: [{ ...signer.publicKey, notBeforeTimeNs: notBefore, notAfterTimeNs: notAfter }],
      issueTimeNs: notBefore,
      expireTimeNs: notAfter,
      roles: ['sentinel'],
    });
    const kv = await bus.kv('omega_identities');
    await kv.put(
      identityRecordKey(id),
      encodeIdentityRecord({ identity, currentSerial: '01', revokedSerials: [] }),
    );
    await kv.put(keyIndexKey(signer.keyId), id);
    return new SpecSentinel(bus, node, id, signer, `session-${node}-${Date.now()}`);
  }

  /** The next batch of this session, sealed now. */
  batch(events: Event[], overrides: Partial<EventBatch> = {}): EventBatch {
    this.sequence++;
    return EventBatch.fromPartial({
      sender: { id: this.id, keyId: this.signer.keyId },
      sessionId: this.sessionId,
      sequence: this.sequence,
      createdTimeNs: BigInt(Date.now()) * 1_000_000n,
      events,
      ...overrides,
    });
  }

  /** Signs and publishes a batch on `omega.telemetry.<kind>.<node>`, de-duplicated per sequence. */
  async publish(kind: string, events: Event[]): Promise<EventBatch> {
    const batch = this.batch(events);
    await this.publishSigned(kind, batch, signEventBatch(this.signer, batch));
    return batch;
  }

  publishSigned(kind: string, batch: EventBatch, bytes: Uint8Array): Promise<PubAck> {
    return publishBytes(this.bus, subjects.telemetry(kind, this.node), bytes, {
      msgId: `${this.id}:${batch.sessionId}:${batch.sequence}`,
    });
  }
}
