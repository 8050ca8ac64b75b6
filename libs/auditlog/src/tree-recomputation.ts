// Recomputing a whole log from its entries, bundle by bundle, for a full audit: every hash tile
// (interior levels too) the entries imply, and the root, to compare with a log's stored tiles and
// its signed checkpoint. Pure and streaming: memory holds one growing tile per level.
import { Code, OmegaError } from '@omega/errors';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf } from './merkle-hash';
import { partialTiles, TILE_HEIGHT, TILE_WIDTH, type EntryBundleId, type TileId } from './tile';
import type { Tile } from './tile-builder';

/** The entry bundles of a log of `size` entries, in order: full ones, then a partial one. */
export function entryBundlesOf(size: number): EntryBundleId[] {
  const bundles: EntryBundleId[] = [];
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    bundles.push({ index, width: Math.min(TILE_WIDTH, size - index * TILE_WIDTH) });
  }
  return bundles;
}

/** Where a stored tile first differs from the recomputed one. */
export interface TileDifference {
  /** Position of the first differing hash in the tile (0..width-1). */
  readonly position: number;
  /** The recomputed hash there, and the stored one (undefined when the stored tile is short). */
  readonly expected: Uint8Array;
  readonly found: Uint8Array | undefined;
}

/** The first hash where `found` differs from `expected` (a tile's bytes), if any. */
export function firstTileDifference(expected: Tile, found: Uint8Array): TileDifference | undefined {
  for (let position = 0; position < expected.id.width; position++) {
    const at = position * HASH_SIZE;
    const want = expected.hashes.subarray(at, at + HASH_SIZE);
    const have =
      found.byteLength >= at + HASH_SIZE ? found.subarray(at, at + HASH_SIZE) : undefined;
    if (!have || Buffer.compare(want, have) !== 0) return { position, expected: want, found: have };
  }
  if (found.byteLength !== expected.hashes.byteLength) {
    return {
      position: expected.id.width,
      expected: new Uint8Array(0),
      found: found.subarray(expected.hashes.byteLength),
    };
  }
  return undefined;
}

/**
 * Feed it the log's entries in bundle order (`addBundle`); it answers with each full tile they
 * complete, at every level, and `finish` with the partial tiles and the root of the whole tree.
 * The tiles are recomputed from the entries alone (RFC 9162 hashing, tlog-tiles layout), without
 * reading any stored tile.
 */
export class TreeRecomputation {
  /** Per tile level, the hashes of its rightmost (growing) tile. */
  private readonly growing: Uint8Array[][] = [];
  /** Per tile level, how many full tiles were completed. */
  private readonly fullTiles: number[] = [];
  private entries = 0;
  private finished = false;

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new OmegaError(Code.InvalidArgument, `tree recomputation: size ${size} is not a count`);
    }
  }

  /** Entries read so far. */
  get entriesRead(): number {
    return this.entries;
  }

  /** Adds bundle `id`'s entries; returns the full tiles they completed (lowest level first). */
  addBundle(id: EntryBundleId, entries: readonly Uint8Array[]): Tile[] {
    const expected = entryBundlesOf(this.size)[id.index];
    if (
      this.finished ||
      !expected ||
      expected.width !== id.width ||
      id.index * TILE_WIDTH !== this.entries ||
      entries.length !== id.width
    ) {
      throw new OmegaError(
        Code.InvalidArgument,
        `tree recomputation: bundle ${id.index} (width ${id.width}, ${entries.length} entries) is not the next bundle of a log of ${this.size} at entry ${this.entries}`,
      );
    }
    const completed: Tile[] = [];
    for (const entry of entries) this.push(0, hashLeaf(entry), completed);
    this.entries += entries.length;
    return completed;
  }

  /** The partial tiles of the tree (lowest level first) and its root; call after the last bundle. */
  finish(): { partialTiles: Tile[]; root: Uint8Array } {
    if (this.entries !== this.size) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `tree recomputation: ${this.entries} of ${this.size} entries read`,
      );
    }
    this.finished = true;
    const partial: Tile[] = partialTiles(this.size).map((id: TileId) => ({
      id,
      hashes: concat(this.growing[id.level]!),
    }));
    // The tree is the perfect subtrees its size's binary digits give, largest (leftmost) first;
    // RFC 9162 folds them from the right.
    const subtrees: Uint8Array[] = [];
    for (let level = this.growing.length - 1; level >= 0; level--) {
      const hashes = this.growing[level]!;
      let start = 0;
      for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
        const span = 2 ** bit;
        if (hashes.length - start >= span) {
          subtrees.push(subtreeRoot(hashes.slice(start, start + span)));
          start += span;
        }
      }
    }
    let root = subtrees.pop();
    while (subtrees.length > 0) root = hashChildren(subtrees.pop()!, root!);
    return { partialTiles: partial, root: root ?? EMPTY_ROOT };
  }

  private push(level: number, hash: Uint8Array, completed: Tile[]): void {
    const hashes = (this.growing[level] ??= []);
    hashes.push(hash);
    if (hashes.length < TILE_WIDTH) return;
    const index = this.fullTiles[level] ?? 0;
    this.fullTiles[level] = index + 1;
    completed.push({ id: { level, index, width: TILE_WIDTH }, hashes: concat(hashes) });
    this.growing[level] = [];
    this.push(level + 1, subtreeRoot(hashes), completed);
  }
}

function subtreeRoot(hashes: readonly Uint8Array[]): Uint8Array {
  let level = [...hashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hashChildren(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}

function concat(hashes: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => bytes.set(h, i * HASH_SIZE));
  return bytes;
}
