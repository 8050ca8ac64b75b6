// RFC 9162 section 2.1.1 Merkle Tree Hash over SHA-256: leaf and interior node hashing.
import { hash } from 'node:crypto';
import { Code, OmegaError } from '@omega/errors';
import { checkCount } from './bytes';

/** Size of every hash in the tree, in bytes. */
export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string: the root of the empty tree. */
export const EMPTY_ROOT: Uint8Array = Uint8Array.from(
  Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'),
);

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// node:crypto hands a digest back either as a Buffer with its own ArrayBuffer, whose allocation
// (and later collection) costs more than SHA-256 of 65 bytes, or as a string. A 'binary' (latin1)
// string maps each byte to one character, so copying it into a pooled Buffer, or straight into a
// tile, is lossless and about twice as fast end to end (bench/auditlog measures both).
function sha256(input: Uint8Array): Uint8Array {
  return Buffer.from(hash('sha256', input, 'binary'), 'latin1');
}

/** Leaf hash: SHA-256(0x00 || entry). */
export function hashLeaf(entry: Uint8Array): Uint8Array {
  const input = Buffer.allocUnsafe(entry.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return sha256(input);
}

// One scratch buffer for interior nodes: hashing is synchronous, so no caller can observe it, and
// it saves an allocation on the hottest path (appends, proof assembly, tile reads).
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX;

/** Interior node hash: SHA-256(0x01 || left || right); both children are 32-byte hashes. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `merkle: child hashes are ${left.length} and ${right.length} bytes, want ${HASH_SIZE}`,
    );
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256(nodeInput);
}

/**
 * Writes at `parentOffset` of `tree` the node hash of the two hashes stored next to each other at
 * `childOffset` (a tile's consecutive hashes): no allocation at all, for expanding tiles.
 */
export function writeParentOfAdjacent(
  tree: Buffer,
  childOffset: number,
  parentOffset: number,
): void {
  nodeInput.set(tree.subarray(childOffset, childOffset + 2 * HASH_SIZE), 1);
  tree.write(hash('sha256', nodeInput, 'binary'), parentOffset, HASH_SIZE, 'latin1');
}

/** The number of bits needed to write `n` (0 for 0), for any integer below 2^53. */
export function bitLength(n: number): number {
  return n < 0x1_0000_0000 ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / 0x1_0000_0000));
}

/**
 * The RFC's split point k for n > 1 leaves: the largest power of two smaller than n. The left
 * subtree of MTH(D[n]) holds D[0:k], the right one D[k:n].
 */
export function splitPoint(n: number): number {
  checkCount(n, 'merkle: split of size');
  if (n < 2) throw new OmegaError(Code.InvalidArgument, `merkle: size ${n} has no split point`);
  return 2 ** (bitLength(n - 1) - 1);
}

/**
 * MTH of the leaves whose hashes are given, in order: the root of a tree (or of any range) built
 * from scratch. Runs in O(n) hashes with a stack of perfect subtrees, which is the same tree as the
 * recursive definition because it always splits at the largest power of two.
 */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return EMPTY_ROOT.slice();
  const stack: Uint8Array[] = [];
  for (let i = 0; i < leafHashes.length; i++) {
    let node = leafHashes[i]!;
    if (node.length !== HASH_SIZE) {
      throw new OmegaError(
        Code.InvalidArgument,
        `merkle: leaf hash ${i} is ${node.length} bytes, want ${HASH_SIZE}`,
      );
    }
    // Leaf i completes one perfect subtree per trailing one bit of i.
    for (let j = i; j % 2 === 1; j = (j - 1) / 2) node = hashChildren(stack.pop()!, node);
    stack.push(node);
  }
  let root = stack.pop()!;
  while (stack.length > 0) root = hashChildren(stack.pop()!, root);
  return root;
}
