// Reading leaf messages back: packed and one-leaf forms, and what a damaged message says.
import { headers } from '@nats-io/transport-node';
import { subjects, type Bus } from '@omega/bus';
import type { HybridSecretKey } from '@omega/crypto';
import { AuditEntry, AuditLeafBatch } from '@omega/proto';
import { withNats } from '@omega/testkit';
import { alertEntry, newLogKey, openBus, openLog } from '../testing/audit-spec-helpers';
import { INDEX_HEADER, LEAVES_HEADER, leavesOfMessage, REQUEST_ID_HEADER } from './audit-stream';

const leaf = (n: number) => Buffer.from(AuditEntry.encode(alertEntry(n)).finish());

function message(data: Uint8Array, fields: Record<string, string>) {
  const h = headers();
  for (const [k, v] of Object.entries(fields)) h.set(k, v);
  return { seq: 42, data, headers: h };
}

describe('leavesOfMessage', () => {
  it('reads a packed message: consecutive indexes from the header, leaves and ids from the body', () => {
    const body = AuditLeafBatch.encode({
      leaves: [leaf(1), leaf(2)],
      requestIds: ['a', ''],
    }).finish();
    const read = leavesOfMessage(message(body, { [INDEX_HEADER]: '7', [LEAVES_HEADER]: '2' }));
    expect(read.firstIndex).toBe(7);
    expect(read.leaves.map((l) => AuditEntry.decode(l).subject)).toEqual(['alert-1', 'alert-2']);
    expect(read.requestIds).toEqual(['a', undefined]);
  });

  it('reads a one-leaf message, with its id from the Omega header or Nats-Msg-Id', () => {
    const own = leavesOfMessage(
      message(leaf(3), { [INDEX_HEADER]: '0', [REQUEST_ID_HEADER]: 'r' }),
    );
    expect(own).toEqual({ firstIndex: 0, leaves: [leaf(3)], requestIds: ['r'] });
    const nats = leavesOfMessage(message(leaf(3), { [INDEX_HEADER]: '5', 'Nats-Msg-Id': 'm' }));
    expect(nats.requestIds).toEqual(['m']);
  });

  it('says which stream sequence and which check failed', () => {
    const body = AuditLeafBatch.encode({ leaves: [leaf(1)], requestIds: ['a'] }).finish();
    expect(() => leavesOfMessage(message(body, { [LEAVES_HEADER]: '1' }))).toThrow(
      'audit log: leaf message at stream AUDIT seq 42 has no valid Omega-Audit-Index header',
    );
    expect(() =>
      leavesOfMessage(message(body, { [INDEX_HEADER]: '-1', [LEAVES_HEADER]: '1' })),
    ).toThrow('has no valid Omega-Audit-Index header');
    expect(() =>
      leavesOfMessage(message(body, { [INDEX_HEADER]: '3', [LEAVES_HEADER]: '2' })),
    ).toThrow(
      'audit log: leaf message at stream AUDIT seq 42: Omega-Audit-Leaves says 2 leaves, the body holds 1 leaves and 1 request ids',
    );
    expect(() =>
      leavesOfMessage(message(Uint8Array.of(0xff), { [INDEX_HEADER]: '3', [LEAVES_HEADER]: '1' })),
    ).toThrow('audit log: leaf message at stream AUDIT seq 42: body is not an AuditLeafBatch');
  });
});

describe('a damaged leaf message in AUDIT', () => {
  const nats = withNats({ jetstream: true });
  let bus: Bus;
  let key: HybridSecretKey;

  beforeAll(async () => {
    bus = await openBus(nats.url);
    nats.beforeStop(() => bus.drain());
    key = await newLogKey();
  });

  it('is stepped over (skipped-messages.spec.ts): the leaves before it stay, the next goes after it', async () => {
    const log = await openLog(bus, key);
    const accepted = await log.append(alertEntry(1));
    const size = log.size;
    await log.close();
    const h = headers();
    h.set(INDEX_HEADER, String(size));
    h.set(LEAVES_HEADER, '2');
    const ack = await bus.js.publish(subjects.auditLeaves, Uint8Array.of(0xff, 0xff), {
      headers: h,
    });
    const reopened = await openLog(bus, key);
    expect(reopened.size).toBe(size);
    const next = await reopened.append(alertEntry(2));
    expect(next.index).toBe(size);
    await reopened.close();
    // A fresh stream: the accepted leaf is its first message, its checkpoint the second.
    const stored = await bus.jsm.streams.getMessage('AUDIT', { seq: 1 });
    expect(stored?.subject).toBe(subjects.auditLeaves);
    const kept = leavesOfMessage({ seq: stored!.seq, data: stored!.data, headers: stored!.header });
    expect(kept.firstIndex).toBe(accepted.index);
    expect(Buffer.from(kept.leaves[0]!)).toEqual(Buffer.from(accepted.entry));
    const after = await bus.jsm.streams.getMessage('AUDIT', { seq: ack.seq + 1 });
    expect(
      leavesOfMessage({ seq: after!.seq, data: after!.data, headers: after!.header }),
    ).toMatchObject({
      firstIndex: size,
    });
  });
});
