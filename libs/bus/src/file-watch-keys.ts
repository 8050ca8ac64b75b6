// The keys of the `omega_policy` KV bucket's watched files (`filewatch.<scope>.<id>`, values
// FileWatch protobufs) and the paths they may name: deception writes them, every sentinel's file
// watch applies them, so the format and the path rule live here once.
import { Code, OmegaError } from '@omega/runtime';
import { subjectToken } from './subjects';

const FILE_WATCH_PREFIX = 'filewatch.';
/** A watch id: a honeytoken id, or any short name of letters, digits, '-' and '_'. */
const WATCH_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Longest watched path: the loader's command line and the kernel record (512 bytes) hold it. */
export const MAX_WATCHED_PATH_BYTES = 400;

/** The key of watch `id` in `scope` (a node name, or POLICY_ALL_NODES for every node). */
export function fileWatchKey(scope: string, id: string): string {
  if (!WATCH_ID.test(id)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `file watch id ${JSON.stringify(id.slice(0, 80))}: 1 to 64 of letters, digits, '-' and '_'`,
    );
  }
  return `${FILE_WATCH_PREFIX}${subjectToken(scope, 'file watch scope')}.${id}`;
}

/** The watch filter matching every file watch of one scope: `filewatch.<scope>.>`. */
export function fileWatchFilter(scope: string): string {
  return `${FILE_WATCH_PREFIX}${subjectToken(scope, 'file watch scope')}.>`;
}

/** The scope and id a file watch key names (the inverse of fileWatchKey). */
export function parseFileWatchKey(key: string): { scope: string; id: string } {
  const rest = key.startsWith(FILE_WATCH_PREFIX) ? key.slice(FILE_WATCH_PREFIX.length) : '';
  const dot = rest.indexOf('.');
  const scope = rest.slice(0, dot);
  const id = rest.slice(dot + 1);
  if (dot <= 0 || !WATCH_ID.test(id)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `omega_policy key ${JSON.stringify(key.slice(0, 200))} is not a file watch key (filewatch.<scope>.<id>)`,
    );
  }
  return { scope, id };
}

/**
 * `path` if a file may be watched (and planted) there: absolute, normalized (no '.', '..' or empty
 * components, no trailing '/'), at most MAX_WATCHED_PATH_BYTES bytes of UTF-8, no whitespace or
 * control characters (the loader's commands are whitespace-separated). Else OmegaError
 * (InvalidArgument) naming `what` and the offending character's index.
 */
export function watchedFilePath(path: string, what: string): string {
  const fail = (why: string): never => {
    throw new OmegaError(Code.InvalidArgument, `${what}: ${why}`);
  };
  if (!path.startsWith('/')) fail(`"${path.slice(0, 80)}" is not an absolute path`);
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > MAX_WATCHED_PATH_BYTES) fail(`${bytes} bytes, at most ${MAX_WATCHED_PATH_BYTES}`);
  const bad = [...path].findIndex((ch) => /[\s\p{Cc}]/u.test(ch));
  if (bad !== -1) fail(`whitespace or a control character at index ${bad}`);
  const parts = path.slice(1).split('/');
  const badPart = parts.findIndex((part) => part === '' || part === '.' || part === '..');
  if (path === '/' || badPart !== -1) {
    fail(`"${path.slice(0, 80)}" is not a normalized path to a file (component ${badPart + 1})`);
  }
  return path;
}
