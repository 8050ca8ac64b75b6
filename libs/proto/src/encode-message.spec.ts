// encodeMessage must give exactly ts-proto's bytes (and so protobufjs's) whatever it encoded
// before: a big message, a small one after it, one that throws halfway.
import { randomBytes } from 'node:crypto';
import { loadProtobufjsRoot } from './common.fixtures';
import {
  AppendAuditBatchResponse,
  AuditEntry,
  AuditEntryKind,
  encodeMessage,
  type AppendAuditResponse,
} from './index';

const root = loadProtobufjsRoot();
const tsProto = <T>(type: { encode(m: T): { finish(): Uint8Array } }, message: T) =>
  Buffer.from(type.encode(message).finish()).toString('hex');

const entry = (n: number): AuditEntry =>
  AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    timeNs: 1_700_000_000_000_000_000n + BigInt(n),
    subject: `alert-${n}`,
    summary: `outbound scan of 10.0.${n % 256}.0/24 — naïve résumé ✓`,
    payload: randomBytes(n % 300),
  });

const batchAnswer = (count: number): AppendAuditBatchResponse => ({
  results: Array.from({ length: count }, (_, i): AppendAuditResponse => ({
    audit: { logIndex: BigInt(i), leafHash: randomBytes(32), checkpointSize: 4096n },
    commitmentSalt: Buffer.alloc(0),
    inclusionProof: Array.from({ length: 12 }, () => randomBytes(32)),
    checkpointNote: '',
    entry: Buffer.from(AuditEntry.encode(entry(i)).finish()),
  })),
  checkpointNotes: ['omega.local/audit\n4096\nq83...=\n\n— omega.local/audit sig\n'],
});

describe('encodeMessage (one reused writer)', () => {
  it('gives ts-proto bytes, which protobufjs decodes to the same entry', () => {
    for (let n = 0; n < 50; n++) {
      const message = entry(n);
      const bytes = encodeMessage(AuditEntry, message);
      expect(bytes.toString('hex')).toBe(tsProto(AuditEntry, message));
      const theirs = root.lookupType('omega.v1.AuditEntry');
      expect(Buffer.from(theirs.encode(theirs.decode(bytes)).finish()).toString('hex')).toBe(
        bytes.toString('hex'),
      );
    }
  });

  it('encodes a large answer, then small messages, each exactly', () => {
    const big = batchAnswer(1024);
    const bigBytes = encodeMessage(AppendAuditBatchResponse, big);
    expect(bigBytes.byteLength).toBeGreaterThan(500_000);
    expect(bigBytes.toString('hex')).toBe(tsProto(AppendAuditBatchResponse, big));
    const small = entry(7);
    const smallBytes = encodeMessage(AuditEntry, small);
    expect(smallBytes.toString('hex')).toBe(tsProto(AuditEntry, small));
    // Results own their bytes: a later encode does not change an earlier result.
    expect(bigBytes.toString('hex')).toBe(tsProto(AppendAuditBatchResponse, big));
    expect(smallBytes.buffer).not.toBe(bigBytes.buffer);
  });

  it('drops a writer grown past 4 MiB and still encodes exactly', () => {
    const huge = AuditEntry.fromPartial({ subject: 'huge', payload: randomBytes(5 * 1024 * 1024) });
    expect(encodeMessage(AuditEntry, huge).toString('hex')).toBe(tsProto(AuditEntry, huge));
    const after = entry(3);
    expect(encodeMessage(AuditEntry, after).toString('hex')).toBe(tsProto(AuditEntry, after));
  });

  it('recovers from a message that throws halfway through encoding', () => {
    const nested = batchAnswer(2);
    // A uint64 out of range two messages deep: the writer is mid-fork when it throws.
    const bad = batchAnswer(2);
    bad.results[1]!.audit!.logIndex = 1n << 70n;
    expect(() => encodeMessage(AppendAuditBatchResponse, bad)).toThrow(/logIndex|uint64|range/);
    expect(encodeMessage(AppendAuditBatchResponse, nested).toString('hex')).toBe(
      tsProto(AppendAuditBatchResponse, nested),
    );
  });
});
