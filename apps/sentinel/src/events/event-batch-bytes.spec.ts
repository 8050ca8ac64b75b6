// The publisher's batch assembly against ts-proto and @omega/trust-client: the bytes it signs are
// EventBatch.encode's for the same batch, protobufjs reads them, and the signed result verifies
// the way consumers verify (split at field 15, both signature halves, noble ML-DSA).
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import {
  HybridSigner,
  HybridVerifier,
  SignaturePurpose,
  generateHybridSecretKey,
  loadMlDsaBackend,
} from '@omega/crypto';
import { Event, EventBatch } from '@omega/proto';
import { splitSignedEventBatch } from '@omega/trust-client';
import {
  EVENTS_FIELD_KEY,
  signedEventBatchBytes,
  writeUnsignedEventBatch,
  type BatchEnvelope,
} from './event-batch-bytes';
import { ProtoWriter } from '@omega/proto';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(__dirname, '..', '..', '..', '..', 'proto', target);
root.loadSync('omega/v1/common.proto', { keepCase: false });
const PbBatch = root.lookupType('omega.v1.EventBatch');

const events = [
  Event.fromPartial({ id: 'e-1', node: 'n', message: 'x'.repeat(300), timeNs: 5n }),
  Event.fromPartial({ id: 'e-2', rawData: Buffer.alloc(20_000, 7) }),
  Event.fromPartial({}),
];
function entries(list: Event[]): Buffer {
  const w = new ProtoWriter(16);
  for (const e of list) w.uint32(EVENTS_FIELD_KEY).bytesField(Event.encode(e).finish());
  return Buffer.from(w.bytes());
}
const envelopes: Array<[string, BatchEnvelope]> = [
  [
    'a first batch',
    {
      senderId: 'omega://local/sentinel/n',
      keyId: 'k'.repeat(64),
      sessionId: 's-1',
      sequence: 1n,
      createdTimeNs: 1_763_900_000_000_000_000n,
      lostRecords: 0n,
      droppedEvents: 0n,
    },
  ],
  [
    'uint64 counters past 2^53',
    {
      senderId: 'a',
      keyId: '',
      sessionId: '',
      sequence: 2n ** 63n + 1n,
      createdTimeNs: 2n ** 64n - 1n,
      lostRecords: 2n ** 60n,
      droppedEvents: 300n,
    },
  ],
  [
    'an empty envelope',
    {
      senderId: '',
      keyId: '',
      sessionId: '',
      sequence: 0n,
      createdTimeNs: 0n,
      lostRecords: 0n,
      droppedEvents: 0n,
    },
  ],
];

const batchOf = (e: BatchEnvelope, list: Event[]): EventBatch =>
  EventBatch.fromPartial({
    sender: { id: e.senderId, keyId: e.keyId },
    sessionId: e.sessionId,
    sequence: e.sequence,
    createdTimeNs: e.createdTimeNs,
    events: list,
    lostRecords: e.lostRecords,
    droppedEvents: e.droppedEvents,
  });

describe('writeUnsignedEventBatch', () => {
  it.each(envelopes)('writes what ts-proto writes for %s', (_name, envelope) => {
    for (const list of [events, []]) {
      const w = new ProtoWriter(8);
      writeUnsignedEventBatch(w, envelope, entries(list));
      const ours = Buffer.from(w.bytes());
      expect(ours.equals(Buffer.from(EventBatch.encode(batchOf(envelope, list)).finish()))).toBe(
        true,
      );
      const pb = PbBatch.toObject(PbBatch.decode(ours), { longs: String });
      expect(pb['sequence'] ?? '0').toBe(envelope.sequence.toString());
      expect(pb['lostRecords'] ?? '0').toBe(envelope.lostRecords.toString());
      expect(((pb['events'] as unknown[] | undefined) ?? []).length).toBe(list.length);
    }
  });
});

describe('signedEventBatchBytes', () => {
  it('signs exactly the unsigned bytes, and verifies as consumers verify', async () => {
    const mlDsa = await loadMlDsaBackend('liboqs');
    const signer = new HybridSigner(await generateHybridSecretKey(mlDsa), mlDsa);
    const envelope = { ...envelopes[0]![1], keyId: signer.keyId };
    const signed = signedEventBatchBytes(signer, envelope, entries(events));
    const { batch, signedBytes, signature } = splitSignedEventBatch(signed);
    expect(
      Buffer.from(signedBytes).equals(
        Buffer.from(EventBatch.encode(batchOf(envelope, events)).finish()),
      ),
    ).toBe(true);
    expect(batch.events.map((e) => e.id)).toEqual(['e-1', 'e-2', '']);
    expect(signature.keyId).toBe(signer.keyId);
    const verifier = new HybridVerifier(await loadMlDsaBackend('noble'));
    expect(() =>
      verifier.verify(signer.publicKey, SignaturePurpose.EventBatch, signedBytes, signature),
    ).not.toThrow();
  });
});
