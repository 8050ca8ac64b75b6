// Batch inclusion proofs against the literal RFC 9162 reference and against one proof per leaf.
import { OmegaError } from '@omega/errors';
import { BatchInclusionPlan } from './batch-inclusion-proofs';
import { verifyInclusion } from './inclusion-proof';
import { buildInclusionProof } from './proof-plan';
import { D, MAX, mth, random, reader, referenceInclusion } from './rfc9162-spec-helpers';

const hex = (proofs: Uint8Array[][]) =>
  proofs.map((proof) => proof.map((h) => Buffer.from(h).toString('hex')));

function proofsOf(indexes: number[], size: number): Uint8Array[][] {
  const plan = new BatchInclusionPlan(indexes, size);
  return plan.assemble(reader.readHashes(plan.nodes), mth(0, size));
}

describe('BatchInclusionPlan', () => {
  test('every contiguous run in every tree up to 40 leaves: the RFC paths, and they verify', () => {
    for (let size = 1; size <= 40; size++) {
      for (let begin = 0; begin < size; begin++) {
        for (let end = begin + 1; end <= size; end++) {
          const indexes = Array.from({ length: end - begin }, (_, i) => begin + i);
          const proofs = proofsOf(indexes, size);
          expect(hex(proofs)).toEqual(hex(indexes.map((m) => referenceInclusion(m, size))));
        }
      }
    }
  });

  test('scattered leaves of sizes up to 600 (a log batch with retries elsewhere) match one proof per leaf', () => {
    const rnd = random(1024);
    for (let size = 1; size <= MAX; size += 3) {
      const start = rnd(size);
      const run = Array.from({ length: Math.min(size - start, 1 + rnd(300)) }, (_, i) => start + i);
      const indexes = [...run, rnd(size), rnd(size), size - 1, 0, run[0]!];
      const plan = new BatchInclusionPlan(indexes, size);
      const proofs = plan.assemble(reader.readHashes(plan.nodes), mth(0, size));
      plan.indexes.forEach((m, i) => {
        expect(hex([proofs[i]!])).toEqual(hex([buildInclusionProof(reader, m, size)]));
        verifyInclusion(D[m]!, m, size, proofs[i]!, mth(0, size));
      });
    }
  });

  test('a run reads about one stored hash per leaf plus one per level, not a full proof per leaf', () => {
    const size = 1_000_000;
    const indexes = Array.from({ length: 1024 }, (_, i) => 998_000 + i);
    const plan = new BatchInclusionPlan(indexes, size);
    expect(plan.nodes.length).toBeLessThan(1024 + 2 * 20);
    expect(plan.nodes.length).toBeGreaterThanOrEqual(1024);
  });

  test('indexes are de-duplicated and sorted; an empty set needs nothing', () => {
    const plan = new BatchInclusionPlan([5, 3, 5, 4], 9);
    expect(plan.indexes).toEqual([3, 4, 5]);
    const empty = new BatchInclusionPlan([], 9);
    expect(empty.nodes).toEqual([]);
    expect(empty.assemble([], mth(0, 9))).toEqual([]);
  });

  test('a stored hash that does not lead to the signed root is data loss, naming both roots', () => {
    const plan = new BatchInclusionPlan([10, 11, 12], 50);
    const hashes = reader.readHashes(plan.nodes).map((h) => Uint8Array.from(h));
    hashes[hashes.length - 1]![0]! ^= 1;
    expect(() => plan.assemble(hashes, mth(0, 50))).toThrow(
      /inclusion proofs: stored hashes give root [0-9a-f]{64} for size 50, the checkpoint has [0-9a-f]{64}/,
    );
  });

  test('bad arguments and bad hash sources say what is wrong', () => {
    expect(() => new BatchInclusionPlan([7], 7)).toThrow('inclusion proofs: index 7 >= size 7');
    expect(() => new BatchInclusionPlan([-1], 7)).toThrow(OmegaError);
    const plan = new BatchInclusionPlan([1, 2], 7);
    expect(() => plan.assemble([], mth(0, 7))).toThrow(
      `inclusion proofs: hash source returned 0 hashes for ${plan.nodes.length} nodes`,
    );
    const short = reader.readHashes(plan.nodes).map((h, i) => (i === 0 ? h.subarray(0, 31) : h));
    expect(() => plan.assemble(short, mth(0, 7))).toThrow(/is 31 bytes, want 32/);
  });
});
