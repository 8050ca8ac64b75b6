// Decodes the loader's stdout: length-prefixed little-endian frames (layouts in bpf/README.md).
// Over 400 lines on purpose: the decoder of every loader frame type: one wire format (frames.h is its C side), one file.
import { Code, OmegaError } from '@omega/runtime';
import { decodeFileFrame, type FileFrameFields } from './file-frames';
import { decodeAuditFrame, type AuditFrameFields } from './audit-frames';

export const FRAME_HEADER_BYTES = 8;
export const FRAME_VERSION = 1;
/** Larger than any frame the loader writes (an EXEC is at most 64 + 256 + 1024 bytes). */
export const MAX_FRAME_BODY_BYTES = 64 * 1024;

export enum FrameType {
  Exec = 1,
  Exit = 2,
  Stats = 3,
  Reply = 4,
  Hello = 5,
  BlockEntry = 6,
  TcpState = 7,
  Dns = 8,
  Flow = 9,
  File = 10,
  Audit = 11,
}

interface ProcessFields {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  timeNs: bigint;
  cgroupId: bigint;
  startTimeNs: bigint;
  comm: string;
}
export interface ExecFrame extends ProcessFields {
  type: FrameType.Exec;
  filename: string;
  args: string[];
  argsTruncated: boolean;
}
export interface ExitFrame extends ProcessFields {
  type: FrameType.Exit;
  /** The kernel's wait status: exit code in bits 8..15, terminating signal in bits 0..6. */
  exitStatus: number;
}
export interface StatsFrame {
  type: FrameType.Stats;
  timeNs: bigint;
  lostExec: bigint;
  lostExit: bigint;
  xdpPassed: bigint;
  xdpDropped: bigint;
  /** Network counters; 0 from a loader that predates them (a shorter STATS body). */
  lostTcp: bigint;
  lostDns: bigint;
  lostFlow: bigint;
  stealthUnknown: bigint;
  stealthRateLimited: bigint;
  stealthSessions: bigint;
  /** File records lost; 0 from a loader without file telemetry. */
  lostFile: bigint;
  /** Security records lost (ring full) and held back (over a kind's per-CPU rate). */
  lostAudit: bigint;
  auditRateLimited: bigint;
}

/** What a TCP_STATE frame reports (bpf/src/sentinel-events.h `omega_tcp_event`). */
export enum TcpStateEvent {
  Connect = 1,
  Established = 2,
  Accept = 3,
  Close = 4,
}
export interface TcpStateFrame {
  type: FrameType.TcpState;
  event: TcpStateEvent;
  /** 0 when the kernel did not say (the change happened in softirq for a socket we did not see connect). */
  pid: number;
  uid: number;
  oldState: number;
  newState: number;
  timeNs: bigint;
  cgroupId: bigint;
  bytesReceived: bigint;
  bytesAcked: bigint;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  comm: string;
}
export interface DnsFrame {
  type: FrameType.Dns;
  timeNs: bigint;
  ifindex: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  egress: boolean;
  /** UDP payload bytes in the packet; `payload` holds the first (at most 512) of them. */
  payloadBytes: number;
  payload: Buffer;
}
export interface FlowFrame {
  type: FrameType.Flow;
  protocol: number;
  /** The side that sent the first packet the kernel saw. */
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** Removed from the kernel's table after being idle: these are its final counters. */
  ended: boolean;
  tcpFlags: number;
  firstNs: bigint;
  lastNs: bigint;
  bytesOut: bigint;
  bytesIn: bigint;
  packetsOut: bigint;
  packetsIn: bigint;
}
export interface FileFrame extends FileFrameFields {
  type: FrameType.File;
}
export interface AuditFrame extends AuditFrameFields {
  type: FrameType.Audit;
}
export interface ReplyFrame {
  type: FrameType.Reply;
  requestId: number;
  /** 0 or a negative errno. */
  status: number;
  message: string;
}
export interface HelloFrame {
  type: FrameType.Hello;
  protocolVersion: number;
  features: string[];
}
export interface BlockEntryFrame {
  type: FrameType.BlockEntry;
  requestId: number;
  /** Canonical "address/prefix". */
  cidr: string;
  droppedPackets: bigint;
  droppedBytes: bigint;
}
export type Frame =
  | ExecFrame
  | ExitFrame
  | StatsFrame
  | ReplyFrame
  | HelloFrame
  | BlockEntryFrame
  | TcpStateFrame
  | DnsFrame
  | FlowFrame
  | FileFrame
  | AuditFrame;

