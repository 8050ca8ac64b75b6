// Serving proofs from tiles: any perfect subtree hash is stored in, or recomputed from, one tile.
import { Code, OmegaError } from '@omega/errors';
import { checkCount } from './bytes';
import { HASH_SIZE, writeParentOfAdjacent } from './merkle-hash';
import type { HashReader } from './proof-plan';
import { TILE_HEIGHT, TILE_WIDTH, tileAt, tilePath, type TileId } from './tile';
import type { NodeId } from './tree-node';

/** Where tiles come from; returns the tile's bytes (width * 32), or throws when it has none. */
export interface TileSource {
  readTile(id: TileId): Uint8Array;
}

// A tile expanded into its inner tree: level j (0..8) of the tile's subtree holds width >> j
// hashes, stored one level after another. 511 hashes (16 KiB) for a full tile.
const LEVEL_START = Array.from(
  { length: TILE_HEIGHT + 1 },
  (_, j) => 2 * TILE_WIDTH - ((2 * TILE_WIDTH) >> j),
);

/**
 * Keeps recently used tiles with their inner nodes already hashed, so a proof through a hot tile
 * costs no hashing at all. Tiles are immutable (a partial tile's path names its width), so entries
 * never go stale; the least recently used is dropped past `maxTiles`. Share one cache between the
 * readers of successive tree sizes.
 */
export class TileNodeCache {
  private readonly tiles = new Map<string, Buffer>();

  /** Each cached full tile takes 16 KiB; the default holds 64 MiB. */
  constructor(readonly maxTiles = 4096) {
    checkCount(maxTiles, 'tile node cache: maxTiles');
  }

  get size(): number {
    return this.tiles.size;
  }

  /** @internal */
  get(key: string): Buffer | undefined {
    const tile = this.tiles.get(key);
    if (tile) {
      this.tiles.delete(key);
      this.tiles.set(key, tile);
    }
    return tile;
  }

  /** @internal */
  set(key: string, expanded: Buffer): void {
    if (this.maxTiles === 0) return;
    this.tiles.set(key, expanded);
    if (this.tiles.size > this.maxTiles) this.tiles.delete(this.tiles.keys().next().value!);
  }
}

/**
 * A HashReader over the tiles of a tree of `size` leaves. A node on a tile level is read directly;
 * a node between tile levels is the root of 2, 4, ... 128 consecutive hashes of one tile, taken
 * from the tile's inner tree (hashed once per tile read, at most 255 hashes, or found in `cache`).
 */
export class TileHashReader implements HashReader {
  constructor(
    readonly size: number,
    private readonly source: TileSource,
    private readonly cache?: TileNodeCache,
  ) {
    checkCount(size, 'tile hash reader: size');
  }

  readHashes(ids: readonly NodeId[]): Uint8Array[] {
    // A proof asks for several nodes of the same tile; expand each tile once per call.
    const expanded = new Map<string, Buffer>();
    return ids.map((id) => {
      checkCount(id.level, 'tile hash reader: node level');
      checkCount(id.index, 'tile hash reader: node index');
      if ((id.index + 1) * 2 ** id.level > this.size) {
        throw new OmegaError(
          Code.InvalidArgument,
          `tile hash reader: node (level ${id.level}, index ${id.index}) is not complete at size ${this.size}`,
        );
      }
      const below = id.level % TILE_HEIGHT;
      const tileId = tileAt(id.level - below, id.index * 2 ** below, this.size);
      const key = `${tileId.level}/${tileId.index}/${tileId.width}`;
      let tree = expanded.get(key) ?? this.cache?.get(key);
      if (!tree) {
        tree = expandTile(tileId, this.source.readTile(tileId));
        this.cache?.set(key, tree);
      }
      expanded.set(key, tree);
      const at = (LEVEL_START[below]! + (id.index % (TILE_WIDTH >> below))) * HASH_SIZE;
      // A copy: the expanded tile may live on in the cache.
      return Uint8Array.prototype.slice.call(tree, at, at + HASH_SIZE);
    });
  }
}

/** The inner tree of a tile: its hashes, then each level above them (complete pairs only). */
function expandTile(id: TileId, tile: Uint8Array): Buffer {
  if (tile.length !== id.width * HASH_SIZE) {
    throw new OmegaError(
      Code.DataLoss,
      `tile hash reader: ${tilePath(id)} is ${tile.length} bytes, want ${id.width * HASH_SIZE}`,
    );
  }
  const tree = Buffer.alloc(LEVEL_START[TILE_HEIGHT]! * HASH_SIZE + HASH_SIZE);
  tree.set(tile);
  for (let level = 1; level <= TILE_HEIGHT; level++) {
    const from = LEVEL_START[level - 1]! * HASH_SIZE;
    const to = LEVEL_START[level]! * HASH_SIZE;
    for (let i = 0; i < id.width >> level; i++) {
      writeParentOfAdjacent(tree, from + 2 * i * HASH_SIZE, to + i * HASH_SIZE);
    }
  }
  return tree;
}
