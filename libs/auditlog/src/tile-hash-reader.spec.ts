// Proofs served from tiles: every leaf across tile boundaries, every earlier checkpoint size.
import { Code, OmegaError } from '@omega/errors';
import { CompactRange } from './compact-range';
import { verifyConsistency } from './consistency-proof';
import { verifyInclusion } from './inclusion-proof';
import { hashLeaf } from './merkle-hash';
import { buildConsistencyProof, buildInclusionProof } from './proof-plan';
import { tilePath, type TileId } from './tile';
import { TileBuilder, type Tile } from './tile-builder';
import { TileHashReader, TileNodeCache, type TileSource } from './tile-hash-reader';

const SIZE = 70000; // the tlog-tiles spec's example size
const leafHashes = Array.from({ length: SIZE }, (_, i) =>
  hashLeaf(new TextEncoder().encode(`audit entry ${i}`)),
);

/** An in-memory tile store like the service's: full tiles are written once, partials overwritten. */
class MemoryTiles implements TileSource {
  readonly byPath = new Map<string, Uint8Array>();
  write(tiles: readonly Tile[]): void {
    for (const tile of tiles) {
      const path = tilePath(tile.id);
      if (tile.id.width === 256 && this.byPath.has(path)) throw new Error(`${path} rewritten`);
      this.byPath.set(path, tile.hashes);
    }
  }
  readTile(id: TileId): Uint8Array {
    const tile = this.byPath.get(tilePath(id));
    if (!tile) throw new OmegaError(Code.NotFound, `no tile ${tilePath(id)}`);
    return tile;
  }
}

/** Grows a log in uneven batches, keeping tiles and the root at every batch end. */
function growLog(batchSizes: number[]) {
  const range = new CompactRange();
  const builder = new TileBuilder();
  const store = new MemoryTiles();
  const roots = new Map<number, Uint8Array>();
  let b = 0;
  while (range.size < SIZE) {
    const n = Math.min(batchSizes[b++ % batchSizes.length]!, SIZE - range.size);
    const batch = range.appendBatch(leafHashes.slice(range.size, range.size + n));
    store.write(builder.add(batch.completed));
    roots.set(batch.size, batch.root);
  }
  return { range, builder, store, roots };
}

const log = growLog([1, 2, 255, 256, 257, 1000, 3, 4099]);

describe('TileHashReader', () => {
  const reader = new TileHashReader(SIZE, log.store);
  const root = log.range.root();

  test('serves inclusion proofs that verify, for leaves across every tile boundary', () => {
    for (const index of [0, 1, 255, 256, 257, 65535, 65536, 65537, 69887, 69888, 69999]) {
      const proof = buildInclusionProof(reader, index, SIZE);
      verifyInclusion(leafHashes[index]!, index, SIZE, proof, root);
    }
    for (let index = 3; index < SIZE; index += 997) {
      verifyInclusion(
        leafHashes[index]!,
        index,
        SIZE,
        buildInclusionProof(reader, index, SIZE),
        root,
      );
    }
  });

  test('serves proofs for every earlier checkpoint size from the tiles of that size', () => {
    for (const [size, sizeRoot] of [...log.roots].filter((_, i) => i % 5 === 0)) {
      const old = new TileHashReader(size, log.store);
      const index = size - 1;
      verifyInclusion(
        leafHashes[index]!,
        index,
        size,
        buildInclusionProof(old, index, size),
        sizeRoot,
      );
      if (size < SIZE) {
        verifyConsistency(size, SIZE, buildConsistencyProof(reader, size, SIZE), sizeRoot, root);
      }
    }
  });

  test('reads each tile once per request', () => {
    let reads = 0;
    const counting = new TileHashReader(SIZE, {
      readTile: (id) => {
        reads++;
        return log.store.readTile(id);
      },
    });
    counting.readHashes([
      { level: 0, index: 1 },
      { level: 1, index: 1 },
      { level: 7, index: 0 },
    ]);
    expect(reads).toBe(1);
  });

  test('refuses nodes the tree does not have yet and tiles of the wrong length', () => {
    expect(() => reader.readHashes([{ level: 8, index: 273 }])).toThrow(
      'tile hash reader: node (level 8, index 273) is not complete at size 70000',
    );
    const corrupt = new TileHashReader(SIZE, { readTile: () => new Uint8Array(8191) });
    expect(() => corrupt.readHashes([{ level: 0, index: 0 }])).toThrow(
      'tile hash reader: tile/0/000 is 8191 bytes, want 8192',
    );
  });

  test('with a shared cache, proofs through hot tiles read and hash nothing again', () => {
    let reads = 0;
    const source: TileSource = {
      readTile: (id) => {
        reads++;
        return log.store.readTile(id);
      },
    };
    const cache = new TileNodeCache(16);
    const cached = new TileHashReader(SIZE, source, cache);
    const proof = buildInclusionProof(cached, 1000, SIZE);
    expect(proof.map((h) => Buffer.from(h))).toEqual(
      buildInclusionProof(reader, 1000, SIZE).map((h) => Buffer.from(h)),
    );
    expect(reads).toBe(cache.size);
    // A neighbour's proof goes through the same tiles, read by another reader sharing the cache.
    buildInclusionProof(new TileHashReader(SIZE, source, cache), 1001, SIZE);
    expect(reads).toBe(cache.size);
    // Past its capacity the cache drops the least recently used tiles.
    const small = new TileNodeCache(2);
    buildInclusionProof(new TileHashReader(SIZE, source, small), 1000, SIZE);
    expect(small.size).toBe(2);
    verifyInclusion(leafHashes[1001]!, 1001, SIZE, buildInclusionProof(cached, 1001, SIZE), root);
  });
});
