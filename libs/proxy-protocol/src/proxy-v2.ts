// PROXY protocol version 2 (HAProxy's doc/proxy-protocol.txt, section 2.2): the binary header a
// proxy sends before the client's bytes to say who the client is, with optional TLVs. Pure: no I/O.
// Written here because the npm packages for it either drop TLVs or do not check the declared
// length against what arrived; decoding is bounded and every refusal names the byte offset.
import { Code, OmegaError } from '@omega/errors';

/** The 12 bytes every version 2 header starts with. */
export const PROXY_V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
/** Signature, version/command, family/transport and the 2-byte length. */
export const PROXY_V2_FIXED_BYTES = 16;
/** TLV types 0xE0–0xEF are left to applications by the specification. */
export const PP2_TYPE_MIN_CUSTOM = 0xe0;
export const PP2_TYPE_MAX_CUSTOM = 0xef;

export type ProxyCommand = 'LOCAL' | 'PROXY';
export type ProxyFamily = 'UNSPEC' | 'INET' | 'INET6' | 'UNIX';
export type ProxyTransport = 'UNSPEC' | 'STREAM' | 'DGRAM';

export interface ProxyEndpoint {
  readonly ip: string;
  readonly port: number;
}

export interface ProxyTlv {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface ProxyHeaderV2 {
  readonly command: ProxyCommand;
  readonly family: ProxyFamily;
  readonly transport: ProxyTransport;
  /** Set for INET and INET6 (UNIX paths are skipped, UNSPEC carries none). */
  readonly source?: ProxyEndpoint;
  readonly destination?: ProxyEndpoint;
  readonly tlvs: readonly ProxyTlv[];
}

const FAMILIES: readonly ProxyFamily[] = ['UNSPEC', 'INET', 'INET6', 'UNIX'];
const TRANSPORTS: readonly ProxyTransport[] = ['UNSPEC', 'STREAM', 'DGRAM'];
const ADDRESS_BYTES: Readonly<Record<ProxyFamily, number>> = {
  UNSPEC: 0,
  INET: 12,
  INET6: 36,
  UNIX: 216,
};

function invalid(offset: number, why: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `PROXY v2 header: byte ${offset}: ${why}`);
}

