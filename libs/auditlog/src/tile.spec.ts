// tlog-tiles coordinates and paths, checked against the spec's own examples.
import { OmegaError } from '@omega/errors';
import {
  encodeTileIndex,
  entryBundlePath,
  parseTilePath,
  partialEntryBundle,
  partialTiles,
  tileAt,
  tileLayout,
  tilePath,
} from './tile';

describe('tile paths', () => {
  test('index 1234067 is x001/x234/067, as in the spec', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
  });

  test('indexes are zero-padded 3-digit groups, all but the last prefixed x', () => {
    expect([0, 5, 999, 1000, 1001, 999999, 1000000].map(encodeTileIndex)).toEqual([
      '000',
      '005',
      '999',
      'x001/000',
      'x001/001',
      'x999/999',
      'x001/x000/000',
    ]);
    expect(encodeTileIndex(Number.MAX_SAFE_INTEGER)).toBe('x009/x007/x199/x254/x740/991');
  });

  test('partial tiles and bundles carry .p/<W>; full ones do not', () => {
    expect(tilePath({ level: 0, index: 273, width: 112 })).toBe('tile/0/273.p/112');
    expect(tilePath({ level: 1, index: 1, width: 17 })).toBe('tile/1/001.p/17');
    expect(tilePath({ level: 63, index: 0, width: 1 })).toBe('tile/63/000.p/1');
    expect(entryBundlePath({ index: 1234067, width: 256 })).toBe('tile/entries/x001/x234/067');
    expect(entryBundlePath({ index: 273, width: 112 })).toBe('tile/entries/273.p/112');
  });

  test('refuse levels and widths the format cannot express', () => {
    expect(() => tilePath({ level: 64, index: 0, width: 256 })).toThrow(
      'tile path: level 64 is not an integer in [0, 63]',
    );
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow(
      'tile path: width 0 is not an integer in [1, 256]',
    );
    expect(() => entryBundlePath({ index: -1, width: 3 })).toThrow('entry bundle path: index -1');
  });

  test('parse back to the same tile or bundle', () => {
    for (const tile of [
      { level: 0, index: 1234067, width: 256 },
      { level: 2, index: 0, width: 1 },
      { level: 63, index: 999999999999, width: 255 },
    ]) {
      expect(parseTilePath(tilePath(tile))).toEqual({ kind: 'tile', tile });
    }
    expect(parseTilePath('tile/entries/x001/x234/067.p/89')).toEqual({
      kind: 'entries',
      bundle: { index: 1234067, width: 89 },
    });
  });

  test('parsing refuses aliases and malformed paths, naming the path', () => {
    for (const bad of [
      'tile/0/1',
      'tile/0/x000/001',
      'tile/0/001.p/256',
      'tile/0/001.p/0',
      'tile/0/001.p/089',
      'tile/00/001',
      'tile/64/001',
      'tile/0/x001/x234/067.p/',
      'tile/0/001/002',
      'tile/data/001',
      '/tile/0/001',
    ]) {
      expect(() => parseTilePath(bad)).toThrow(OmegaError);
      expect(() => parseTilePath(bad)).toThrow(`tile path ${JSON.stringify(bad)}`);
    }
  });
});

describe('tile layout', () => {
  test('a tree of 70,000 is the spec example: 273 full + 112, 1 full + 17, and 1 at level 2', () => {
    expect(tileLayout(70000)).toEqual([
      { level: 0, fullTiles: 273, partialWidth: 112 },
      { level: 1, fullTiles: 1, partialWidth: 17 },
      { level: 2, fullTiles: 0, partialWidth: 1 },
    ]);
    expect(partialTiles(70000)).toEqual([
      { level: 0, index: 273, width: 112 },
      { level: 1, index: 1, width: 17 },
      { level: 2, index: 0, width: 1 },
    ]);
  });

  test('a tree of 256 is one full level-0 tile and a level-1 partial of width 1, as in the spec', () => {
    expect(tileLayout(256)).toEqual([
      { level: 0, fullTiles: 1, partialWidth: 0 },
      { level: 1, fullTiles: 0, partialWidth: 1 },
    ]);
    expect(partialTiles(256)).toEqual([{ level: 1, index: 0, width: 1 }]);
  });

  test('the empty tree has no tiles and no bundles', () => {
    expect(tileLayout(0)).toEqual([]);
    expect(partialEntryBundle(0)).toBeUndefined();
    expect(partialEntryBundle(70000)).toEqual({ index: 273, width: 112 });
    expect(partialEntryBundle(512)).toBeUndefined();
  });

  test('tileAt names the tile holding a hash as it exists at a size', () => {
    expect(tileAt(0, 300, 70000)).toEqual({ level: 0, index: 1, width: 256 });
    expect(tileAt(0, 69999, 70000)).toEqual({ level: 0, index: 273, width: 112 });
    expect(tileAt(8, 272, 70000)).toEqual({ level: 1, index: 1, width: 17 });
    expect(() => tileAt(8, 273, 70000)).toThrow(
      'tile: tree level 8 has 273 complete hashes at size 70000, no index 273',
    );
    expect(() => tileAt(3, 0, 70000)).toThrow('tile: tree level 3 is not a multiple of 8');
  });
});
