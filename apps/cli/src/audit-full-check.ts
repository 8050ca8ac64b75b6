// `omega audit verify --full`: every entry bundle and every hash tile (interior levels too) of a
// verified checkpoint's tree, recomputed from the entries and compared with the stored tiles and
// the signed root, naming the first entry or tile that disagrees.
import {
  decodeEntryBundle,
  entryBundlePath,
  entryBundlesOf,
  firstTileDifference,
  TILE_WIDTH,
  tilePath,
  TreeRecomputation,
  type Tile,
} from '@omega/auditlog';
import { errorMessage } from '@omega/runtime';

/** Reads a tlog-tiles resource (`tile/0/000`, `tile/entries/001.p/7`) by path. */
export type TlogReader = (path: string) => Promise<Uint8Array>;

export interface FullCheckResult {
  readonly ok: boolean;
  /** Each a sentence naming the entry index or tile path; the first one first. */
  readonly problems: string[];
  readonly bundles: number;
  readonly tiles: number;
  /** Highest tile level checked (-1 for an empty log). */
  readonly topLevel: number;
}

/** Bundles (and their level-0 tiles) fetched ahead of the one being hashed. */
const READ_AHEAD = 8;
/** By default a progress line every this many bundles (16,384 entries), and at the end. */
const PROGRESS_EVERY = 64;
/** Problems listed beyond the first (the rest are counted). */
const MAX_LISTED = 10;

/**
 * Checks the tree of `checkpoint` (already verified against the log key): recomputes every tile
 * and the root from the entry bundles and compares them with the stored tiles and the signed root.
 */
export async function checkFullLog(
  read: TlogReader,
  checkpoint: { readonly size: number; readonly rootHash: Uint8Array },
  progress: (line: string) => void,
  progressEveryBundles = PROGRESS_EVERY,
): Promise<FullCheckResult> {
  const { size } = checkpoint;
  const recomputation = new TreeRecomputation(size);
  const bundles = entryBundlesOf(size);
  const problems: string[] = [];
  let disagreeing = 0;
  let tiles = 0;
  let topLevel = -1;
  const compare = async (tile: Tile, stored: Promise<Uint8Array>) => {
    tiles++;
    topLevel = Math.max(topLevel, tile.id.level);
    const path = tilePath(tile.id);
    let found: Uint8Array;
    try {
      found = await stored;
    } catch (err) {
      disagreeing++;
      problems.push(`${path}: cannot be read (${errorMessage(err)})`);
      return;
    }
    const difference = firstTileDifference(tile, found);
    if (!difference) return;
    disagreeing++;
    if (problems.length >= MAX_LISTED) return;
    const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : 'nothing');
    const at = tile.id.index * TILE_WIDTH + difference.position;
    problems.push(
      tile.id.level === 0
        ? `entry ${at}: its bundle ${entryBundlePath({ index: tile.id.index, width: tile.id.width })} hashes to ${hex(difference.expected)}, but ${path} holds ${hex(difference.found)}`
        : `${path}: hash ${difference.position} (tree level ${tile.id.level * 8}, node ${at}) recomputed from the entries is ${hex(difference.expected)}, the tile holds ${hex(difference.found)}`,
    );
  };
  // Reads start early and are awaited in order; a failed read is reported where it is awaited.
  const ahead = (path: string) => {
    const pending = read(path);
    pending.catch(() => undefined);
    return pending;
  };
  const fetched = bundles.slice(0, READ_AHEAD).map((id) => ({
    bundle: ahead(entryBundlePath(id)),
    tile: ahead(tilePath({ level: 0, ...id })),
  }));
  for (const [k, id] of bundles.entries()) {
    const next = bundles[k + READ_AHEAD];
    if (next) {
      fetched.push({
        bundle: ahead(entryBundlePath(next)),
        tile: ahead(tilePath({ level: 0, ...next })),
      });
    }
    const { bundle, tile } = fetched[k]!;
    const path = entryBundlePath(id);
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(await bundle, id.width);
    } catch (err) {
      // Without this bundle's entries nothing above it can be recomputed.
      problems.unshift(
        `entry bundle ${path} (entries ${id.index * TILE_WIDTH}..${id.index * TILE_WIDTH + id.width - 1}): ${errorMessage(err)}`,
      );
      return { ok: false, problems, bundles: k, tiles, topLevel };
    }
    for (const completed of recomputation.addBundle(id, entries)) {
      await compare(completed, completed.id.level === 0 ? tile : ahead(tilePath(completed.id)));
    }
    if ((k + 1) % progressEveryBundles === 0 && k + 1 < bundles.length) {
      const done = recomputation.entriesRead;
      progress(`full check: ${done} of ${size} entries (${Math.floor((done * 100) / size)}%)`);
    }
  }
  const { partialTiles, root } = recomputation.finish();
  for (const partial of partialTiles) {
    const stored =
      partial.id.level === 0 ? fetched[partial.id.index]!.tile : ahead(tilePath(partial.id));
    await compare(partial, stored);
  }
  if (disagreeing > problems.length) {
    problems.push(`${disagreeing - problems.length} more tiles disagree`);
  }
  if (Buffer.compare(root, checkpoint.rootHash) !== 0) {
    problems.push(
      `the entries give root ${Buffer.from(root).toString('hex')}, but the signed checkpoint of size ${size} has root ${Buffer.from(checkpoint.rootHash).toString('hex')}: the entries are not the ones that were signed`,
    );
  } else if (problems.length > 0) {
    problems.push(
      `the entries reproduce the signed root: the tiles named above were altered after signing`,
    );
  }
  if (bundles.length >= progressEveryBundles)
    progress(`full check: ${size} of ${size} entries (100%)`);
  return { ok: problems.length === 0, problems, bundles: bundles.length, tiles, topLevel };
}
