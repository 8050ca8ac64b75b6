// RFC 9162 section 2.1.3.2: verifying that a leaf is in a tree of a given size and root.
import { Code, OmegaError } from '@omega/errors';
import { bytesEqual, toHex } from './bytes';
import { HASH_SIZE, hashChildren } from './merkle-hash';
import { inclusionProofLength } from './proof-plan';

function checkHashes(context: string, leafHash: Uint8Array, proof: readonly Uint8Array[]): void {
  if (leafHash.length !== HASH_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${context}: leaf hash is ${leafHash.length} bytes, want ${HASH_SIZE}`,
    );
  }
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${context}: proof[${i}] is ${h.length} bytes, want ${HASH_SIZE}`,
      );
    }
  });
}

/**
 * The root that `proof` leads to from leaf `index` with hash `leafHash` in a tree of `size` leaves.
 * Throws InvalidArgument when the proof cannot belong to that position (index out of range, wrong
 * number or size of hashes).
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array {
  const want = inclusionProofLength(index, size);
  checkHashes('inclusion proof', leafHash, proof);
  if (proof.length !== want) {
    throw new OmegaError(
      Code.InvalidArgument,
      `inclusion proof: wrong length ${proof.length}, want ${want} for index ${index} in size ${size}`,
    );
  }
  // The RFC's algorithm: fn walks up from the leaf, sn from the last leaf; where they share a
  // node the proof hash is a left sibling that may sit several levels up (the ragged right edge).
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) {
      throw new OmegaError(Code.InvalidArgument, 'inclusion proof: longer than the path to root');
    }
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) {
    throw new OmegaError(Code.InvalidArgument, 'inclusion proof: shorter than the path to root');
  }
  return r;
}

/**
 * Checks that the leaf with hash `leafHash` is at `index` in the tree of `size` leaves whose root
 * is `root`. Throws OmegaError: InvalidArgument for a malformed proof, DataLoss for `root mismatch`.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!bytesEqual(computed, root)) {
    throw new OmegaError(
      Code.DataLoss,
      `inclusion proof: root mismatch for index ${index} in size ${size}: proof leads to ${toHex(computed)}, want ${toHex(root)}`,
    );
  }
}
