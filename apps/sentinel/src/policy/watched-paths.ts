// Watched paths as the kernel names them: symlinks and `..` resolved at config load (realpath of
// the part that exists; the rest is taken as written, `..` removed), because the kernel reports a
// created file by its dentries (`/usr/bin/x` where /bin links to usr/bin) and would never match a
// prefix that goes through a symlink.
import { realpathSync } from 'node:fs';
import { posix } from 'node:path';

/** `path` (absolute) with every symlink and `..` of its existing part resolved, as the kernel walks it. */
export function resolvedPath(path: string): string {
  let current = '/';
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = posix.dirname(current);
      continue;
    }
    const next = current === '/' ? `/${part}` : `${current}/${part}`;
    try {
      current = realpathSync(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      current = next; // not there (yet): as written
    }
  }
  return current;
}

/** The configured spelling without `.`, `..` (lexically), repeated or trailing slashes. */
export function writtenPath(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

export interface WatchedPrefix<Op extends string> {
  readonly path: string;
  readonly ops: readonly Op[];
  /** The configured path this one came from. */
  readonly configured: string;
}

/**
 * The prefixes to watch for the configured ones: each one's resolved path, and its written
 * spelling too when that differs (rename, delete, chmod and chown are reported with the path the
 * process passed, which may go through the symlink). Duplicates merge their ops; at most `max`,
 * the resolved ones first.
 */
export function watchedPrefixes<Op extends string>(
  configured: ReadonlyArray<{ path: string; ops: readonly Op[] }>,
  max: number,
): { prefixes: WatchedPrefix<Op>[]; dropped: string[] } {
  const byPath = new Map<string, WatchedPrefix<Op>>();
  const add = (path: string, ops: readonly Op[], from: string): void => {
    const existing = byPath.get(path);
    byPath.set(path, {
      path,
      ops: existing ? [...new Set([...existing.ops, ...ops])] : [...ops],
      configured: existing?.configured ?? from,
    });
  };
  for (const p of configured) add(resolvedPath(p.path), p.ops, p.path);
  const written = configured.filter((p) => !byPath.has(writtenPath(p.path)));
  const dropped: string[] = [];
  for (const p of written) {
    if (byPath.size >= max && !byPath.has(writtenPath(p.path))) dropped.push(writtenPath(p.path));
    else add(writtenPath(p.path), p.ops, p.path);
  }
  return { prefixes: [...byPath.values()].slice(0, max), dropped };
}
