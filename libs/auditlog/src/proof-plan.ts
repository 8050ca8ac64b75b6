// Inclusion and consistency proof generation (RFC 9162 2.1.3.1 and 2.1.4.1) from stored node hashes.
import { Code, OmegaError } from '@omega/errors';
import { checkCount } from './bytes';
import { HASH_SIZE, hashChildren, splitPoint } from './merkle-hash';
import { rangeNodes, type NodeId } from './tree-node';

/**
 * Where proofs read stored hashes from: an in-memory tree, tiles, a database. Returns one 32-byte
 * hash per id, in order. Only perfect subtrees are ever asked for.
 */
export interface HashReader {
  readHashes(ids: readonly NodeId[]): readonly Uint8Array[];
}

/** A leaf range [begin, end) whose Merkle Tree Hash is one proof element. */
interface LeafRange {
  readonly begin: number;
  readonly end: number;
}

/**
 * What a proof needs from storage (`nodes`) and how to turn those hashes into the proof. Plans let
 * a caller with asynchronous storage fetch first (`await store.read(plan.nodes)`) and then
 * `assemble` without this lib ever doing I/O.
 */
export class ProofPlan {
  /** The stored hashes to read, in the order `assemble` expects them. */
  readonly nodes: readonly NodeId[];
  // Proof element i folds nodes [starts[i], starts[i + 1]) right to left; those nodes are the
  // perfect subtrees of one range, largest first, so the fold is that range's MTH.
  private readonly starts: readonly number[];

  constructor(ranges: readonly LeafRange[]) {
    const nodes: NodeId[] = [];
    const starts: number[] = [];
    for (const range of ranges) {
      starts.push(nodes.length);
      nodes.push(...rangeNodes(range.begin, range.end));
    }
    starts.push(nodes.length);
    this.nodes = nodes;
    this.starts = starts;
  }

  /** Number of hashes in the finished proof. */
  get length(): number {
    return this.starts.length - 1;
  }

  /** Builds the proof from the hashes of `nodes`, read in the same order. */
  assemble(hashes: readonly Uint8Array[]): Uint8Array[] {
    if (hashes.length !== this.nodes.length) {
      throw new OmegaError(
        Code.DataLoss,
        `proof: hash source returned ${hashes.length} hashes for ${this.nodes.length} nodes`,
      );
    }
    hashes.forEach((h, i) => {
      if (h.length !== HASH_SIZE) {
        const node = this.nodes[i]!;
        throw new OmegaError(
          Code.DataLoss,
          `proof: stored hash of node (level ${node.level}, index ${node.index}) is ${h.length} bytes, want ${HASH_SIZE}`,
        );
      }
    });
    const proof: Uint8Array[] = [];
    for (let p = 0; p < this.length; p++) {
      const first = this.starts[p]!;
      let i = this.starts[p + 1]! - 1;
      let acc = hashes[i]!;
      while (i > first) acc = hashChildren(hashes[--i]!, acc);
      proof.push(acc);
    }
    return proof;
  }
}

/**
 * PATH(index, D[size]) as ranges, leaf level first. Walks the RFC recursion top-down: at each
 * split the sibling subtree becomes one proof element.
 */
function inclusionRanges(index: number, size: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let begin = 0;
  let end = size;
  while (end - begin > 1) {
    const k = splitPoint(end - begin);
    if (index < begin + k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      begin += k;
    }
  }
  return ranges.reverse();
}

/** SUBPROOF(size1, D[size2], true) as ranges, in proof order. Requires 0 < size1 <= size2. */
function consistencyRanges(size1: number, size2: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let begin = 0;
  let end = size2;
  // Whether the subtree [begin, end) is the old tree itself (the verifier knows its root).
  let isOldRoot = true;
  for (;;) {
    const m = size1 - begin;
    const n = end - begin;
    if (m === n) {
      if (!isOldRoot) ranges.push({ begin, end });
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      begin += k;
      isOldRoot = false;
    }
  }
  return ranges.reverse();
}

function checkInclusionArgs(index: number, size: number): void {
  checkCount(index, 'inclusion proof: index');
  checkCount(size, 'inclusion proof: size');
  if (index >= size) {
    throw new OmegaError(Code.InvalidArgument, `inclusion proof: index ${index} >= size ${size}`);
  }
}

function checkConsistencyArgs(size1: number, size2: number): void {
  checkCount(size1, 'consistency proof: size1');
  checkCount(size2, 'consistency proof: size2');
  if (size1 === 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      'consistency proof: from size 0 proves nothing (every tree extends the empty tree)',
    );
  }
  if (size1 > size2) {
    throw new OmegaError(
      Code.InvalidArgument,
      `consistency proof: size1 ${size1} > size2 ${size2}`,
    );
  }
}

/** The nodes to read and how to combine them for the inclusion proof of leaf `index`. */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  checkInclusionArgs(index, size);
  return new ProofPlan(inclusionRanges(index, size));
}

/** The nodes to read and how to combine them for the consistency proof from size1 to size2. */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  checkConsistencyArgs(size1, size2);
  return new ProofPlan(consistencyRanges(size1, size2));
}

/** Number of hashes in a valid inclusion proof (validates the arguments like verification does). */
export function inclusionProofLength(index: number, size: number): number {
  checkInclusionArgs(index, size);
  return inclusionRanges(index, size).length;
}

/** Number of hashes in a valid consistency proof; 0 when the sizes are equal. */
export function consistencyProofLength(size1: number, size2: number): number {
  checkConsistencyArgs(size1, size2);
  return consistencyRanges(size1, size2).length;
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves, leaf level first. */
export function buildInclusionProof(reader: HashReader, index: number, size: number): Uint8Array[] {
  const plan = inclusionProofPlan(index, size);
  return plan.assemble(reader.readHashes(plan.nodes));
}

/** The consistency proof from the tree of size1 leaves to the tree of size2 leaves. */
export function buildConsistencyProof(
  reader: HashReader,
  size1: number,
  size2: number,
): Uint8Array[] {
  const plan = consistencyProofPlan(size1, size2);
  return plan.assemble(reader.readHashes(plan.nodes));
}
