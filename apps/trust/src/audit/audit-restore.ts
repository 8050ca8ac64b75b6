// Bringing the log's right edge back from persisted tiles at start-up, without rehashing entries.
import {
  CompactRange,
  compactRangeNodes,
  decodeEntryBundle,
  entryBundlePath,
  partialEntryBundle,
  partialTiles,
  TileBuilder,
  TileHashReader,
} from '@omega/auditlog';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { AuditLogOptions } from './audit-log-options';
import type { LogCheckpoint, StoredCheckpoint } from './audit-checkpoint';
import { tilesHolding } from './tile-store';

/** The tree state a log starts from. */
export interface RestoredTree {
  range: CompactRange;
  tiles: TileBuilder;
  partialEntries: Uint8Array[];
  leafSeq: number;
  latest: LogCheckpoint;
}

/**
 * The right edge, partial tiles and partial entry bundle of `stored`'s tree, read from tiles;
 * undefined (logged) when the tiles are missing or do not give the checkpoint's root.
 */
export async function restoreFromTiles(
  opts: Pick<AuditLogOptions, 'tiles' | 'logger'>,
  stored: StoredCheckpoint,
): Promise<RestoredTree | undefined> {
  try {
    const size = stored.size;
    const nodes = compactRangeNodes(size);
    const partials = partialTiles(size);
    const ids = new Map(
      tilesHolding(nodes, size).map((id) => [`${id.level}/${id.index}/${id.width}`, id]),
    );
    for (const id of partials) ids.set(`${id.level}/${id.index}/${id.width}`, id);
    await opts.tiles.load([...ids.values()]);
    const range = new CompactRange(
      size,
      new TileHashReader(size, opts.tiles.source).readHashes(nodes),
    );
    if (Buffer.compare(range.root(), stored.rootHash) !== 0) {
      throw new OmegaError(Code.DataLoss, `tiles give another root at size ${size}`);
    }
    const tiles = new TileBuilder(
      size,
      partials.map((id) => ({ id, hashes: opts.tiles.source.readTile(id) })),
    );
    const bundleId = partialEntryBundle(size);
    const partialEntries = bundleId
      ? decodeEntryBundle(await opts.tiles.get(entryBundlePath(bundleId)), bundleId.width)
      : [];
    return {
      range,
      tiles,
      partialEntries,
      leafSeq: stored.leafSeq,
      latest: {
        size,
        rootHash: stored.rootHash,
        note: stored.note,
        timeNs: stored.timeNs,
      },
    };
  } catch (err) {
    opts.logger.warn(
      { err, size: stored.size },
      `audit log: tiles cannot restore size ${stored.size} (${errorMessage(err)}); rehashing every entry`,
    );
    return undefined;
  }
}
