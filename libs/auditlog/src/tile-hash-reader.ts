// Serving proofs from tiles: any perfect subtree hash is stored in, or recomputed from, one tile.
import { Code, OmegaError } from '@omega/runtime';
import { checkCount } from './bytes';
import { HASH_SIZE, hashChildren } from './merkle-hash';
import type { HashReader } from './proof-plan';
import { TILE_HEIGHT, tileAt, tilePath, type TileId } from './tile';
import type { NodeId } from './tree-node';

/** Where tiles come from; returns the tile's bytes (width * 32), or throws when it has none. */
export interface TileSource {
  readTile(id: TileId): Uint8Array;
}

/**
 * A HashReader over the tiles of a tree of `size` leaves. A node on a tile level is read directly;
 * a node between tile levels is the root of 2, 4, ... 128 consecutive hashes of one tile and is
 * recomputed from them (at most 127 hashes), as tlog-tiles intends.
 */
export class TileHashReader implements HashReader {
  constructor(
    readonly size: number,
    private readonly source: TileSource,
  ) {
    checkCount(size, 'tile hash reader: size');
  }

  readHashes(ids: readonly NodeId[]): Uint8Array[] {
    // A proof asks for several nodes of the same tile; read each tile once per call.
    const tiles = new Map<string, Uint8Array>();
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
      const hashLevel = id.level - below;
      const span = 2 ** below;
      const first = id.index * span;
      const tileId = tileAt(hashLevel, first, this.size);
      const key = `${tileId.level}/${tileId.index}`;
      let tile = tiles.get(key);
      if (!tile) {
        tile = this.source.readTile(tileId);
        if (tile.length !== tileId.width * HASH_SIZE) {
          throw new OmegaError(
            Code.DataLoss,
            `tile hash reader: ${tilePath(tileId)} is ${tile.length} bytes, want ${tileId.width * HASH_SIZE}`,
          );
        }
        tiles.set(key, tile);
      }
      return subtreeRoot(tile, first % 256, span);
    });
  }
}

/** Root of the perfect subtree over `count` (a power of two) hashes of `tile` from `offset`. */
function subtreeRoot(tile: Uint8Array, offset: number, count: number): Uint8Array {
  const at = (i: number) => tile.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE);
  if (count === 1) return at(0).slice();
  let level: Uint8Array[] = [];
  for (let i = 0; i < count; i += 2) level.push(hashChildren(at(i), at(i + 1)));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hashChildren(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}
