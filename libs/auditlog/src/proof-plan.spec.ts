// Proof generation against a naive recursive reference written from RFC 9162, for sizes 1..600.
import { OmegaError } from '@omega/errors';
import { verifyConsistency } from './consistency-proof';
import { verifyInclusion } from './inclusion-proof';
import { hashLeaf } from './merkle-hash';
import {
  D,
  entries,
  MAX,
  mth,
  random,
  reader,
  referenceConsistency,
  referenceInclusion,
} from './rfc9162-spec-helpers';
import {
  buildConsistencyProof,
  buildInclusionProof,
  consistencyProofPlan,
  inclusionProofPlan,
} from './proof-plan';

const hex = (proof: Uint8Array[]) => proof.map((h) => Buffer.from(h).toString('hex'));
/** A proof as it travels (base64 strings in JSON) and back. */
const roundTrip = (proof: Uint8Array[]) =>
  (JSON.parse(JSON.stringify(proof.map((h) => Buffer.from(h).toString('base64')))) as string[]).map(
    (s) => new Uint8Array(Buffer.from(s, 'base64')),
  );
function flipBit(proof: Uint8Array[], rnd: (below: number) => number): Uint8Array[] {
  const copy = proof.map((h) => Uint8Array.from(h));
  const target = copy[rnd(copy.length)]!;
  target[rnd(32)]! ^= 1 << rnd(8);
  return copy;
}

describe('inclusion proof generation', () => {
  test('the reference leaf hashes are the lib leaf hashes', () => {
    expect(entries.map(hashLeaf)).toEqual(D.map((d) => Buffer.from(d)));
  });

  test('every leaf of every tree up to 64 leaves: the RFC path, and it verifies', () => {
    for (let size = 1; size <= 64; size++) {
      for (let index = 0; index < size; index++) {
        const proof = buildInclusionProof(reader, index, size);
        expect(hex(proof)).toEqual(hex(referenceInclusion(index, size)));
        verifyInclusion(D[index]!, index, size, proof, mth(0, size));
      }
    }
  });

  test('random leaves of every size 1..600 match the reference and survive a round trip', () => {
    const rnd = random(9162);
    for (let size = 1; size <= MAX; size++) {
      for (const index of [0, size - 1, rnd(size), rnd(size)]) {
        const proof = buildInclusionProof(reader, index, size);
        expect(hex(proof)).toEqual(hex(referenceInclusion(index, size)));
        verifyInclusion(D[index]!, index, size, roundTrip(proof), mth(0, size));
      }
    }
  });

  test('a proof with one flipped bit, one hash more or less, or for another leaf fails', () => {
    const rnd = random(6962);
    for (let size = 2; size <= MAX; size += 7) {
      const index = rnd(size);
      const proof = buildInclusionProof(reader, index, size);
      const root = mth(0, size);
      const other = (index + 1) % size;
      expect(() => verifyInclusion(D[index]!, index, size, flipBit(proof, rnd), root)).toThrow(
        'root mismatch',
      );
      expect(() => verifyInclusion(D[index]!, index, size, proof.slice(1), root)).toThrow(
        'inclusion proof: wrong length',
      );
      expect(() => verifyInclusion(D[index]!, index, size, [...proof, root], root)).toThrow(
        'inclusion proof: wrong length',
      );
      expect(() => verifyInclusion(D[other]!, index, size, proof, root)).toThrow(OmegaError);
      expect(() => verifyInclusion(D[index]!, other, size, proof, root)).toThrow(OmegaError);
    }
  });

  test('errors say which check failed', () => {
    const proof = buildInclusionProof(reader, 3, 7);
    expect(() => verifyInclusion(D[7]!, 7, 7, proof, mth(0, 7))).toThrow(
      'inclusion proof: index 7 >= size 7',
    );
    expect(() => verifyInclusion(D[3]!, 3, 7, proof.slice(0, 2), mth(0, 7))).toThrow(
      'inclusion proof: wrong length 2, want 3 for index 3 in size 7',
    );
    expect(() => verifyInclusion(D[3]!.subarray(1), 3, 7, proof, mth(0, 7))).toThrow(
      'inclusion proof: leaf hash is 31 bytes, want 32',
    );
    expect(() => verifyInclusion(D[3]!, 3, 7, proof, mth(0, 6))).toThrow(
      /^inclusion proof: root mismatch for index 3 in size 7: proof leads to [0-9a-f]{64}, want [0-9a-f]{64}$/,
    );
    expect(() => buildInclusionProof(reader, 0, 0)).toThrow('inclusion proof: index 0 >= size 0');
    expect(() => buildInclusionProof(reader, -1, 4)).toThrow('inclusion proof: index -1');
  });
});