/** An IPv4 or IPv6 address (IPv4-mapped IPv6 included) as its bytes; throws naming `what`. */
export function ipBytes(ip: string, what: string): Uint8Array {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.every((p) => p <= 255)) return Uint8Array.from(parts);
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: ${JSON.stringify(ip)} is not an IP address`,
    );
  }
  const halves = ip.split('::');
  const groups = (text: string): number[] => {
    if (text === '') return [];
    const out: number[] = [];
    for (const part of text.split(':')) {
      if (part.includes('.')) {
        const b = ipBytes(part, what);
        if (b.length !== 4) break;
        out.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else
        throw new OmegaError(
          Code.InvalidArgument,
          `${what}: ${JSON.stringify(ip)} is not an IP address`,
        );
    }
    return out;
  };
  if (halves.length > 2)
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: ${JSON.stringify(ip)} is not an IP address`,
    );
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 2 && fill < 1) || (halves.length === 1 && fill !== 0)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: ${JSON.stringify(ip)} is not an IP address`,
    );
  }
  const all = [...head, ...new Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** Bytes as an address: dotted IPv4, or IPv6 in RFC 5952 form (longest zero run as `::`). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  // IPv4-mapped addresses keep their dotted tail (RFC 5952 section 5).
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The header's bytes. INET/INET6 need both endpoints; TLV values are at most 65535 bytes. */
export function encodeProxyV2(header: ProxyHeaderV2): Buffer {
  const addressBytes = ADDRESS_BYTES[header.family];
  const tlvBytes = header.tlvs.reduce((sum, t) => sum + 3 + t.value.byteLength, 0);
  const length = addressBytes + tlvBytes;
  if (length > 0xffff)
    throw new OmegaError(
      Code.InvalidArgument,
      `PROXY v2 header: ${length} bytes after the fixed part, at most 65535`,
    );
  const out = Buffer.alloc(PROXY_V2_FIXED_BYTES + length);
  PROXY_V2_SIGNATURE.copy(out, 0);
  out[12] = 0x20 | (header.command === 'PROXY' ? 1 : 0);
  out[13] = (FAMILIES.indexOf(header.family) << 4) | TRANSPORTS.indexOf(header.transport);
  out.writeUInt16BE(length, 14);
  let at = PROXY_V2_FIXED_BYTES;
  if (header.family === 'INET' || header.family === 'INET6') {
    const size = header.family === 'INET' ? 4 : 16;
    if (!header.source || !header.destination) {
      throw new OmegaError(
        Code.InvalidArgument,
        `PROXY v2 header: ${header.family} needs a source and a destination`,
      );
    }
    for (const [endpoint, what] of [
      [header.source, 'source'],
      [header.destination, 'destination'],
    ] as const) {
      const bytes = ipBytes(endpoint.ip, `PROXY v2 header: ${what}`);
      if (bytes.length !== size) {
        throw new OmegaError(
          Code.InvalidArgument,
          `PROXY v2 header: ${what} ${endpoint.ip} is not ${header.family}`,
        );
      }
      out.set(bytes, at);
      at += size;
    }
    for (const endpoint of [header.source, header.destination]) {
      if (!Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 0xffff) {
        throw new OmegaError(
          Code.InvalidArgument,
          `PROXY v2 header: port ${endpoint.port} is not 0-65535`,
        );
      }
      out.writeUInt16BE(endpoint.port, at);
      at += 2;
    }
  } else {
    at += addressBytes;
  }
  for (const tlv of header.tlvs) {
    if (!Number.isInteger(tlv.type) || tlv.type < 0 || tlv.type > 0xff) {
      throw new OmegaError(
        Code.InvalidArgument,
        `PROXY v2 header: TLV type ${tlv.type} is not a byte`,
      );
    }
    out[at] = tlv.type;
    out.writeUInt16BE(tlv.value.byteLength, at + 1);
    out.set(tlv.value, at + 3);
    at += 3 + tlv.value.byteLength;
  }
  return out;
}

/** A whole header and how many bytes it took, or how many bytes are needed before it can be read. */
export type ProxyV2Decoded =
  { readonly header: ProxyHeaderV2; readonly headerBytes: number } | { readonly needBytes: number };

/**
 * Reads a header from the start of `bytes` (which may hold the client's first bytes after it).
 * Refuses anything that is not a version 2 header, or declares more than `maxLength` bytes after
 * the fixed part, with an INVALID_ARGUMENT naming the byte offset.
 */
export function decodeProxyV2(bytes: Uint8Array, maxLength = 0xffff): ProxyV2Decoded {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = Math.min(buf.length, PROXY_V2_SIGNATURE.length);
  for (let i = 0; i < signature; i++) {
    if (buf[i] !== PROXY_V2_SIGNATURE[i]) throw invalid(i, 'not the PROXY v2 signature');
  }
  if (buf.length < PROXY_V2_FIXED_BYTES) return { needBytes: PROXY_V2_FIXED_BYTES - buf.length };
  const version = buf[12]! >> 4;
  if (version !== 2) throw invalid(12, `version ${version}, not 2`);
  const commandBits = buf[12]! & 0x0f;
  if (commandBits > 1)
    throw invalid(12, `command ${commandBits} is neither LOCAL (0) nor PROXY (1)`);
  const family = FAMILIES[buf[13]! >> 4];
  const transport = TRANSPORTS[buf[13]! & 0x0f];
  if (family === undefined) throw invalid(13, `address family ${buf[13]! >> 4} is unknown`);
  if (transport === undefined) throw invalid(13, `transport ${buf[13]! & 0x0f} is unknown`);
  const length = buf.readUInt16BE(14);
  if (length > maxLength)
    throw invalid(14, `declares ${length} bytes, at most ${maxLength} accepted`);
  const addressBytes = ADDRESS_BYTES[family];
  if (length < addressBytes)
    throw invalid(
      14,
      `declares ${length} bytes, fewer than the ${addressBytes} of ${family} addresses`,
    );
  const total = PROXY_V2_FIXED_BYTES + length;
  if (buf.length < total) return { needBytes: total - buf.length };

  let at = PROXY_V2_FIXED_BYTES;
  let source: ProxyEndpoint | undefined;
  let destination: ProxyEndpoint | undefined;
  if (family === 'INET' || family === 'INET6') {
    const size = family === 'INET' ? 4 : 16;
    const portsAt = at + 2 * size;
    source = { ip: formatIp(buf.subarray(at, at + size)), port: buf.readUInt16BE(portsAt) };
    destination = {
      ip: formatIp(buf.subarray(at + size, portsAt)),
      port: buf.readUInt16BE(portsAt + 2),
    };
  }
  at += addressBytes;
  const tlvs: ProxyTlv[] = [];
  while (at < total) {
    if (total - at < 3) throw invalid(at, `${total - at} bytes left, too few for a TLV`);
    const size = buf.readUInt16BE(at + 1);
    if (at + 3 + size > total)
      throw invalid(at + 1, `TLV of ${size} bytes runs past the header's end`);
    tlvs.push({ type: buf[at]!, value: Uint8Array.from(buf.subarray(at + 3, at + 3 + size)) });
    at += 3 + size;
  }
  const header: ProxyHeaderV2 = {
    command: commandBits === 1 ? 'PROXY' : 'LOCAL',
    family,
    transport,
    ...(source ? { source } : {}),
    ...(destination ? { destination } : {}),
    tlvs,
  };
  return { header, headerBytes: total };
}
