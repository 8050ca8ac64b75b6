// Building tlog-tiles hash tiles incrementally from the nodes each append completes.
import { Code, OmegaError } from '@omega/errors';
import { HASH_SIZE } from './merkle-hash';
import { partialTiles, TILE_HEIGHT, TILE_WIDTH, tileLayout, tilePath, type TileId } from './tile';
import type { NodeHash } from './tree-node';

/** A tile and its bytes: `id.width` hashes of 32 bytes, concatenated. */
export interface Tile {
  readonly id: TileId;
  readonly hashes: Uint8Array;
}

/** The rightmost, still-growing tile of one tile level. */
interface GrowingTile {
  index: number;
  width: number;
  readonly bytes: Uint8Array;
}

/**
 * Keeps the rightmost tile of every tile level and fills it from completed nodes (CompactRange
 * results). `add` returns each tile the nodes touched, with its whole current content: a full tile
 * once (it is immutable from then on), a partial tile as of the end of the batch. Persist them and
 * the tile store can serve every proof for the new size.
 */
export class TileBuilder {
  private treeSize: number;
  private readonly growing: GrowingTile[] = [];

  /**
   * Starts at tree size `size`; `partials` are that size's partial tiles (see partialTiles) with
   * their bytes, so a restarted service continues the same tiles.
   */
  constructor(size = 0, partials: readonly Tile[] = []) {
    const want = partialTiles(size);
    if (partials.length !== want.length) {
      throw new OmegaError(
        Code.InvalidArgument,
        `tile builder: size ${size} has ${want.length} partial tiles, got ${partials.length}`,
      );
    }
    this.treeSize = size;
    for (const id of want) {
      const tile = partials.find((t) => t.id.level === id.level);
      if (!tile || tile.id.index !== id.index || tile.id.width !== id.width) {
        throw new OmegaError(
          Code.InvalidArgument,
          `tile builder: size ${size} needs partial tile ${tilePath(id)}, got ${tile ? tilePath(tile.id) : 'none'}`,
        );
      }
      if (tile.hashes.length !== id.width * HASH_SIZE) {
        throw new OmegaError(
          Code.DataLoss,
          `tile builder: ${tilePath(id)} is ${tile.hashes.length} bytes, want ${id.width * HASH_SIZE}`,
        );
      }
    }
    for (const layout of tileLayout(size)) {
      const bytes = new Uint8Array(TILE_WIDTH * HASH_SIZE);
      const partial = partials.find((t) => t.id.level === layout.level);
      if (partial) bytes.set(partial.hashes);
      this.growing.push({ index: layout.fullTiles, width: layout.partialWidth, bytes });
    }
  }

  /** Tree size the tiles describe so far (advanced by level-0 nodes). */
  get size(): number {
    return this.treeSize;
  }

  /**
   * Adds completed nodes in completion order; only nodes on tile levels (tree levels 0, 8, 16...)
   * are stored, the rest are ignored. Returns the touched tiles with their current content.
   */
  add(nodes: readonly NodeHash[]): Tile[] {
    const touched = new Map<string, Tile>();
    const snapshot = (level: number, tile: GrowingTile) => {
      const id: TileId = { level, index: tile.index, width: tile.width };
      touched.set(`${level}/${tile.index}`, {
        id,
        hashes: tile.bytes.slice(0, tile.width * HASH_SIZE),
      });
    };
    const dirty = new Set<number>();
    for (const node of nodes) {
      if (node.level % TILE_HEIGHT !== 0) continue;
      const level = node.level / TILE_HEIGHT;
      if (node.hash.length !== HASH_SIZE) {
        throw new OmegaError(
          Code.InvalidArgument,
          `tile builder: node (level ${node.level}, index ${node.index}) hash is ${node.hash.length} bytes, want ${HASH_SIZE}`,
        );
      }
      while (this.growing.length <= level) {
        this.growing.push({ index: 0, width: 0, bytes: new Uint8Array(TILE_WIDTH * HASH_SIZE) });
      }
      const tile = this.growing[level]!;
      const expected = tile.index * TILE_WIDTH + tile.width;
      if (node.index !== expected) {
        throw new OmegaError(
          Code.InvalidArgument,
          `tile builder: node (level ${node.level}, index ${node.index}) out of order, want index ${expected}`,
        );
      }
      tile.bytes.set(node.hash, tile.width * HASH_SIZE);
      tile.width++;
      if (level === 0) this.treeSize++;
      if (tile.width === TILE_WIDTH) {
        snapshot(level, tile);
        dirty.delete(level);
        tile.index++;
        tile.width = 0;
      } else {
        dirty.add(level);
      }
    }
    for (const level of dirty) snapshot(level, this.growing[level]!);
    return [...touched.values()];
  }
}