describe('consistency proof generation', () => {
  test('every pair of sizes up to 64: the RFC proof, and it verifies', () => {
    for (let size2 = 1; size2 <= 64; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = buildConsistencyProof(reader, size1, size2);
        expect(hex(proof)).toEqual(hex(referenceConsistency(size1, size2)));
        verifyConsistency(size1, size2, proof, mth(0, size1), mth(0, size2));
      }
    }
  });

  test('random older sizes for every size 1..600 match the reference and survive a round trip', () => {
    const rnd = random(2014);
    for (let size2 = 1; size2 <= MAX; size2++) {
      for (const size1 of [1, size2, 1 + rnd(size2), 1 + rnd(size2)]) {
        const proof = buildConsistencyProof(reader, size1, size2);
        expect(hex(proof)).toEqual(hex(referenceConsistency(size1, size2)));
        verifyConsistency(size1, size2, roundTrip(proof), mth(0, size1), mth(0, size2));
      }
    }
  });

  test('a proof with one flipped bit, one hash more or less, or other roots fails', () => {
    const rnd = random(4);
    for (let size2 = 3; size2 <= MAX; size2 += 5) {
      const size1 = 1 + rnd(size2 - 1); // strictly smaller: a non-empty proof
      const proof = buildConsistencyProof(reader, size1, size2);
      const [root1, root2] = [mth(0, size1), mth(0, size2)];
      expect(() => verifyConsistency(size1, size2, flipBit(proof, rnd), root1, root2)).toThrow(
        'root mismatch',
      );
      expect(() => verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2)).toThrow(
        'consistency proof: wrong length',
      );
      expect(() => verifyConsistency(size1, size2, [...proof, root1], root1, root2)).toThrow(
        'consistency proof: wrong length',
      );
      expect(() => verifyConsistency(size1, size2, proof, root2, root2)).toThrow('root mismatch');
      expect(() => verifyConsistency(size1, size2, proof, root1, root1)).toThrow('root mismatch');
    }
  });

  test('errors say which check failed', () => {
    const proof = buildConsistencyProof(reader, 3, 7);
    expect(proof).toHaveLength(4);
    expect(() => verifyConsistency(3, 7, proof.slice(1), mth(0, 3), mth(0, 7))).toThrow(
      'consistency proof: wrong length 3, want 4 from size 3 to 7',
    );
    expect(() => verifyConsistency(0, 7, [], mth(0, 0), mth(0, 7))).toThrow(
      'consistency proof: from size 0 proves nothing',
    );
    expect(() => verifyConsistency(8, 7, [], mth(0, 8), mth(0, 7))).toThrow(
      'consistency proof: size1 8 > size2 7',
    );
    expect(() => verifyConsistency(7, 7, [mth(0, 7)], mth(0, 7), mth(0, 7))).toThrow(
      'consistency proof: sizes are equal (7) but the proof has 1 hashes, want 0',
    );
    expect(() => verifyConsistency(7, 7, [], mth(0, 7), mth(0, 6))).toThrow(
      'consistency proof: root mismatch: size 7 has two roots',
    );
    expect(() => verifyConsistency(3, 7, proof, mth(0, 3), mth(0, 6))).toThrow(
      /^consistency proof: root mismatch for new size 7: proof leads to [0-9a-f]{64}, want [0-9a-f]{64}$/,
    );
    expect(() => verifyConsistency(3, 7, proof, mth(0, 2), mth(0, 7))).toThrow(
      'consistency proof: root mismatch for old size 3',
    );
  });
});

describe('proof plans', () => {
  test('name the perfect subtrees to read, so asynchronous storage can be read first', () => {
    // Leaf 5 of 7: sibling leaf 4, then the ragged right [6, 7), then [0, 4).
    const plan = inclusionProofPlan(5, 7);
    expect(plan.nodes).toEqual([
      { level: 0, index: 4 },
      { level: 0, index: 6 },
      { level: 2, index: 0 },
    ]);
    expect(plan.length).toBe(3);
    // From 3 to 7: [2, 3), [3, 4) ... the right edge [4, 7) is two stored subtrees folded into one hash.
    const consistency = consistencyProofPlan(3, 7);
    expect(consistency.nodes).toEqual([
      { level: 0, index: 2 },
      { level: 0, index: 3 },
      { level: 1, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(consistency.length).toBe(4);
  });

  test('refuse hash sources that return the wrong number or size of hashes', () => {
    const plan = inclusionProofPlan(5, 7);
    expect(() => plan.assemble([])).toThrow('proof: hash source returned 0 hashes for 3 nodes');
    expect(() => plan.assemble([D[4]!, D[6]!, new Uint8Array(3)])).toThrow(
      'proof: stored hash of node (level 2, index 0) is 3 bytes, want 32',
    );
  });
});
