// Proofs and entries of the log's signed trees, read from the tile store (tiles loaded on demand).
import {
  BatchInclusionPlan,
  buildConsistencyProof,
  buildInclusionProof,
  CompactRange,
  compactRangeNodes,
  consistencyProofPlan,
  decodeEntryBundle,
  entryBundlePath,
  hashLeaf,
  inclusionProofPlan,
  TILE_WIDTH,
  TileHashReader,
  TileNodeCache,
  type NodeId,
  verifyInclusion,
} from '@omega/auditlog';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { LogCheckpoint } from './audit-checkpoint';
import { tilesHolding, type TileStore } from './tile-store';

/**
 * Answers for trees up to the latest checkpoint (`checkpoints.latest`): what a checkpoint signed is
 * in the tile store by the time it is published, so every answer is read from there.
 */
export class LogProofs {
  private readonly nodeCache = new TileNodeCache();

  constructor(
    private readonly tiles: TileStore,
    private readonly checkpoints: { readonly latest: LogCheckpoint },
  ) {}

  /** The inclusion proof of `index` in the tree of `size` leaves (default: the latest checkpoint). */
  async inclusionProof(index: number, size = this.checkpoints.latest.size): Promise<Uint8Array[]> {
    this.checkSize(size);
    const plan = inclusionProofPlan(index, size);
    const reader = await this.readerFor(size, plan.nodes);
    return buildInclusionProof(reader, index, size);
  }

  /** The consistency proof from size1 to size2 (default: the latest checkpoint). */
  async consistencyProof(
    size1: number,
    size2 = this.checkpoints.latest.size,
  ): Promise<Uint8Array[]> {
    this.checkSize(size2);
    if (size1 === 0) return [];
    const plan = consistencyProofPlan(size1, size2);
    const reader = await this.readerFor(size2, plan.nodes);
    return buildConsistencyProof(reader, size1, size2);
  }

  /**
   * Inclusion proofs of many leaves in the tree `checkpoint` signed, in the order of `indexes`:
   * one walk down the tree for all of them (BatchInclusionPlan), each tile loaded once, and the
   * walk's root checked against the checkpoint's. `leafHashes` are leaf hashes this process put
   * in the tree itself (a batch's own): they need no tile read, and the root check covers them.
   */
  async inclusionProofs(
    indexes: readonly number[],
    checkpoint: LogCheckpoint,
    leafHashes: ReadonlyMap<number, Uint8Array> = new Map(),
  ): Promise<Uint8Array[][]> {
    this.checkSize(checkpoint.size);
    const plan = new BatchInclusionPlan(indexes, checkpoint.size);
    const stored = plan.nodes.filter((node) => node.level > 0 || !leafHashes.has(node.index));
    const read = (await this.readerFor(checkpoint.size, stored)).readHashes(stored);
    let next = 0;
    const hashes = plan.nodes.map((node) =>
      node.level === 0 && leafHashes.has(node.index) ? leafHashes.get(node.index)! : read[next++]!,
    );
    const proofs = plan.assemble(hashes, checkpoint.rootHash);
    const position = new Map(plan.indexes.map((index, i) => [index, i]));
    return indexes.map((index) => proofs[position.get(index)!]!);
  }

  /** Entries [start, start + count) as logged (encoded AuditEntry), clipped to the checkpoint. */
  async readEntries(
    start: number,
    count: number,
    size = this.checkpoints.latest.size,
  ): Promise<Uint8Array[]> {
    const end = Math.min(start + count, size);
    const entries: Uint8Array[] = [];
    for (let index = start; index < end;) {
      const bundle = Math.floor(index / TILE_WIDTH);
      const width = Math.min(TILE_WIDTH, size - bundle * TILE_WIDTH);
      const bytes = await this.tiles.get(entryBundlePath({ index: bundle, width }));
      const decoded = decodeEntryBundle(bytes, width);
      for (; index < end && index < (bundle + 1) * TILE_WIDTH; index++) {
        entries.push(decoded[index % TILE_WIDTH]!);
      }
    }
    return entries;
  }

  /**
   * Entries [start, start + count) of the latest checkpoint's tree, each checked with its inclusion
   * proof against that checkpoint's signed root. Throws DataLoss naming the first entry that does
   * not verify (an entry bundle or tile altered after signing): such an entry is never answered as
   * logged.
   */
  async readVerifiedEntries(
    start: number,
    count: number,
  ): Promise<{ entries: Uint8Array[]; checkpoint: LogCheckpoint }> {
    const checkpoint = this.checkpoints.latest;
    const { size, rootHash } = checkpoint;
    const entries = await this.readEntries(start, count, size);
    const indexes = entries.map((_, i) => start + i);
    let proofs: Uint8Array[][] | undefined;
    try {
      proofs = await this.inclusionProofs(indexes, checkpoint);
    } catch {
      // The batch walk checks the whole page against the root at once; when it fails, each entry
      // is proved on its own below, so the error names the entry that does not verify.
      proofs = undefined;
    }
    for (const [i, entry] of entries.entries()) {
      const index = start + i;
      try {
        const proof = proofs?.[i] ?? (await this.inclusionProof(index, size));
        verifyInclusion(hashLeaf(entry), index, size, proof, rootHash);
      } catch (err) {
        throw new OmegaError(
          Code.DataLoss,
          `audit log: entry ${index} as stored does not verify against the signed checkpoint of size ${size} (${errorMessage(err)}): its entry bundle or tiles were altered after signing; it is not answered as logged`,
          { cause: err },
        );
      }
    }
    return { entries, checkpoint };
  }

  /** The root of the tree of `size` leaves, from the tiles of its compact range. */
  async rootAt(size: number): Promise<Uint8Array> {
    const nodes = compactRangeNodes(size);
    const hashes = (await this.readerFor(size, nodes)).readHashes(nodes);
    return new CompactRange(size, hashes).root();
  }

  private checkSize(size: number): void {
    if (size > this.checkpoints.latest.size) {
      throw new OmegaError(
        Code.OutOfRange,
        `audit log: tree size ${size} is beyond the latest checkpoint (${this.checkpoints.latest.size})`,
      );
    }
  }

  private async readerFor(size: number, nodes: readonly NodeId[]): Promise<TileHashReader> {
    await this.tiles.load(tilesHolding(nodes, size));
    return new TileHashReader(size, this.tiles.source, this.nodeCache);
  }
}
