// File System Activity as Sigma's file_event (create), file_rename, file_delete, file_change
// (chmod/chown), file_access (opens of watched files) and file_integrity (the sentinel's integrity
// monitoring: a baseline file changed, before and after): TargetFilename and friends.
import { Event, File, FileActivity } from '@omega/proto';
import type { FieldValue } from './field-mapping';
import { actorFields, fileOf, need, num, str, type FieldSpec } from './field-mapping-actor';

// --- file system activity ---

const fileW = (e: Event): FileActivity => need(fileOf(e), 'file');
const named = (path: string): File =>
  File.fromPartial({ path, name: path.slice(path.lastIndexOf('/') + 1) });

const targetFilename = str(
  'file_activity.file.path',
  (e) => fileOf(e)?.file?.path,
  (e, v) => void (fileW(e).file = named(v)),
);
const OPEN_ACCESS = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'] as const;
const OPEN_FLAGS: ReadonlyArray<[number, string]> = [
  [0o100, 'O_CREAT'],
  [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'],
  [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'],
  [0o10000000, 'O_PATH'],
];

export const fileCreateFields: Record<string, FieldSpec> = {
  ...actorFields,
  TargetFilename: targetFilename,
};
export const fileRenameFields: Record<string, FieldSpec> = {
  ...actorFields,
  // the old name is OCSF's `file`, the new one `file_result`
  SourceFilename: str(
    'file_activity.file.path',
    (e) => fileOf(e)?.file?.path,
    (e, v) => void (fileW(e).file = named(v)),
  ),
  TargetFilename: str(
    'file_activity.file_result.path',
    (e) => fileOf(e)?.fileResult?.path,
    (e, v) => void (fileW(e).fileResult = named(v)),
  ),
};
export const fileChangeFields: Record<string, FieldSpec> = {
  ...actorFields,
  TargetFilename: targetFilename,
  FileMode: str(
    'file_activity.mode (octal text)',
    (e) => fileOf(e)?.mode?.toString(8),
    (e, v) => void (fileW(e).mode = parseInt(v, 8)),
  ),
  OwnerUid: num(
    'file_activity.owner_uid',
    (e) => fileOf(e)?.ownerUid,
    (e, v) => void (fileW(e).ownerUid = v),
  ),
  OwnerGid: num(
    'file_activity.owner_gid',
    (e) => fileOf(e)?.ownerGid,
    (e, v) => void (fileW(e).ownerGid = v),
  ),
};
export const fileAccessFields: Record<string, FieldSpec> = {
  ...actorFields,
  TargetFilename: targetFilename,
  OpenFlags: {
    omegaField: 'file_activity.open_flags (names: O_RDONLY, O_CREAT, ...; any)',
    type: 'strings',
    read: (e): FieldValue => {
      const flags = fileOf(e)?.openFlags;
      if (flags === undefined) return undefined;
      return [
        OPEN_ACCESS[flags & 3]!,
        ...OPEN_FLAGS.filter(([bit]) => flags & bit).map(([, n]) => n),
      ];
    },
    write: (e, v) => {
      const name = String(v);
      const access = OPEN_ACCESS.indexOf(name as (typeof OPEN_ACCESS)[number]);
      const bit = OPEN_FLAGS.find(([, n]) => n === name)?.[0] ?? 0;
      fileW(e).openFlags |= access >= 0 ? access : bit;
    },
  },
};

// the integrity report's before is OCSF's `file` (unset for a file that appeared), the after
// `file_result` (unset for a file that went)
const integrityW = (e: Event, side: 'file' | 'fileResult'): File => {
  const activity = fileW(e);
  return (activity[side] ??= File.fromPartial({}));
};
const hex = (bytes: Uint8Array | undefined): string | undefined =>
  bytes && bytes.length > 0 ? Buffer.from(bytes).toString('hex') : undefined;

export const fileIntegrityFields: Record<string, FieldSpec> = {
  ...actorFields,
  TargetFilename: str(
    'file_activity.file_result.path, else file_activity.file.path',
    (e) => fileOf(e)?.fileResult?.path || fileOf(e)?.file?.path,
    (e, v) => {
      Object.assign(integrityW(e, 'fileResult'), {
        path: v,
        name: v.slice(v.lastIndexOf('/') + 1),
      });
    },
  ),
  Changes: {
    omegaField:
      'file_activity.integrity_changes (created, deleted, content, mode, owner, type; any)',
    type: 'strings',
    read: (e): FieldValue => {
      const list = fileOf(e)?.integrityChanges;
      return list && list.length > 0 ? list : undefined;
    },
    write: (e, v) => void fileW(e).integrityChanges.push(String(v)),
  },
  Sha256: str(
    'file_activity.file_result.sha256 (hex)',
    (e) => hex(fileOf(e)?.fileResult?.sha256),
    (e, v) => void (integrityW(e, 'fileResult').sha256 = Buffer.from(v, 'hex')),
  ),
  PreviousSha256: str(
    'file_activity.file.sha256 (hex)',
    (e) => hex(fileOf(e)?.file?.sha256),
    (e, v) => void (integrityW(e, 'file').sha256 = Buffer.from(v, 'hex')),
  ),
  FileMode: str(
    'file_activity.file_result.mode (octal text)',
    (e) => fileOf(e)?.fileResult?.mode?.toString(8),
    (e, v) => void (integrityW(e, 'fileResult').mode = parseInt(v, 8)),
  ),
};
