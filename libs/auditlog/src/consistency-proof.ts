// RFC 9162 section 2.1.4.2: verifying that a tree of size2 extends the tree of size1.
import { Code, OmegaError } from '@omega/errors';
import { bytesEqual, toHex } from './bytes';
import { bitLength, HASH_SIZE, hashChildren } from './merkle-hash';
import { consistencyProofLength } from './proof-plan';

function rootMismatch(which: string, size: number, computed: Uint8Array, want: Uint8Array) {
  return new OmegaError(
    Code.DataLoss,
    `consistency proof: root mismatch for ${which} size ${size}: proof leads to ${toHex(computed)}, want ${toHex(want)}`,
  );
}

/**
 * Checks that the tree of `size2` leaves with root `root2` is an append-only extension of the tree
 * of `size1` leaves with root `root1`. Requires 0 < size1 <= size2 (from the empty tree there is
 * nothing to prove). Throws OmegaError: InvalidArgument for impossible sizes or a malformed proof,
 * DataLoss for `root mismatch`.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const want = consistencyProofLength(size1, size2);
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new OmegaError(
        Code.InvalidArgument,
        `consistency proof: sizes are equal (${size1}) but the proof has ${proof.length} hashes, want 0`,
      );
    }
    if (!bytesEqual(root1, root2)) {
      throw new OmegaError(
        Code.DataLoss,
        `consistency proof: root mismatch: size ${size1} has two roots ${toHex(root1)} and ${toHex(root2)}`,
      );
    }
    return;
  }
  if (proof.length !== want) {
    throw new OmegaError(
      Code.InvalidArgument,
      `consistency proof: wrong length ${proof.length}, want ${want} from size ${size1} to ${size2}`,
    );
  }
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) {
      throw new OmegaError(
        Code.InvalidArgument,
        `consistency proof: proof[${i}] is ${h.length} bytes, want ${HASH_SIZE}`,
      );
    }
  });
  for (const [name, root] of [
    ['root1', root1],
    ['root2', root2],
  ] as const) {
    if (root.length !== HASH_SIZE) {
      throw new OmegaError(
        Code.InvalidArgument,
        `consistency proof: ${name} is ${root.length} bytes, want ${HASH_SIZE}`,
      );
    }
  }

  // When size1 is a power of two the old tree is a node of the new one, and the proof omits it.
  const path = 2 ** (bitLength(size1) - 1) === size1 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) {
      throw new OmegaError(Code.InvalidArgument, 'consistency proof: longer than the path to root');
    }
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) {
    throw new OmegaError(Code.InvalidArgument, 'consistency proof: shorter than the path to root');
  }
  if (!bytesEqual(fr, root1)) throw rootMismatch('old', size1, fr, root1);
  if (!bytesEqual(sr, root2)) throw rootMismatch('new', size2, sr, root2);
}
