// Plants file honeytokens on this host: writes the file (never over an existing one, only below
// the configured roots) and asks this node's sentinel to watch it (`omega_policy` key
// `filewatch.<node>.<honeytoken id>`, a FileWatch); revocation removes both. Only this node's:
// the same path on another node is another file, perhaps a real one someone reads.
import { constants } from 'node:fs';
import { mkdir, open, realpath, unlink } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { fileWatchKey, watchedFilePath, type KV } from '@omega/bus';
import { FileWatch } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';

export interface FilePlanter {
  /** Writes `content` at `path` (mode 0600) and adds the watch; ALREADY_EXISTS when a file is there. */
  plant(honeytokenId: string, path: string, content: string): Promise<void>;
  /** Removes the watch and the file; either already gone is fine. */
  remove(honeytokenId: string, path: string): Promise<void>;
}

export interface HostFilePlanterOptions {
  /** omega_policy, where the sentinels read their watches. */
  readonly policy: KV;
  /** This host's node name, as its sentinel names it. */
  readonly node: string;
  /** Directories files may be planted below (deception.files.plantRoots). */
  readonly roots: readonly string[];
  /** Who plants (this service's identity), recorded in the watch. */
  readonly self: () => string;
  readonly clock?: () => number;
}

/** Whether `path` lies strictly below one of `roots` (both already resolved). */
function below(roots: readonly string[], path: string): boolean {
  return roots.some((root) => path.startsWith(root.endsWith(sep) ? root : root + sep));
}

export function hostFilePlanter(options: HostFilePlanterOptions): FilePlanter {
  const clock = options.clock ?? Date.now;
  const where = (path: string): never => {
    throw new OmegaError(
      Code.PermissionDenied,
      `MintHoneytoken file_path: ${path} is not below a directory this service plants in (deception.files.plantRoots: ${options.roots.join(', ')})`,
    );
  };
  return {
    async plant(honeytokenId, path, content) {
      watchedFilePath(path, 'MintHoneytoken file_path');
      if (!below(options.roots, path)) where(path);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // a symlink on the way must not lead the write outside the roots
      const roots = await Promise.all(
        options.roots.map((root) => realpath(root).catch(() => root)),
      );
      const parent = await realpath(dirname(path));
      if (!below(roots, `${parent}${sep}x`)) where(path);
      const flags =
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
      let file;
      try {
        file = await open(path, flags, 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new OmegaError(
            Code.AlreadyExists,
            `MintHoneytoken file_path: ${path} exists; a honeytoken never replaces a file (choose another path, or remove it)`,
          );
        }
        throw OmegaError.wrap(err, `MintHoneytoken: writing ${path}`);
      }
      try {
        await file.writeFile(content, 'utf8');
      } finally {
        await file.close();
      }
      const watch = FileWatch.fromPartial({
        path,
        honeytokenId,
        createdBy: options.self(),
        createTimeNs: BigInt(clock()) * 1_000_000n,
      });
      try {
        await options.policy.put(
          fileWatchKey(options.node, honeytokenId),
          FileWatch.encode(watch).finish(),
        );
      } catch (err) {
        await unlink(path).catch(() => {});
        throw OmegaError.wrap(err, `MintHoneytoken: watching ${path}`);
      }
    },
    async remove(honeytokenId, path) {
      await options.policy.delete(fileWatchKey(options.node, honeytokenId));
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw OmegaError.wrap(err, `removing honeytoken file ${path}`);
      });
    },
  };
}
