// Recomputing a log from its entries gives exactly the tiles and root that golang.org/x/mod's
// sumdb/tlog computes for the same entries (tools/tlog-tiles), at sizes around tile boundaries.
import { entryBundlesOf, firstTileDifference, TreeRecomputation } from './tree-recomputation';
import { tilePath, TILE_WIDTH } from './tile';
import type { Tile } from './tile-builder';
import { tlogTilesOf } from '../test-support/go-tools';

const entry = (i: number) => new TextEncoder().encode(`audit entry ${i}`);

function recompute(size: number): { tiles: Tile[]; root: Uint8Array } {
  const all = Array.from({ length: size }, (_, i) => entry(i));
  const recomputation = new TreeRecomputation(size);
  const tiles: Tile[] = [];
  for (const id of entryBundlesOf(size)) {
    const start = id.index * TILE_WIDTH;
    tiles.push(...recomputation.addBundle(id, all.slice(start, start + id.width)));
  }
  const { partialTiles, root } = recomputation.finish();
  return { tiles: [...tiles, ...partialTiles], root };
}

describe('TreeRecomputation', () => {
  it.each([0, 1, 7, 255, 256, 257, 511, 512, 65535, 65536, 70000])(
    'gives sumdb/tlog tiles and root for %i entries',
    (size) => {
      const truth = tlogTilesOf(Array.from({ length: size }, (_, i) => entry(i)));
      const ours = recompute(size);
      expect(Buffer.from(ours.root).toString('hex')).toBe(Buffer.from(truth.root).toString('hex'));
      const paths = ours.tiles.map((t) => tilePath(t.id)).sort();
      expect(paths).toEqual([...truth.tiles.keys()].sort());
      for (const tile of ours.tiles) {
        expect(firstTileDifference(tile, truth.tiles.get(tilePath(tile.id))!)).toBeUndefined();
      }
    },
    60_000,
  );

  it('names the first differing hash of a stored tile, and a tile of the wrong length', () => {
    const { tiles } = recompute(300);
    const tile = tiles.find((t) => tilePath(t.id) === 'tile/0/001.p/44')!;
    const edited = Uint8Array.from(tile.hashes);
    edited[5 * 32 + 3]! ^= 1;
    expect(firstTileDifference(tile, edited)).toMatchObject({ position: 5 });
    expect(firstTileDifference(tile, tile.hashes.subarray(0, 32 * 10))).toMatchObject({
      position: 10,
      found: undefined,
    });
    expect(firstTileDifference(tile, Uint8Array.from(tile.hashes))).toBeUndefined();
  });

  it('refuses bundles out of order or of the wrong width, naming them', () => {
    const recomputation = new TreeRecomputation(300);
    expect(() => recomputation.addBundle({ index: 1, width: 44 }, [])).toThrow(
      'tree recomputation: bundle 1 (width 44, 0 entries) is not the next bundle of a log of 300 at entry 0',
    );
    expect(() => recomputation.finish()).toThrow('tree recomputation: 0 of 300 entries read');
  });
});
