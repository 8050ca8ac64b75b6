// The hand-written AppendAuditBatch answer against ts-proto (the same bytes for the same answer)
// and protobufjs reading the contract directly (an independent decoder).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { AppendAuditBatchResponse, type AppendAuditResponse } from '@omega/proto';
import type { AppendedBundle } from './audit-log';
import { encodeBatchAnswer } from './batch-answer';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(__dirname, '..', '..', '..', '..', 'proto', target);
root.loadSync('omega/v1/trust.proto', { keepCase: false });
const theirs = root.lookupType('omega.v1.AppendAuditBatchResponse');

const note = (size: number) =>
  `omega.local/audit\n${size}\n${randomBytes(32).toString('base64')}\n\n— omega.local/audit ${randomBytes(40).toString('base64')}\n`;

function bundle(
  index: number,
  checkpointSize: number,
  checkpoint: string,
  extra: Partial<AppendedBundle> = {},
): AppendedBundle {
  return {
    origin: 'omega.local/audit',
    index,
    entry: randomBytes(60 + (index % 200)),
    leafHash: randomBytes(32),
    inclusionProof: Array.from({ length: Math.ceil(Math.log2(checkpointSize)) }, () =>
      randomBytes(32),
    ),
    checkpoint,
    checkpointSize,
    ...extra,
  };
}

/** The answer as ts-proto objects, written out field by field from the proto's comments. */
function asMessage(bundles: readonly AppendedBundle[]): AppendAuditBatchResponse {
  const notes = new Map<number, string>();
  const results = bundles.map((b): AppendAuditResponse => {
    notes.set(b.checkpointSize, b.checkpoint);
    return {
      audit: {
        logIndex: BigInt(b.index),
        leafHash: Buffer.from(b.leafHash),
        checkpointSize: BigInt(b.checkpointSize),
      },
      commitmentSalt: Buffer.from(b.opening?.salt ?? new Uint8Array()),
      inclusionProof: b.inclusionProof.map((h) => Buffer.from(h)),
      checkpointNote: '',
      entry: Buffer.from(b.entry),
    };
  });
  const sizes = [...notes.keys()].sort((x, y) => x - y);
  return { results, checkpointNotes: sizes.map((s) => notes.get(s)!) };
}

const cases: Array<[string, AppendedBundle[]]> = [
  [
    'one entry at index 0 (default values left out)',
    [bundle(0, 1, note(1), { inclusionProof: [] })],
  ],
  [
    '128 entries under one checkpoint',
    Array.from({ length: 128 }, (_, i) => bundle(5000 + i, 6000, note(6000))),
  ],
  [
    'entries under three checkpoints, out of order, with a retried entry',
    (() => {
      const [a, b, c] = [note(300), note(9_000_000), note(70_000)];
      return [
        bundle(299, 9_000_000, b),
        bundle(17, 300, a),
        bundle(60_000, 70_000, c),
        bundle(17, 300, a),
      ];
    })(),
  ],
  [
    'a salted commitment and indexes past 2^32',
    [
      bundle(2 ** 40 + 3, 2 ** 40 + 10, note(2 ** 40 + 10), {
        opening: { salt: randomBytes(32), body: randomBytes(80) },
      }),
      bundle(2 ** 33, 2 ** 40 + 10, note(2 ** 40 + 10)),
    ],
  ],
  [
    'a note with non-ASCII text and an entry of 4,000 bytes',
    [bundle(9, 10, 'omega.local/audit\n10\nrøot=\n\n— ✓ sig\n', { entry: randomBytes(4000) })],
  ],
];

describe('encodeBatchAnswer', () => {
  it.each(cases)('%s: the bytes ts-proto encodes for the same answer', (_name, bundles) => {
    const ours = encodeBatchAnswer(bundles).bytes;
    const tsProto = Buffer.from(AppendAuditBatchResponse.encode(asMessage(bundles)).finish());
    expect(ours.toString('hex')).toBe(tsProto.toString('hex'));
  });

  it.each(cases)('%s: protobufjs decodes the fields back', (_name, bundles) => {
    const decoded = theirs.toObject(theirs.decode(encodeBatchAnswer(bundles).bytes), {
      longs: String,
      bytes: String,
      defaults: true,
    }) as {
      results: Array<{
        audit: { logIndex: string; leafHash: string; checkpointSize: string };
        commitmentSalt: string;
        inclusionProof: string[];
        checkpointNote: string;
        entry: string;
      }>;
      checkpointNotes: string[];
    };
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    expect(decoded.results).toHaveLength(bundles.length);
    bundles.forEach((b, i) => {
      const r = decoded.results[i]!;
      expect(r.audit.logIndex).toBe(String(b.index));
      expect(r.audit.checkpointSize).toBe(String(b.checkpointSize));
      expect(r.audit.leafHash).toBe(b64(b.leafHash));
      expect(r.inclusionProof).toEqual(b.inclusionProof.map(b64));
      expect(r.entry).toBe(b64(b.entry));
      expect(r.commitmentSalt).toBe(b64(b.opening?.salt ?? new Uint8Array()));
      expect(r.checkpointNote).toBe('');
    });
    const bySize = [...new Map(bundles.map((b) => [b.checkpointSize, b.checkpoint]))].sort(
      ([x], [y]) => x - y,
    );
    expect(decoded.checkpointNotes).toEqual(bySize.map(([, n]) => n));
  });
});
