// What file integrity monitoring remembers of one path: its type, owner, permission bits, size,
// times and the SHA-256 of its content (of a symlink: of its target's name), read with bounds.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';

export type FileKind = 'file' | 'directory' | 'symlink' | 'other';

export interface FileState {
  readonly path: string;
  readonly kind: FileKind;
  readonly inode: bigint;
  /** "major:minor", as FILE events name it. */
  readonly device: string;
  readonly size: bigint;
  /** Permission bits with setuid, setgid and sticky (st_mode & 07777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtimeNs: bigint;
  /** Not reported: only the rescan's shortcut (user space cannot set it back, unlike mtime). */
  readonly ctimeNs: bigint;
  /** Absent when not hashed (`unhashed` says why). */
  readonly sha256?: Buffer;
  readonly unhashed?: 'directory' | 'not-regular' | 'too-large' | 'unreadable';
}

const CHUNK_BYTES = 64 * 1024;

/** "major:minor" of a stat's dev (Linux's new encoding, as glibc's major()/minor()). */
function deviceName(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

function kindOf(mode: bigint): FileKind {
  const type = mode & 0o170000n;
  if (type === 0o100000n) return 'file';
  if (type === 0o040000n) return 'directory';
  if (type === 0o120000n) return 'symlink';
  return 'other';
}

async function hashRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  // a file swapped for a symlink (or a FIFO) between lstat and open is neither followed nor waited on
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new RangeError(`grew past ${maxBytes} bytes while hashed`);
      hash.update(chunk.subarray(0, bytesRead));
    }
    return hash.digest();
  } finally {
    await handle.close();
  }
}

/**
 * The state of `path` now (not following a symlink at the end), or undefined when nothing is
 * there. A regular file larger than `maxFileBytes` is not hashed; one that cannot be read is
 * reported without a hash (`unhashed`), not as an error. Given `previous` (the rescan), a file
 * whose inode, size, times, mode and owner are all the same keeps `previous` unread.
 */
export async function readFileState(
  path: string,
  maxFileBytes: number,
  previous?: FileState,
): Promise<FileState | undefined> {
  let st;
  try {
    st = await lstat(path, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  const kind = kindOf(st.mode);
  const base = {
    path,
    kind,
    inode: st.ino,
    device: deviceName(st.dev),
    size: st.size,
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
  };
  if (previous && previous.kind === kind && looksUnchanged(previous, base)) return previous;
  if (kind === 'directory') return { ...base, unhashed: 'directory' };
  if (kind === 'symlink') {
    const target = await readlink(path).catch(() => undefined);
    if (target === undefined) return { ...base, unhashed: 'unreadable' };
    return { ...base, sha256: createHash('sha256').update(target).digest() };
  }
  if (kind !== 'file') return { ...base, unhashed: 'not-regular' };
  if (st.size > BigInt(maxFileBytes)) return { ...base, unhashed: 'too-large' };
  try {
    return { ...base, sha256: await hashRegularFile(path, maxFileBytes) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof RangeError) return { ...base, unhashed: 'too-large' };
    return { ...base, unhashed: 'unreadable' };
  }
}

/** What differs between a baseline and now ("created", "deleted", "content", "mode", "owner", "type"). */
export function stateChanges(
  before: FileState | undefined,
  after: FileState | undefined,
): string[] {
  if (!before && !after) return [];
  if (!before) return ['created'];
  if (!after) return ['deleted'];
  const changes: string[] = [];
  if (before.kind !== after.kind) changes.push('type');
  const hashed = before.sha256 && after.sha256;
  if (
    hashed
      ? !before.sha256.equals(after.sha256)
      : before.size !== after.size ||
        before.mtimeNs !== after.mtimeNs ||
        !!before.sha256 !== !!after.sha256
  ) {
    if (before.kind !== 'directory' || after.kind !== 'directory') changes.push('content');
  }
  if (before.mode !== after.mode) changes.push('mode');
  if (before.uid !== after.uid || before.gid !== after.gid) changes.push('owner');
  return changes;
}

/** True when the rescan may keep the baseline without reading the file (same inode, size, times). */
export function looksUnchanged(before: FileState, now: Omit<FileState, 'sha256'>): boolean {
  return (
    before.inode === now.inode &&
    before.size === now.size &&
    before.mtimeNs === now.mtimeNs &&
    before.ctimeNs === now.ctimeNs &&
    before.mode === now.mode &&
    before.uid === now.uid &&
    before.gid === now.gid
  );
}
