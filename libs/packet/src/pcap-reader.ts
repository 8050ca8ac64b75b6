// Reads pcap and pcapng captures into packets (pure: bytes in, packets out). A malformed or
// truncated capture yields an error naming the byte offset, with every packet before it kept.
import { Code, OmegaError } from '@omega/errors';

export interface CapturedPacket {
  timeNs: bigint;
  /** LINKTYPE_* of the packet's interface (1 Ethernet, 101 raw IP, 113 Linux SLL, ...). */
  linkType: number;
  /** Length on the wire (may exceed data.length when the capture was snapped). */
  originalLength: number;
  data: Uint8Array;
  /** Byte offset of the packet's record in the file. */
  offset: number;
}

export interface PcapReadResult {
  format: 'pcap' | 'pcapng';
  packets: CapturedPacket[];
  error?: OmegaError;
}

export function readCapture(bytes: Uint8Array, name = 'capture'): PcapReadResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4) {
    return {
      format: 'pcap',
      packets: [],
      error: bad(name, 0, `${buf.length} bytes is too short for a capture header`),
    };
  }
  if (buf.readUInt32LE(0) === 0x0a0d0d0a) return readPcapng(buf, name);
  return readPcap(buf, name);
}

function bad(name: string, offset: number, what: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `${name}: ${what} at byte offset ${offset}`);
}

function readPcap(buf: Buffer, name: string): PcapReadResult {
  const packets: CapturedPacket[] = [];
  const magic = buf.readUInt32LE(0);
  let le: boolean;

  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else {
    return {
      format: 'pcap',
      packets,
      error: bad(
        name,
        0,
        `unknown magic 0x${magic.toString(16).padStart(8, '0')} (neither pcap nor pcapng)`,
      ),
    };
  }
  const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  if (buf.length < 24) {
    return {
      format: 'pcap',
      packets,
      error: bad(name, 0, `truncated file header (${buf.length} of 24 bytes)`),
    };
  }
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20) & 0x0fffffff;
  let at = 24;
  while (at < buf.length) {
    if (buf.length - at < 16) {
      return {
        format: 'pcap',
        packets,
        error: bad(name, at, `truncated record header (${buf.length - at} of 16 bytes)`),
      };
    }
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const capLen = u32(at + 8);
    const origLen = u32(at + 12);
    if (capLen > 0x4000000) {
      return {
        format: 'pcap',
        packets,
        error: bad(name, at, `record claims ${capLen} captured bytes`),
      };
    }
    if (buf.length - at - 16 < capLen) {
      return {
        format: 'pcap',
        packets,
        error: bad(
          name,
          at,
          `truncated packet record (${buf.length - at - 16} of ${capLen} bytes)`,
        ),
      };
    }
    packets.push({
      timeNs: BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * (nanos ? 1n : 1_000n),
      linkType,
      originalLength: origLen,
      data: buf.subarray(at + 16, at + 16 + capLen),
      offset: at,
    });
    at += 16 + capLen;
  }
  return { format: 'pcap', packets };
}

interface Interface {
  linkType: number;
  /** Ticks per second of this interface's timestamps. */
  tsPerSecond: bigint;
}

function readPcapng(buf: Buffer, name: string): PcapReadResult {
  const packets: CapturedPacket[] = [];
  let le = true;
  let interfaces: Interface[] = [];
  let at = 0;
  const fail = (offset: number, what: string): PcapReadResult => ({
    format: 'pcapng',
    packets,
    error: bad(name, offset, what),
  });
  while (at < buf.length) {
    if (buf.length - at < 12)
      return fail(at, `truncated block header (${buf.length - at} of 12 bytes)`);
    const rawType = buf.readUInt32LE(at);
    if (rawType === 0x0a0d0d0a) {
      const bom = buf.readUInt32LE(at + 8);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else return fail(at, `section header with unknown byte-order magic 0x${bom.toString(16)}`);
      interfaces = [];
    }
    const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
    const type = u32(at);
    const length = u32(at + 4);
    if (length < 12 || length % 4 !== 0)
      return fail(at, `block length ${length} (must be a multiple of 4, at least 12)`);
    if (buf.length - at < length)
      return fail(at, `truncated block (${buf.length - at} of ${length} bytes)`);
    if (u32(at + length - 4) !== length)
      return fail(at, `block trailer length differs from its header's ${length}`);
    const body = at + 8;
    const bodyEnd = at + length - 4;
    if (type === 1) {
      if (bodyEnd - body < 8) return fail(at, 'interface description block shorter than 8 bytes');
      let tsPerSecond = 1_000_000n;
      for (let o = body + 8; o + 4 <= bodyEnd;) {
        const code = u16(o);
        const len = u16(o + 2);
        if (code === 0) break;
        if (code === 9 && len >= 1) {
          const v = buf.readUInt8(o + 4);
          tsPerSecond = v & 0x80 ? 2n ** BigInt(v & 0x7f) : 10n ** BigInt(v);
        }
        o += 4 + Math.ceil(len / 4) * 4;
      }
      interfaces.push({ linkType: u16(body), tsPerSecond });
    } else if (type === 6 || type === 3) {
      let iface: Interface | undefined;
      let capLen: number;
      let origLen: number;
      let dataAt: number;
      let timeNs = 0n;
      if (type === 6) {
        if (bodyEnd - body < 20) return fail(at, 'enhanced packet block shorter than 20 bytes');
        iface = interfaces[u32(body)];
        const ticks = (BigInt(u32(body + 4)) << 32n) | BigInt(u32(body + 8));
        capLen = u32(body + 12);
        origLen = u32(body + 16);
        dataAt = body + 20;
        if (iface) timeNs = (ticks * 1_000_000_000n) / iface.tsPerSecond;
      } else {
        iface = interfaces[0];
        origLen = u32(body);
        capLen = Math.min(origLen, bodyEnd - body - 4);
        dataAt = body + 4;
      }
      if (!iface) return fail(at, 'packet block names an interface no description block declared');
      if (dataAt + capLen > bodyEnd)
        return fail(at, `packet block's ${capLen} captured bytes overrun the block`);
      packets.push({
        timeNs,
        linkType: iface.linkType,
        originalLength: origLen,
        data: buf.subarray(dataAt, dataAt + capLen),
        offset: at,
      });
    }
    at += length;
  }
  return { format: 'pcapng', packets };
}
