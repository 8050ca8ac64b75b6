// Decodes the loader's FILE frame body (bpf/src/frames.h `omega_frame_file`): an operation on a
// watched file, by the process that did it.
const FILE_HEADER_BYTES = 72;

/** What was done to a watched file (bpf/src/sentinel-events.h `omega_file_op`). */
export enum FileOp {
  Open = 1,
}

export interface FileFrameFields {
  op: FileOp;
  pid: number;
  uid: number;
  gid: number;
  /** The id the sentinel gave the watch (`file-watch <id> ...`). */
  watchId: number;
  /** The open's f_flags (O_ACCMODE in the low two bits). */
  flags: number;
  timeNs: bigint;
  cgroupId: bigint;
  inode: bigint;
  /** "major:minor" of the filesystem. */
  device: string;
  comm: string;
  /** From the opener's root; empty when the kernel could not name it. */
  path: string;
}

/** The body's fields; throws naming the frame when it is short. */
export function decodeFileFrame(body: Buffer): FileFrameFields {
  if (body.length < FILE_HEADER_BYTES) {
    throw new Error(
      `FILE frame body is ${body.length} bytes, at least ${FILE_HEADER_BYTES} expected`,
    );
  }
  const pathLen = body.readUInt16LE(52);
  if (body.length < FILE_HEADER_BYTES + pathLen) {
    throw new Error(
      `FILE frame body is ${body.length} bytes, ${FILE_HEADER_BYTES + pathLen} expected for its ${pathLen}-byte path`,
    );
  }
  const dev = body.readUInt32LE(48);
  const comm = body.subarray(56, 72);
  const commEnd = comm.indexOf(0);
  return {
    op: body.readUInt32LE(0),
    pid: body.readUInt32LE(4),
    uid: body.readUInt32LE(8),
    gid: body.readUInt32LE(12),
    watchId: body.readUInt32LE(16),
    flags: body.readUInt32LE(20),
    timeNs: body.readBigUInt64LE(24),
    cgroupId: body.readBigUInt64LE(32),
    inode: body.readBigUInt64LE(40),
    // the kernel's dev_t: MAJOR << 20 | MINOR
    device: `${dev >>> 20}:${dev & 0xfffff}`,
    comm: comm.subarray(0, commEnd === -1 ? comm.length : commEnd).toString('utf8'),
    path: body.subarray(FILE_HEADER_BYTES, FILE_HEADER_BYTES + pathLen).toString('utf8'),
  };
}
