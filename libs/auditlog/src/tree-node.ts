// Addressing the perfect subtrees of a Merkle tree: node ids and range decomposition.
import { Code, OmegaError } from '@omega/errors';
import { checkCount } from './bytes';

/**
 * The root of a perfect subtree: level 0 are leaves, and node (level, index) covers the leaves
 * [index * 2^level, (index + 1) * 2^level). Only perfect subtrees are ever stored; the ragged
 * right edge of a tree is recomputed from them.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A node id with its hash, as produced by appends and stored in tiles. */
export interface NodeHash extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * The fewest perfect subtrees that exactly cover the leaves [begin, end), left to right. For a
 * range starting at 0 (a whole tree) this is the compact range: one node per set bit of `end`,
 * largest first.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  checkCount(begin, 'range begin');
  checkCount(end, 'range end');
  if (begin > end) {
    throw new OmegaError(Code.InvalidArgument, `range [${begin}, ${end}) is reversed`);
  }
  const nodes: NodeId[] = [];
  let at = begin;
  while (at < end) {
    // The largest aligned subtree starting at `at` that does not pass `end`.
    let level = 0;
    let size = 1;
    while (at % (size * 2) === 0 && at + size * 2 <= end) {
      level++;
      size *= 2;
    }
    nodes.push({ level, index: at / size });
    at += size;
  }
  return nodes;
}
