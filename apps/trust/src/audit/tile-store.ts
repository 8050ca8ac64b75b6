// Persisted tlog tiles and entry bundles in the JetStream KV bucket omega_audit_tiles.
import { Kvm, type KV } from '@nats-io/kv';
import {
  entryBundlePath,
  TILE_HEIGHT,
  tileAt,
  tilePath,
  type NodeId,
  type EntryBundle,
  type Tile,
  type TileId,
  type TileSource,
} from '@omega/auditlog';
import type { Bus } from '@omega/bus';
import { Code, OmegaError } from '@omega/runtime';

/** Not one of ARCHITECTURE.md's buckets: trust provisions it itself (see docs/audit-log.md). */
export const AUDIT_TILES_BUCKET = 'omega_audit_tiles';
const MAX_VALUE_BYTES = 1024 * 1024;

/**
 * Tiles and entry bundles keyed by their tlog-tiles path (`tile/0/x001/234.p/7`), so the HTTP
 * server serves keys as they are. Tiles are immutable (a partial tile's path names its width), so
 * two trust replicas writing the same key write the same bytes. Recently used tiles stay in memory.
 */
export class TileStore {
  private readonly cache = new Map<string, Uint8Array>();

  private constructor(
    private readonly kv: KV,
    private readonly maxCachedTiles: number,
  ) {}

  /** Creates the bucket when missing (file storage, one revision per key). */
  static async open(bus: Bus, maxCachedTiles = 16384): Promise<TileStore> {
    try {
      const kv = await new Kvm(bus.js).create(AUDIT_TILES_BUCKET, {
        description: 'Audit log tlog tiles and entry bundles (apps/trust)',
        history: 1,
        storage: 'file',
        maxValueSize: MAX_VALUE_BYTES,
        replicas: bus.replicas,
      });
      return new TileStore(kv, maxCachedTiles);
    } catch (err) {
      throw OmegaError.wrap(err, `tile store: cannot open KV bucket ${AUDIT_TILES_BUCKET}`);
    }
  }

  /** Writes tiles and bundles; resolves once JetStream stored every one. */
  async write(tiles: readonly Tile[], bundles: readonly EntryBundle[]): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const tile of tiles) {
      const key = tilePath(tile.id);
      this.remember(key, tile.hashes);
      writes.push(this.kv.put(key, tile.hashes));
    }
    for (const bundle of bundles)
      writes.push(this.kv.put(entryBundlePath(bundle.id), bundle.bytes));
    try {
      await Promise.all(writes);
    } catch (err) {
      throw OmegaError.wrap(err, `tile store: writing ${writes.length} tiles and bundles failed`);
    }
  }

  /** Loads these tiles into memory (from KV when not cached); NotFound names a missing tile. */
  async load(ids: readonly TileId[]): Promise<void> {
    await Promise.all(
      ids.map(async (id) => {
        const key = tilePath(id);
        if (this.cache.has(key)) return;
        this.remember(key, await this.get(key));
      }),
    );
  }

  /** A TileSource over the tiles in memory: call `load` for the tiles a proof needs first. */
  readonly source: TileSource = {
    readTile: (id) => {
      const key = tilePath(id);
      const tile = this.cache.get(key);
      if (!tile) throw new OmegaError(Code.Internal, `tile store: ${key} is not loaded`);
      return tile;
    },
  };

  /** The bytes at a tlog-tiles path (tile or entry bundle); NotFound when absent. */
  async get(path: string): Promise<Uint8Array> {
    const cached = this.cache.get(path);
    if (cached) return cached;
    let entry;
    try {
      entry = await this.kv.get(path);
    } catch (err) {
      throw OmegaError.wrap(err, `tile store: reading ${path} failed`, Code.Unavailable);
    }
    if (!entry || entry.operation !== 'PUT') {
      throw new OmegaError(Code.NotFound, `tile store: no ${path} in ${AUDIT_TILES_BUCKET}`);
    }
    return entry.value;
  }

  private remember(key: string, hashes: Uint8Array): void {
    this.cache.delete(key);
    this.cache.set(key, hashes);
    if (this.cache.size > this.maxCachedTiles) {
      this.cache.delete(this.cache.keys().next().value!);
    }
  }
}

/** The tiles (at `size`) that hold the given tree nodes, each once. */
export function tilesHolding(nodes: readonly NodeId[], size: number): TileId[] {
  // At one size a tile's level and index fix its width; numeric keys keep this off the profile.
  const ids = new Map<number, TileId>();
  for (const node of nodes) {
    const below = node.level % TILE_HEIGHT;
    const key = Math.floor(node.index / 2 ** (TILE_HEIGHT - below)) * 64 + (node.level - below);
    if (ids.has(key)) continue;
    const id = tileAt(node.level - below, node.index * 2 ** below, size);
    ids.set(key, id);
  }
  return [...ids.values()];
}
