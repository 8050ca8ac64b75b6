// A log writer's growing tree: compact range, tiles and entry bundles advanced batch by batch, and
// what must be persisted before a checkpoint of it goes out.
import { CompactRange } from './compact-range';
import { encodeEntryBundle, type EntryBundle } from './entry-bundle';
import { TILE_WIDTH } from './tile';
import { TileBuilder, type Tile } from './tile-builder';

/** A leaf as the tree takes it: the encoded entry and its RFC 9162 leaf hash. */
export interface TreeLeaf {
  readonly leaf: Uint8Array;
  readonly leafHash: Uint8Array;
}

/** Where a tree starts: empty, or its right edge, partial tiles and partial bundle restored. */
export interface LogTreeState {
  readonly range: CompactRange;
  readonly tiles: TileBuilder;
  readonly partialEntries: Uint8Array[];
}

/** Tiles and entry bundles a checkpoint needs written first, so the store can serve its proofs. */
export interface TreeWrites {
  readonly tiles: Tile[];
  readonly bundles: EntryBundle[];
}

const DEFAULT_LEAF_HASH_INDEX_SIZE = 1_000_000;

/**
 * The tree a writer appends to. Every tile and bundle a batch touches is kept (the latest content
 * per path) until `takeWrites` hands them to a checkpoint; a failed checkpoint gives them back.
 * Also remembers the index of the newest `leafHashIndexSize` leaves by hash, so memory stays
 * bounded however long the writer runs.
 */
export class LogTree {
  private readonly range: CompactRange;
  private readonly tileBuilder: TileBuilder;
  private partialEntries: Uint8Array[];
  private readonly touchedTiles = new Map<string, Tile>();
  private readonly touchedBundles = new Map<number, EntryBundle>();
  private readonly indexByLeafHash = new Map<string, number>();

  constructor(
    state: LogTreeState = {
      range: new CompactRange(),
      tiles: new TileBuilder(),
      partialEntries: [],
    },
    private readonly leafHashIndexSize = DEFAULT_LEAF_HASH_INDEX_SIZE,
  ) {
    this.range = state.range;
    this.tileBuilder = state.tiles;
    this.partialEntries = state.partialEntries;
  }

  get size(): number {
    return this.range.size;
  }

  root(): Uint8Array {
    return this.range.root();
  }

  /** True when tiles wait to be written (a tree that grew, or a failed checkpoint's). */
  get hasTileWrites(): boolean {
    return this.touchedTiles.size > 0;
  }

  /** Appends leaves at the end of the tree, in order; the first lands at the size before. */
  append(leaves: readonly TreeLeaf[]): void {
    if (leaves.length === 0) return;
    const start = this.size;
    const result = this.range.appendBatch(leaves.map((l) => l.leafHash));
    for (const tile of this.tileBuilder.add(result.completed)) {
      this.touchedTiles.set(`${tile.id.level}/${tile.id.index}`, tile);
    }
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      this.partialEntries.push(leaf.leaf);
      if (this.partialEntries.length === TILE_WIDTH) this.flushBundle(start + i);
      this.indexByLeafHash.set(leafHashKey(leaf.leafHash), start + i);
    }
    if (this.indexByLeafHash.size > this.leafHashIndexSize) {
      // Maps iterate in insertion order: the first keys are the oldest leaves.
      let excess = this.indexByLeafHash.size - this.leafHashIndexSize;
      for (const key of this.indexByLeafHash.keys()) {
        if (excess-- <= 0) break;
        this.indexByLeafHash.delete(key);
      }
    }
    if (this.partialEntries.length > 0) this.flushBundle(this.size - 1);
  }

  /** The index of a leaf appended to this tree, among the newest `leafHashIndexSize`. */
  indexOfLeafHash(leafHash: Uint8Array): number | undefined {
    return this.indexByLeafHash.get(leafHashKey(leafHash));
  }

  /** Hands over the tiles and bundles touched since the last call. */
  takeWrites(): TreeWrites {
    const writes = {
      tiles: [...this.touchedTiles.values()],
      bundles: [...this.touchedBundles.values()],
    };
    this.touchedTiles.clear();
    this.touchedBundles.clear();
    return writes;
  }

  /** Takes back writes that did not happen, unless newer content of the same paths is waiting. */
  restoreWrites(writes: TreeWrites): void {
    for (const tile of writes.tiles) {
      const key = `${tile.id.level}/${tile.id.index}`;
      if (!this.touchedTiles.has(key)) this.touchedTiles.set(key, tile);
    }
    for (const bundle of writes.bundles) {
      if (!this.touchedBundles.has(bundle.id.index))
        this.touchedBundles.set(bundle.id.index, bundle);
    }
  }

  private flushBundle(lastIndex: number): void {
    const bundleIndex = Math.floor(lastIndex / TILE_WIDTH);
    this.touchedBundles.set(bundleIndex, {
      id: { index: bundleIndex, width: this.partialEntries.length },
      bytes: encodeEntryBundle(this.partialEntries),
    });
    if (this.partialEntries.length === TILE_WIDTH) this.partialEntries = [];
  }
}

/**
 * A leaf hash as a map key: 32 latin1 characters (half the memory and work of hex); hashLeaf
 * already gives Buffers, so most need no copy.
 */
function leafHashKey(leafHash: Uint8Array): string {
  return (Buffer.isBuffer(leafHash) ? leafHash : Buffer.from(leafHash)).toString('latin1');
}
