// Decodes captured frames down to the transport header: the fields flow accounting and DNS need.
import { ipv6Text } from './loader-frames';

export interface DecodedPacket {
  family: 4 | 6;
  src: string;
  dst: string;
  /** IP protocol number (6 TCP, 17 UDP, ...). */
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** IP total length (header + payload), as the flow's byte count. */
  ipBytes: number;
  tcpFlags: number;
  /** Transport payload as captured (UDP/TCP only). */
  payload: Uint8Array;
}

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_RAW_12 = 12;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

/** The IP packet inside a frame, or undefined for non-IP and unknown link types. */
export function decodePacket(linkType: number, frame: Uint8Array): DecodedPacket | undefined {
  const b = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  let at: number;
  let etherType: number | undefined;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (b.length < 14) return undefined;
      etherType = b.readUInt16BE(12);
      at = 14;
      while ((etherType === 0x8100 || etherType === 0x88a8) && b.length >= at + 4) {
        etherType = b.readUInt16BE(at + 2);
        at += 4;
      }
      break;
    case LINKTYPE_LINUX_SLL:
      if (b.length < 16) return undefined;
      etherType = b.readUInt16BE(14);
      at = 16;
      break;
    case LINKTYPE_LINUX_SLL2:
      if (b.length < 20) return undefined;
      etherType = b.readUInt16BE(0);
      at = 20;
      break;
    case LINKTYPE_NULL:
      at = 4;
      break;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_12:
      at = 0;
      break;
    default:
      return undefined;
  }
  if (etherType !== undefined && etherType !== 0x0800 && etherType !== 0x86dd) return undefined;
  if (b.length <= at) return undefined;
  const version = (b.readUInt8(at) >> 4) & 0xf;
  let l4: number;
  let protocol: number;
  let ipBytes: number;
  let src: string;
  let dst: string;
  let end: number;
  if (version === 4) {
    if (b.length < at + 20) return undefined;
    const ihl = (b.readUInt8(at) & 0xf) * 4;
    ipBytes = b.readUInt16BE(at + 2);
    protocol = b.readUInt8(at + 9);
    src = Array.from(b.subarray(at + 12, at + 16)).join('.');
    dst = Array.from(b.subarray(at + 16, at + 20)).join('.');
    const fragmentOffset = b.readUInt16BE(at + 6) & 0x1fff;
    l4 = at + ihl;
    end = Math.min(b.length, at + ipBytes);
    if (fragmentOffset !== 0) {
      return {
        family: 4,
        src,
        dst,
        protocol,
        srcPort: 0,
        dstPort: 0,
        ipBytes,
        tcpFlags: 0,
        payload: new Uint8Array(0),
      };
    }
  } else if (version === 6) {
    if (b.length < at + 40) return undefined;
    ipBytes = 40 + b.readUInt16BE(at + 4);
    protocol = b.readUInt8(at + 6);
    src = ipv6Text(b.subarray(at + 8, at + 24));
    dst = ipv6Text(b.subarray(at + 24, at + 40));
    l4 = at + 40;
    end = Math.min(b.length, at + ipBytes);
    // Skip the common extension headers (hop-by-hop, routing, destination options).
    while ((protocol === 0 || protocol === 43 || protocol === 60) && end >= l4 + 8) {
      protocol = b.readUInt8(l4);
      l4 += (b.readUInt8(l4 + 1) + 1) * 8;
    }
  } else {
    return undefined;
  }
  const family = version as 4 | 6;
  if (protocol === 17 && end >= l4 + 8) {
    return {
      family,
      src,
      dst,
      protocol,
      srcPort: b.readUInt16BE(l4),
      dstPort: b.readUInt16BE(l4 + 2),
      ipBytes,
      tcpFlags: 0,
      payload: b.subarray(l4 + 8, end),
    };
  }
  if (protocol === 6 && end >= l4 + 20) {
    const dataOffset = (b.readUInt8(l4 + 12) >> 4) * 4;
    return {
      family,
      src,
      dst,
      protocol,
      srcPort: b.readUInt16BE(l4),
      dstPort: b.readUInt16BE(l4 + 2),
      ipBytes,
      tcpFlags: b.readUInt8(l4 + 13),
      payload: b.subarray(Math.min(end, l4 + dataOffset), end),
    };
  }
  return {
    family,
    src,
    dst,
    protocol,
    srcPort: 0,
    dstPort: 0,
    ipBytes,
    tcpFlags: 0,
    payload: new Uint8Array(0),
  };
}
