// Finds the UDP payload inside a captured frame (Ethernet with VLAN tags, Linux cooked, raw IP;
// IPv4 and IPv6), as offsets into the frame so the decoder reads it in place.

export interface UdpPayload {
  start: number;
  end: number;
  srcPort: number;
  dstPort: number;
}

const ETHERNET = 1;
const RAW = 101;
const RAW_12 = 12;
const LINUX_SLL = 113;

/** The UDP payload's bounds, or undefined for anything that is not a whole, unfragmented UDP datagram. */
export function udpPayload(linkType: number, frame: Uint8Array): UdpPayload | undefined {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = 0;
  let etherType = 0x0800;
  if (linkType === ETHERNET) {
    if (v.byteLength < 14) return undefined;
    etherType = v.getUint16(12);
    at = 14;
    while ((etherType === 0x8100 || etherType === 0x88a8) && v.byteLength >= at + 4) {
      etherType = v.getUint16(at + 2);
      at += 4;
    }
  } else if (linkType === LINUX_SLL) {
    if (v.byteLength < 16) return undefined;
    etherType = v.getUint16(14);
    at = 16;
  } else if (linkType === RAW || linkType === RAW_12) {
    if (v.byteLength < 1) return undefined;
    etherType = v.getUint8(0) >> 4 === 6 ? 0x86dd : 0x0800;
  } else {
    return undefined;
  }
  let ipEnd: number;
  if (etherType === 0x0800) {
    if (v.byteLength < at + 20) return undefined;
    const headerBytes = (v.getUint8(at) & 0x0f) * 4;
    const fragment = v.getUint16(at + 6) & 0x3fff;
    if (v.getUint8(at + 9) !== 17 || fragment !== 0 || headerBytes < 20) return undefined;
    ipEnd = Math.min(at + v.getUint16(at + 2), v.byteLength);
    at += headerBytes;
  } else if (etherType === 0x86dd) {
    if (v.byteLength < at + 40 || v.getUint8(at + 6) !== 17) return undefined;
    ipEnd = Math.min(at + 40 + v.getUint16(at + 4), v.byteLength);
    at += 40;
  } else {
    return undefined;
  }
  if (ipEnd < at + 8) return undefined;
  const udpLength = v.getUint16(at + 4);
  if (udpLength < 8 || at + udpLength > ipEnd) return undefined;
  return {
    start: at + 8,
    end: at + udpLength,
    srcPort: v.getUint16(at),
    dstPort: v.getUint16(at + 2),
  };
}
