// C2SP tlog-tiles coordinates: which tile holds which hashes, and the tile/... resource paths.
import { Code, OmegaError } from '@omega/errors';
import { checkCount } from './bytes';

/** Tree levels spanned by one tile: a tile is a perfect subtree of height 8 (256 hashes). */
export const TILE_HEIGHT = 8;
/** Hashes (or entries) in a full tile or entry bundle. */
export const TILE_WIDTH = 256;
/** Highest tile level the path format allows. */
export const MAX_TILE_LEVEL = 63;

/**
 * A tile: `width` consecutive hashes at tree level `level * 8`, starting at hash `index * 256`.
 * `width` is 256 for a full tile and 1..255 for a partial one.
 */
export interface TileId {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** An entry bundle: `width` consecutive log entries starting at entry `index * 256`. */
export interface EntryBundleId {
  readonly index: number;
  readonly width: number;
}

function checkTile(tile: TileId, what: string): void {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: level ${tile.level} is not an integer in [0, ${MAX_TILE_LEVEL}]`,
    );
  }
  checkBundle(tile, what);
}

function checkBundle(bundle: EntryBundleId, what: string): void {
  checkCount(bundle.index, `${what}: index`);
  if (!Number.isInteger(bundle.width) || bundle.width < 1 || bundle.width > TILE_WIDTH) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: width ${bundle.width} is not an integer in [1, ${TILE_WIDTH}]`,
    );
  }
}

/** `<N>` of a tile path: 3-digit groups, all but the last prefixed `x` (1234067 → x001/x234/067). */
export function encodeTileIndex(index: number): string {
  checkCount(index, 'tile index');
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function widthSuffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]`, relative to the log's URL prefix. */
export function tilePath(tile: TileId): string {
  checkTile(tile, 'tile path');
  return `tile/${tile.level}/${encodeTileIndex(tile.index)}${widthSuffix(tile.width)}`;
}

/** `tile/entries/<N>[.p/<W>]`, relative to the log's URL prefix. */
export function entryBundlePath(bundle: EntryBundleId): string {
  checkBundle(bundle, 'entry bundle path');
  return `tile/entries/${encodeTileIndex(bundle.index)}${widthSuffix(bundle.width)}`;
}

/** A parsed tile resource path: a hash tile or an entry bundle. */
export type TileResource =
  | { readonly kind: 'tile'; readonly tile: TileId }
  | { readonly kind: 'entries'; readonly bundle: EntryBundleId };

const TILE_PATH =
  /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` strictly: one spelling per resource
 * (no leading zero groups, no `.p/256`), so a file server cannot be asked for aliases.
 */
export function parseTilePath(path: string): TileResource {
  const match = TILE_PATH.exec(path);
  const bad = (why: string) =>
    new OmegaError(Code.InvalidArgument, `tile path ${JSON.stringify(path)}: ${why}`);
  if (!match) throw bad('not of the form tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]');
  const [, levelText, indexText, widthText] = match;
  const groups = indexText!.split('/');
  if (groups.length > 1 && groups[0] === 'x000') throw bad('index has a leading zero group');
  const index = Number(groups.map((g) => g.replace('x', '')).join(''));
  if (!Number.isSafeInteger(index)) throw bad('index is too large');
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) {
    throw bad(`partial width ${width} is not below ${TILE_WIDTH}`);
  }
  if (levelText === 'entries') return { kind: 'entries', bundle: { index, width } };
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) throw bad(`level ${level} is above ${MAX_TILE_LEVEL}`);
  return { kind: 'tile', tile: { level, index, width } };
}

/** How a tree of a given size is laid out in tiles at one tile level. */
export interface TileLevelLayout {
  readonly level: number;
  /** Number of full (256-hash) tiles. */
  readonly fullTiles: number;
  /** Width of the partial tile after them, 0 when there is none. */
  readonly partialWidth: number;
}

/**
 * The tiles that represent a tree of `size` leaves, per tile level, lowest first. Level l holds
 * floor(size / 256^l) hashes; a level with no hash is absent (the empty tree has no tiles).
 */
export function tileLayout(size: number): TileLevelLayout[] {
  checkCount(size, 'tile layout: size');
  const levels: TileLevelLayout[] = [];
  for (let level = 0, hashes = size; hashes > 0; level++, hashes = Math.floor(hashes / 256)) {
    levels.push({
      level,
      fullTiles: Math.floor(hashes / TILE_WIDTH),
      partialWidth: hashes % TILE_WIDTH,
    });
  }
  return levels;
}

/** The partial tiles a tree of `size` leaves has (the ones a checkpoint of that size needs). */
export function partialTiles(size: number): TileId[] {
  return tileLayout(size)
    .filter((l) => l.partialWidth > 0)
    .map((l) => ({ level: l.level, index: l.fullTiles, width: l.partialWidth }));
}

/** The entry bundles of a log of `size` entries that are partial: none or one. */
export function partialEntryBundle(size: number): EntryBundleId | undefined {
  checkCount(size, 'entry bundle: size');
  const width = size % TILE_WIDTH;
  return width === 0 ? undefined : { index: Math.floor(size / TILE_WIDTH), width };
}

/**
 * The tile that stores the hashes of tree level `hashLevel` (a multiple of 8) around `hashIndex`,
 * as it exists in a tree of `size` leaves: full when complete, else partial with the width the
 * size implies. Throws when that hash does not exist yet at this size.
 */
export function tileAt(hashLevel: number, hashIndex: number, size: number): TileId {
  if (!Number.isInteger(hashLevel) || hashLevel % TILE_HEIGHT !== 0 || hashLevel < 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      `tile: tree level ${hashLevel} is not a multiple of ${TILE_HEIGHT}`,
    );
  }
  checkCount(hashIndex, 'tile: hash index');
  checkCount(size, 'tile: size');
  const level = hashLevel / TILE_HEIGHT;
  const hashesAtLevel = Math.floor(size / 2 ** hashLevel);
  if (hashIndex >= hashesAtLevel) {
    throw new OmegaError(
      Code.InvalidArgument,
      `tile: tree level ${hashLevel} has ${hashesAtLevel} complete hashes at size ${size}, no index ${hashIndex}`,
    );
  }
  const index = Math.floor(hashIndex / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, hashesAtLevel - index * TILE_WIDTH);
  return { level, index, width };
}