export interface DecodeResult {
  /** Every frame completed by the bytes so far, including those before an error. */
  frames: Frame[];
  /** Set when the stream is unusable from `error`'s byte offset on; later pushes are refused. */
  error?: OmegaError;
}

/**
 * Incremental decoder: push stdout chunks as they arrive; a frame split across chunks is kept
 * until it is complete. Byte offsets in errors count from the start of the stream.
 */
/**
 * Takes a frame's body before it is decoded into a Frame: true when it handled it (the hot event
 * kinds are encoded straight from these bytes), false to have it decoded as usual. `body` is valid
 * only during the call. A throw fails the stream like an undecodable frame.
 */
export type RawFrameHandler = (type: number, body: Buffer) => boolean;

export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  /** Stream offset of pending[0]. */
  private offset = 0;
  private failed: OmegaError | undefined;

  constructor(private readonly raw?: RawFrameHandler) {}

  push(chunk: Uint8Array): DecodeResult {
    if (this.failed) return { frames: [], error: this.failed };
    this.pending =
      this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let at = 0;
    while (this.pending.length - at >= FRAME_HEADER_BYTES) {
      const frameOffset = this.offset + at;
      const length = this.pending.readUInt32LE(at);
      const type = this.pending.readUInt16LE(at + 4);
      const version = this.pending.readUInt16LE(at + 6);
      let problem: string | undefined;
      if (version !== FRAME_VERSION) {
        problem = `frame version ${version}, this sentinel speaks version ${FRAME_VERSION} (loader and sentinel out of step?)`;
      } else if (length > MAX_FRAME_BODY_BYTES) {
        problem = `frame length ${length} exceeds ${MAX_FRAME_BODY_BYTES}`;
      }
      if (problem) return this.fail(frames, frameOffset, problem);
      if (this.pending.length - at < FRAME_HEADER_BYTES + length) break;
      const body = this.pending.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
      try {
        if (!this.raw?.(type, body)) frames.push(decodeBody(type, body));
      } catch (err) {
        return this.fail(frames, frameOffset, err instanceof Error ? err.message : String(err));
      }
      at += FRAME_HEADER_BYTES + length;
    }
    this.pending = this.pending.subarray(at);
    this.offset += at;
    return { frames };
  }

  /** Call at end of stream: bytes of an unfinished frame are an error, not silently dropped. */
  end(): OmegaError | undefined {
    if (this.failed) return this.failed;
    if (this.pending.length === 0) return undefined;
    return new OmegaError(
      Code.DataLoss,
      `loader stream: ends inside a frame at byte offset ${this.offset} (${this.pending.length} bytes of an unfinished frame)`,
    );
  }

  private fail(frames: Frame[], frameOffset: number, problem: string): DecodeResult {
    this.failed = new OmegaError(
      Code.DataLoss,
      `loader stream: bad frame at byte offset ${frameOffset}: ${problem}`,
    );
    return { frames, error: this.failed };
  }
}

