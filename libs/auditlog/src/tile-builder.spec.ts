// Tiles built from appends hold exactly the tlog-tiles hashes, full tiles written once.
import { Code, OmegaError } from '@omega/errors';
import { CompactRange } from './compact-range';
import { hashLeaf, rootFromLeafHashes } from './merkle-hash';
import { partialTiles, tileLayout, tilePath, type TileId } from './tile';
import { TileBuilder, type Tile } from './tile-builder';
import type { TileSource } from './tile-hash-reader';

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

describe('TileBuilder', () => {
  test('every tile of the final layout holds MTH(D[(n*256+i)*256^l : (n*256+i+1)*256^l])', () => {
    const wanted: TileId[] = tileLayout(SIZE).flatMap((l) => [
      ...Array.from({ length: l.fullTiles }, (_, index) => ({ level: l.level, index, width: 256 })),
      ...(l.partialWidth > 0
        ? [{ level: l.level, index: l.fullTiles, width: l.partialWidth }]
        : []),
    ]);
    expect(wanted).toHaveLength(273 + 1 + 1 + 1 + 1);
    for (const id of wanted) {
      const tile = log.store.readTile(id);
      expect(tile).toHaveLength(id.width * 32);
      const span = 256 ** id.level;
      for (let i = 0; i < id.width; i += id.level === 0 ? 17 : 1) {
        const begin = (id.index * 256 + i) * span;
        const want = rootFromLeafHashes(leafHashes.slice(begin, begin + span));
        expect(Buffer.from(tile.subarray(i * 32, (i + 1) * 32))).toEqual(Buffer.from(want));
      }
    }
  });

  test('reports each full tile once and partial tiles as of the end of each batch', () => {
    const range = new CompactRange();
    const builder = new TileBuilder();
    const first = builder.add(range.appendBatch(leafHashes.slice(0, 300)).completed);
    expect(first.map((t) => tilePath(t.id))).toEqual([
      'tile/0/000',
      'tile/1/000.p/1',
      'tile/0/001.p/44',
    ]);
    const second = builder.add(range.appendBatch(leafHashes.slice(300, 301)).completed);
    expect(second.map((t) => tilePath(t.id))).toEqual(['tile/0/001.p/45']);
    expect(builder.size).toBe(301);
  });

  test('restarted from the partial tiles of its size it produces the same tiles', () => {
    const range = new CompactRange();
    const before = new TileBuilder();
    const store = new MemoryTiles();
    store.write(before.add(range.appendBatch(leafHashes.slice(0, 66000)).completed));
    const partials = partialTiles(66000).map((id) => ({ id, hashes: store.readTile(id) }));
    const after = new TileBuilder(66000, partials);
    store.write(after.add(range.appendBatch(leafHashes.slice(66000)).completed));
    for (const id of partialTiles(SIZE)) {
      expect(Buffer.from(store.readTile(id))).toEqual(Buffer.from(log.store.readTile(id)));
    }
    expect(Buffer.from(store.readTile({ level: 1, index: 0, width: 256 }))).toEqual(
      Buffer.from(log.store.readTile({ level: 1, index: 0, width: 256 })),
    );
  });

  test('refuses a restart without the right partial tiles, and nodes out of order', () => {
    expect(() => new TileBuilder(300, [])).toThrow(
      'tile builder: size 300 has 2 partial tiles, got 0',
    );
    const wrong = partialTiles(300).map((id) => ({
      id: { ...id, width: id.width + 1 },
      hashes: new Uint8Array(0),
    }));
    expect(() => new TileBuilder(300, wrong)).toThrow('tile builder: size 300 needs partial tile');
    expect(() => new TileBuilder().add([{ level: 0, index: 1, hash: leafHashes[0]! }])).toThrow(
      'tile builder: node (level 0, index 1) out of order, want index 0',
    );
  });
});
