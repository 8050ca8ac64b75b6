// A compact range (Merkle mountain range): the perfect subtree roots of a tree, for O(log n) appends.
import { Code, OmegaError } from '@omega/errors';
import { checkCount } from './bytes';
import { EMPTY_ROOT, HASH_SIZE, hashChildren } from './merkle-hash';
import { rangeNodes, type NodeHash, type NodeId } from './tree-node';

/** What one append did: where the leaf landed and every node it completed, leaf first. */
export interface AppendResult {
  readonly index: number;
  readonly completed: NodeHash[];
}

/** What a batch append did: the new tree's root and every node completed, in completion order. */
export interface BatchAppendResult {
  /** Index of the first appended leaf (the tree size before). */
  readonly start: number;
  /** Tree size after. */
  readonly size: number;
  readonly root: Uint8Array;
  readonly completed: NodeHash[];
}

/**
 * The nodes whose hashes make up the compact range of a tree of `size` leaves: one perfect subtree
 * per set bit of `size`, largest (leftmost) first. A service restores a CompactRange after a
 * restart by reading exactly these hashes (from tiles) instead of rehashing the log.
 */
export function compactRangeNodes(size: number): NodeId[] {
  return rangeNodes(0, size);
}

function checkHash(hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `compact range: ${what} is ${hash.length} bytes, want ${HASH_SIZE}`,
    );
  }
}

/**
 * The right edge of a growing tree. Appending a leaf completes one node per trailing one bit of its
 * index; those node hashes are returned so a service can persist tiles incrementally, and the root
 * of any size is a fold of at most log2(n) stored hashes.
 */
export class CompactRange {
  private treeSize: number;
  // Roots of the perfect subtrees of compactRangeNodes(treeSize), left to right.
  private readonly stack: Uint8Array[];

  /** An empty tree, or a restored one: `hashes` are those of compactRangeNodes(size), in order. */
  constructor(size = 0, hashes: readonly Uint8Array[] = []) {
    checkCount(size, 'compact range: size');
    const want = compactRangeNodes(size).length;
    if (hashes.length !== want) {
      throw new OmegaError(
        Code.InvalidArgument,
        `compact range: size ${size} needs ${want} subtree hashes, got ${hashes.length}`,
      );
    }
    hashes.forEach((h, i) => checkHash(h, `hashes[${i}]`));
    this.treeSize = size;
    this.stack = [...hashes];
  }

  get size(): number {
    return this.treeSize;
  }

  /** The subtree roots, left to right (the hashes of compactRangeNodes(size)). */
  get hashes(): readonly Uint8Array[] {
    return this.stack;
  }

  /** Appends one leaf (its leaf hash, see hashLeaf). */
  append(leafHash: Uint8Array): AppendResult {
    checkHash(leafHash, 'leaf hash');
    const index = this.treeSize;
    const completed: NodeHash[] = [];
    this.push(leafHash, completed);
    return { index, completed };
  }

  /** Appends leaves in order and returns the new root once, for the checkpoint that covers them. */
  appendBatch(leafHashes: readonly Uint8Array[]): BatchAppendResult {
    leafHashes.forEach((h, i) => checkHash(h, `leaf hash ${i}`));
    const start = this.treeSize;
    const completed: NodeHash[] = [];
    for (const leafHash of leafHashes) this.push(leafHash, completed);
    return { start, size: this.treeSize, root: this.root(), completed };
  }

  /** MTH of the whole tree: the subtree roots folded right to left. */
  root(): Uint8Array {
    if (this.stack.length === 0) return EMPTY_ROOT.slice();
    let i = this.stack.length - 1;
    let root = this.stack[i]!;
    while (i > 0) root = hashChildren(this.stack[--i]!, root);
    return root;
  }

  /** An independent copy (e.g. to compute a tentative root without committing). */
  clone(): CompactRange {
    return new CompactRange(this.treeSize, this.stack);
  }

  private push(leafHash: Uint8Array, completed: NodeHash[]): void {
    let index = this.treeSize;
    let level = 0;
    let node = leafHash;
    completed.push({ level, index, hash: node });
    while (index % 2 === 1) {
      node = hashChildren(this.stack.pop()!, node);
      index = (index - 1) / 2;
      level++;
      completed.push({ level, index, hash: node });
    }
    this.stack.push(node);
    this.treeSize++;
  }
}