function need(body: Buffer, bytes: number, what: string): void {
  if (body.length < bytes) {
    throw new Error(`${what} frame body is ${body.length} bytes, at least ${bytes} expected`);
  }
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function processFields(body: Buffer): ProcessFields {
  return {
    pid: body.readUInt32LE(0),
    ppid: body.readUInt32LE(4),
    uid: body.readUInt32LE(8),
    gid: body.readUInt32LE(12),
    timeNs: 0n,
    cgroupId: 0n,
    startTimeNs: 0n,
    comm: '',
  };
}

function decodeBody(type: number, body: Buffer): Frame {
  switch (type) {
    case FrameType.Exec: {
      need(body, 64, 'EXEC');
      const filenameLen = body.readUInt16LE(56);
      const argsLen = body.readUInt16LE(58);
      need(body, 64 + filenameLen + argsLen, 'EXEC');
      const args = body.subarray(64 + filenameLen, 64 + filenameLen + argsLen).toString('utf8');
      return {
        type,
        ...processFields(body),
        timeNs: body.readBigUInt64LE(16),
        cgroupId: body.readBigUInt64LE(24),
        startTimeNs: body.readBigUInt64LE(32),
        comm: cString(body.subarray(40, 56)),
        filename: body.subarray(64, 64 + filenameLen).toString('utf8'),
        args: args.length === 0 ? [] : args.replace(/\0$/, '').split('\0'),
        argsTruncated: body.readUInt8(60) !== 0,
      };
    }
    case FrameType.Exit:
      need(body, 64, 'EXIT');
      return {
        type,
        ...processFields(body),
        exitStatus: body.readInt32LE(16),
        timeNs: body.readBigUInt64LE(24),
        cgroupId: body.readBigUInt64LE(32),
        startTimeNs: body.readBigUInt64LE(40),
        comm: cString(body.subarray(48, 64)),
      };
    case FrameType.Stats: {
      need(body, 40, 'STATS');
      const counter = (at: number): bigint =>
        body.length >= at + 8 ? body.readBigUInt64LE(at) : 0n;
      return {
        type,
        timeNs: body.readBigUInt64LE(0),
        lostExec: body.readBigUInt64LE(8),
        lostExit: body.readBigUInt64LE(16),
        xdpPassed: body.readBigUInt64LE(24),
        xdpDropped: body.readBigUInt64LE(32),
        lostTcp: counter(40),
        lostDns: counter(48),
        lostFlow: counter(56),
        stealthUnknown: counter(64),
        stealthRateLimited: counter(72),
        stealthSessions: counter(80),
        lostFile: counter(88),
        lostAudit: counter(96),
        auditRateLimited: counter(104),
      };
    }
    case FrameType.TcpState: {
      need(body, 104, 'TCP_STATE');
      const family = body.readUInt8(12);
      return {
        type,
        event: body.readUInt32LE(0),
        pid: body.readUInt32LE(4),
        uid: body.readUInt32LE(8),
        oldState: body.readUInt8(13),
        newState: body.readUInt8(14),
        timeNs: body.readBigUInt64LE(16),
        cgroupId: body.readBigUInt64LE(24),
        bytesReceived: body.readBigUInt64LE(32),
        bytesAcked: body.readBigUInt64LE(40),
        src: addressText(family, body.subarray(48, 64), 'TCP_STATE'),
        dst: addressText(family, body.subarray(64, 80), 'TCP_STATE'),
        srcPort: body.readUInt16LE(80),
        dstPort: body.readUInt16LE(82),
        comm: cString(body.subarray(88, 104)),
      };
    }
    case FrameType.Dns: {
      const captured = dnsFrameCapturedBytes(body);
      const family = body.readUInt8(48);
      return {
        type,
        timeNs: body.readBigUInt64LE(0),
        ifindex: body.readUInt32LE(8),
        src: addressText(family, body.subarray(12, 28), 'DNS'),
        dst: addressText(family, body.subarray(28, 44), 'DNS'),
        srcPort: body.readUInt16LE(44),
        dstPort: body.readUInt16LE(46),
        egress: body.readUInt8(49) !== 0,
        payloadBytes: body.readUInt16LE(50),
        // a view, not a copy: the chunk it lives in is never reused (FrameDecoder copies input)
        payload: body.subarray(56, 56 + captured),
      };
    }
    case FrameType.Flow: {
      need(body, 92, 'FLOW');
      const family = body.readUInt8(37);
      return {
        type,
        src: addressText(family, body.subarray(0, 16), 'FLOW'),
        dst: addressText(family, body.subarray(16, 32), 'FLOW'),
        srcPort: body.readUInt16LE(32),
        dstPort: body.readUInt16LE(34),
        protocol: body.readUInt8(36),
        ended: body.readUInt8(38) !== 0,
        tcpFlags: body.readUInt32LE(40),
        firstNs: body.readBigUInt64LE(44),
        lastNs: body.readBigUInt64LE(52),
        bytesOut: body.readBigUInt64LE(60),
        bytesIn: body.readBigUInt64LE(68),
        packetsOut: body.readBigUInt64LE(76),
        packetsIn: body.readBigUInt64LE(84),
      };
    }
    case FrameType.File:
      return { type, ...decodeFileFrame(body) };
    case FrameType.Audit:
      return { type, ...decodeAuditFrame(body) };
    case FrameType.Reply: {
      need(body, 10, 'REPLY');
      const len = body.readUInt16LE(8);
      need(body, 10 + len, 'REPLY');
      return {
        type,
        requestId: body.readUInt32LE(0),
        status: body.readInt32LE(4),
        message: body.subarray(10, 10 + len).toString('utf8'),
      };
    }
    case FrameType.Hello: {
      need(body, 6, 'HELLO');
      const len = body.readUInt16LE(4);
      need(body, 6 + len, 'HELLO');
      const text = body.subarray(6, 6 + len).toString('utf8');
      return {
        type,
        protocolVersion: body.readUInt32LE(0),
        features: text ? text.split(',') : [],
      };
    }
    case FrameType.BlockEntry: {
      need(body, 40, 'BLOCK_ENTRY');
      const family = body.readUInt8(4);
      const prefix = body.readUInt8(5);
      const addr = body.subarray(8, 24);
      let ip: string;
      if (family === 4) ip = Array.from(addr.subarray(0, 4)).join('.');
      else if (family === 6) ip = ipv6Text(addr);
      else throw new Error(`BLOCK_ENTRY family ${family}, expected 4 or 6`);
      return {
        type,
        requestId: body.readUInt32LE(0),
        cidr: `${ip}/${prefix}`,
        droppedPackets: body.readBigUInt64LE(24),
        droppedBytes: body.readBigUInt64LE(32),
      };
    }
    default:
      throw new Error(`unknown frame type ${type} (${body.length}-byte body)`);
  }
}

/** Bytes of UDP payload a DNS frame body carries after its 56-byte header; throws when short. */
export function dnsFrameCapturedBytes(body: Buffer): number {
  need(body, 56, 'DNS');
  const captured = body.readUInt16LE(52);
  need(body, 56 + captured, 'DNS');
  return captured;
}

/** Text of an address the kernel wrote into 16 bytes (IPv4 in the first 4; v4-mapped IPv6 as IPv4). */
function addressText(family: number, addr: Buffer, what: string): string {
  if (family === 4) return ipv4Text(addr, 0);
  if (family !== 6) throw new Error(`${what} address family ${family}, expected 4 or 6`);
  const v4Mapped =
    addr.subarray(0, 10).every((b) => b === 0) && addr[10] === 0xff && addr[11] === 0xff;
  return v4Mapped ? ipv4Text(addr, 12) : ipv6Text(addr);
}

function ipv4Text(addr: Buffer, at: number): string {
  return `${addr[at]}.${addr[at + 1]}.${addr[at + 2]}.${addr[at + 3]}`;
}

/** RFC 5952 text of a 16-byte IPv6 address. */
export function ipv6Text(addr: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((addr[i] ?? 0) << 8) | (addr[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
