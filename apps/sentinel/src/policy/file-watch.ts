// Applies the `omega_policy` KV bucket's watched files to this node: watches `filewatch.all.>`
// and `filewatch.<node>.>` (keys in @omega/bus file-watch-keys.ts), whose values are FileWatch
// protobufs, and has the loader watch each path's inode. A path that does not resolve yet (the
// file is planted later, or lives on another node) is tried again every retry interval. A
// malformed entry is skipped, logged and counted.
import {
  fileWatchFilter,
  parseFileWatchKey,
  POLICY_ALL_NODES,
  watchedFilePath,
  type KV,
} from '@omega/bus';
import { FileWatch } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import type { WatchedFile } from '../events/file-events';

/** The kernel's watched-file map holds this many (bpf/src/sentinel-events.h OMEGA_FILE_WATCHES). */
export const MAX_FILE_WATCHES = 4096;

export interface FileWatchTarget {
  /** Watches the inode `path` names now under `id`; rejects when it cannot (ENOENT, ...). */
  watchFile(id: number, path: string): Promise<void>;
  unwatchFile(id: number): Promise<void>;
}

export interface FileWatchSet {
  /** Resolves when the bucket's current watches have been tried once. */
  readonly initialized: Promise<void>;
  /** The watch a FILE frame's watch id names, or undefined (removed since). */
  lookup(watchId: number): WatchedFile | undefined;
  /** Watches the kernel has now, and those waiting for their path to resolve. */
  counts(): { applied: number; waiting: number };
  stop(): void;
}

export interface FileWatchOptions {
  kv: KV;
  node: string;
  target: FileWatchTarget;
  logger: Logger;
  rejected: { inc(): void };
  retryIntervalMs: number;
}

interface Entry {
  readonly watchId: number;
  readonly file: WatchedFile;
  applied: boolean;
}

export async function watchFiles(options: FileWatchOptions): Promise<FileWatchSet> {
  const { kv, node, target, logger, rejected } = options;
  const watcher = await kv.watch({
    key: [fileWatchFilter(POLICY_ALL_NODES), fileWatchFilter(node)],
  });
  const byKey = new Map<string, Entry>();
  const byWatchId = new Map<number, WatchedFile>();
  let nextWatchId = 1;
  // one change at a time: the KV watch and the retry timer both reach the loader
  let serial: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>): Promise<void> =>
    (serial = serial.then(work).catch((err: unknown) => {
      logger.error({ err }, `file watch: ${errorMessage(err)}`);
    }));

  const apply = async (key: string, entry: Entry): Promise<void> => {
    try {
      await target.watchFile(entry.watchId, entry.file.path);
      if (!entry.applied)
        logger.info({ key, path: entry.file.path }, `watching ${entry.file.path}`);
      entry.applied = true;
    } catch (err) {
      entry.applied = false;
      logger.info(
        { key, path: entry.file.path },
        `${entry.file.path} not watched yet (tried again every ${options.retryIntervalMs} ms): ${errorMessage(err)}`,
      );
    }
  };
  const remove = async (key: string): Promise<void> => {
    const entry = byKey.get(key);
    if (!entry) return;
    // gone from the kernel before it is gone from here, so counts() never shows it early
    if (entry.applied) await target.unwatchFile(entry.watchId);
    byKey.delete(key);
    byWatchId.delete(entry.watchId);
    logger.info({ key, path: entry.file.path }, `no longer watching ${entry.file.path}`);
  };
  const put = async (key: string, revision: number, value: Uint8Array): Promise<void> => {
    let file: WatchedFile;
    try {
      const { id } = parseFileWatchKey(key);
      const watch = FileWatch.decode(value);
      file = {
        id,
        path: watchedFilePath(watch.path, `omega_policy ${key} path`),
        honeytokenId: watch.honeytokenId,
      };
    } catch (err) {
      rejected.inc();
      logger.error({ err, key, revision }, `${errorMessage(err)}; skipped`);
      return;
    }
    const existing = byKey.get(key);
    if (existing && existing.file.path === file.path && existing.applied) {
      byKey.set(key, { ...existing, file });
      byWatchId.set(existing.watchId, file);
      return;
    }
    if (!existing && byKey.size >= MAX_FILE_WATCHES) {
      rejected.inc();
      logger.error(
        { key, revision },
        `omega_policy ${key} skipped: ${MAX_FILE_WATCHES} files are watched, the most the kernel map holds`,
      );
      return;
    }
    const entry: Entry = { watchId: existing?.watchId ?? nextWatchId++, file, applied: false };
    byKey.set(key, entry);
    byWatchId.set(entry.watchId, file);
    await apply(key, entry);
  };

  const retry = setInterval(() => {
    void serially(async () => {
      for (const [key, entry] of byKey) if (!entry.applied) await apply(key, entry);
    });
  }, options.retryIntervalMs);
  retry.unref();

  let markInitialized: () => void = () => {};
  const initialized = new Promise<void>((r) => (markInitialized = r));
  if (watcher.getPending?.() === 0) markInitialized();
  void (async () => {
    for await (const entry of watcher) {
      await serially(() =>
        entry.operation === 'PUT' ? put(entry.key, entry.revision, entry.value) : remove(entry.key),
      );
      if (entry.delta === 0) markInitialized();
    }
  })();
  return {
    initialized,
    lookup: (watchId) => byWatchId.get(watchId),
    counts: () => {
      const applied = [...byKey.values()].filter((e) => e.applied).length;
      return { applied, waiting: byKey.size - applied };
    },
    stop: () => {
      clearInterval(retry);
      watcher.stop();
    },
  };
}
