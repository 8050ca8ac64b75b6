// Decodes the loader's AUDIT frame body (bpf/src/frames.h `omega_frame_audit`): a security record
// of audit.bpf.c (docs/sentinel-telemetry.md), with the acting process and the call's result.
const AUDIT_HEADER_BYTES = 124;

/** What an AUDIT frame reports (bpf/src/sentinel-events.h `omega_audit_op`). */
export enum AuditOp {
  PrivilegeChange = 1,
  ExecSetid = 2,
  Ptrace = 3,
  Mount = 4,
  Namespace = 5,
  Module = 6,
  BpfLoad = 7,
  RawSocket = 8,
  MemfdCreate = 9,
  MemfdExec = 10,
  FileCreate = 11,
  FileRename = 12,
  FileDelete = 13,
  FileChmod = 14,
  FileChown = 15,
  /** An enforcement policy matched an exec: arg[0] policy id, arg[1] dry run, arg[2] kind. */
  Enforce = 16,
}

/** `omega_audit_call` 1, 2, ...: the system calls' names, the same numbers on every architecture. */
const CALL_NAMES = [
  'setuid',
  'setgid',
  'setreuid',
  'setregid',
  'setresuid',
  'setresgid',
  'setfsuid',
  'setfsgid',
  'capset',
  'execve',
  'ptrace',
  'mount',
  'move_mount',
  'unshare',
  'setns',
  'clone',
  'clone3',
  'init_module',
  'finit_module',
  'bpf',
  'socket',
  'memfd_create',
  'open',
  'openat',
  'openat2',
  'creat',
  'mkdir',
  'mkdirat',
  'rename',
  'renameat',
  'renameat2',
  'unlink',
  'unlinkat',
  'rmdir',
  'chmod',
  'fchmod',
  'fchmodat',
  'fchmodat2',
  'chown',
  'fchown',
  'lchown',
  'fchownat',
] as const;

export function auditCallName(call: number): string {
  return CALL_NAMES[call - 1] ?? `syscall#${call}`;
}

export interface AuditFrameFields {
  op: AuditOp;
  /** The system call's name ("setresuid", "renameat2", "execve" for exec records). */
  syscall: string;
  pid: number;
  ppid: number;
  /** Credentials after the call. */
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  /** ptrace's target (0: none). */
  targetPid: number;
  /** File operations: the watched prefix's id. */
  watchId: number;
  /** The call's return value (-errno on failure). */
  result: bigint;
  timeNs: bigint;
  cgroupId: bigint;
  capEffective: bigint;
  /** Per op (bpf/README.md "Frames"): ids asked for, flags, mode, owner, request, socket triple. */
  args: readonly [bigint, bigint, bigint];
  comm: string;
  /** The acting process's executable and argv (NUL-separated, at most 256 bytes). */
  exe: string;
  argv: string[];
  path: string;
  path2: string;
  extra: string;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

/** The body's fields; throws naming the frame and its lengths when it is short. */
export function decodeAuditFrame(body: Buffer): AuditFrameFields {
  if (body.length < AUDIT_HEADER_BYTES) {
    throw new Error(
      `AUDIT frame body is ${body.length} bytes, at least ${AUDIT_HEADER_BYTES} expected`,
    );
  }
  const lens = [0, 1, 2, 3, 4].map((i) => body.readUInt16LE(112 + 2 * i));
  const total = lens.reduce((sum, n) => sum + n, AUDIT_HEADER_BYTES);
  if (body.length < total) {
    throw new Error(
      `AUDIT frame body is ${body.length} bytes, ${total} expected for its strings (${lens.join(', ')} bytes)`,
    );
  }
  const strings: string[] = [];
  let at = AUDIT_HEADER_BYTES;
  for (const n of lens) {
    strings.push(body.subarray(at, at + n).toString('utf8'));
    at += n;
  }
  const [exe = '', args = '', path = '', path2 = '', extra = ''] = strings;
  return {
    op: body.readUInt32LE(0),
    syscall: auditCallName(body.readUInt32LE(4)),
    pid: body.readUInt32LE(8),
    ppid: body.readUInt32LE(12),
    uid: body.readUInt32LE(16),
    gid: body.readUInt32LE(20),
    euid: body.readUInt32LE(24),
    egid: body.readUInt32LE(28),
    targetPid: body.readUInt32LE(32),
    watchId: body.readUInt32LE(36),
    result: body.readBigInt64LE(40),
    timeNs: body.readBigUInt64LE(48),
    cgroupId: body.readBigUInt64LE(56),
    capEffective: body.readBigUInt64LE(64),
    args: [body.readBigUInt64LE(72), body.readBigUInt64LE(80), body.readBigUInt64LE(88)],
    comm: cString(body.subarray(96, 112)),
    exe,
    argv: args.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1),
    path,
    path2,
    extra,
  };
}
