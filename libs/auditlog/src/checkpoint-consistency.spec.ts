// The client's fork and rollback check between a remembered checkpoint and a new one.
import { Code, OmegaError } from '@omega/errors';
import type { Checkpoint } from './checkpoint';
import { verifyCheckpointConsistency } from './checkpoint-consistency';
import { CompactRange } from './compact-range';
import { EMPTY_ROOT, hashLeaf, rootFromLeafHashes } from './merkle-hash';
import { buildConsistencyProof, type HashReader } from './proof-plan';

const ORIGIN = 'omega.local/audit';
const leaves = Array.from({ length: 40 }, (_, i) => hashLeaf(Uint8Array.of(i)));
const reader = (hashes: Uint8Array[]): HashReader => ({
  readHashes: (ids) =>
    ids.map((id) =>
      rootFromLeafHashes(hashes.slice(id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level)),
    ),
});
const checkpointOf = (hashes: Uint8Array[]): Checkpoint => ({
  origin: ORIGIN,
  size: hashes.length,
  rootHash: rootFromLeafHashes(hashes),
});

function failure(check: () => void): OmegaError {
  try {
    check();
  } catch (err) {
    expect(err).toBeInstanceOf(OmegaError);
    return err as OmegaError;
  }
  throw new Error('consistent, but should not be');
}

describe('checkpoint consistency', () => {
  test('a grown log with a valid proof is consistent, and so is the same checkpoint again', () => {
    const old = checkpointOf(leaves.slice(0, 13));
    const next = checkpointOf(leaves);
    verifyCheckpointConsistency(old, next, buildConsistencyProof(reader(leaves), 13, 40));
    verifyCheckpointConsistency(next, next, []);
    verifyCheckpointConsistency({ origin: ORIGIN, size: 0, rootHash: EMPTY_ROOT }, next, []);
  });

  test('a smaller checkpoint says loudly that the log rolled back', () => {
    const err = failure(() =>
      verifyCheckpointConsistency(checkpointOf(leaves), checkpointOf(leaves.slice(0, 30)), []),
    );
    expect(err.message).toBe(
      'log rolled back: log omega.local/audit is at size 30, smaller than the previously seen size 40',
    );
    expect(err.code).toBe(Code.DataLoss);
  });

  test('the same size with another root says the log forked', () => {
    const forkedLeaves = [...leaves.slice(0, 39), hashLeaf(Uint8Array.of(99))];
    const err = failure(() =>
      verifyCheckpointConsistency(checkpointOf(leaves), checkpointOf(forkedLeaves), []),
    );
    expect(err.message).toMatch(
      /^log forked: log omega\.local\/audit has two roots at size 40: [0-9a-f]{64} now/,
    );
  });

  test('a grown log that rewrote history fails its proof and says the log forked', () => {
    const rewritten = [...leaves.slice(0, 5), hashLeaf(Uint8Array.of(99)), ...leaves.slice(6)];
    const old = checkpointOf(leaves.slice(0, 13));
    const next = checkpointOf(rewritten);
    const err = failure(() =>
      verifyCheckpointConsistency(old, next, buildConsistencyProof(reader(rewritten), 13, 40)),
    );
    expect(err.message).toMatch(
      /^log forked: log omega\.local\/audit size 40 is not proven consistent with the previously seen size 13: consistency proof: root mismatch/,
    );
    expect(err.code).toBe(Code.DataLoss);
    expect(err.cause).toBeInstanceOf(OmegaError);
    // A missing or truncated proof cannot prove consistency either.
    const truncated = failure(() =>
      verifyCheckpointConsistency(
        old,
        checkpointOf(leaves),
        buildConsistencyProof(reader(leaves), 13, 40).slice(1),
      ),
    );
    expect(truncated.message).toMatch(/^log forked: .*: consistency proof: wrong length/);
  });

  test('another origin is not a fork but a mistake', () => {
    const err = failure(() =>
      verifyCheckpointConsistency(
        checkpointOf(leaves),
        { ...checkpointOf(leaves), origin: 'other.example/log' },
        [],
      ),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toBe(
      'checkpoint consistency: origin "other.example/log" is not the previously seen "omega.local/audit"',
    );
  });

  test('works with the roots a CompactRange hands out as the log grows', () => {
    const range = new CompactRange();
    const seen: Checkpoint[] = [];
    for (let i = 0; i < leaves.length; i += 7) {
      const batch = range.appendBatch(leaves.slice(i, i + 7));
      seen.push({ origin: ORIGIN, size: batch.size, rootHash: batch.root });
    }
    const latest = seen[seen.length - 1]!;
    for (const old of seen) {
      verifyCheckpointConsistency(
        old,
        latest,
        buildConsistencyProof(reader(leaves), old.size, latest.size),
      );
    }
  });
});
