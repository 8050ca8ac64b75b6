// IPv4 and IPv6 addresses and CIDR networks, for the `cidr` modifier.

/** An address as 16 bytes (IPv4 as its IPv4-mapped IPv6 form) plus its family. */
interface ParsedAddress {
  readonly bytes: Uint8Array;
  readonly v4: boolean;
}

export interface IpNetwork {
  readonly text: string;
  readonly contains: (address: string) => boolean;
}

function parseIpv4(text: string, into: Uint8Array, at: number): boolean {
  let octet = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code === 46) {
      if (digits === 0 || index > 3) return false;
      into[at + index++] = octet;
      octet = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return false; // no leading zeros (ambiguous octal)
      octet = octet * 10 + (code - 48);
      if (octet > 255 || ++digits > 3) return false;
    } else {
      return false;
    }
  }
  return index === 4;
}

function parseIpv6(text: string, into: Uint8Array): boolean {
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups: number[] = [];
  const parseGroups = (part: string, out: number[]): boolean => {
    if (part === '') return true;
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseIpv4(item, v4, 0)) return false;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return false;
      out.push(parseInt(item, 16));
    }
    return true;
  };
  const head: number[] = [];
  const tail: number[] = [];
  if (!parseGroups(halves[0]!, head)) return false;
  if (halves.length === 2 && !parseGroups(halves[1]!, tail)) return false;
  if (halves.length === 1 && head.length !== 8) return false;
  if (halves.length === 2 && head.length + tail.length > 7) return false;
  groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  for (let i = 0; i < 8; i++) {
    into[i * 2] = groups[i]! >> 8;
    into[i * 2 + 1] = groups[i]! & 0xff;
  }
  return true;
}

function parseAddress(text: string): ParsedAddress | undefined {
  const bytes = new Uint8Array(16);
  if (text.includes(':')) return parseIpv6(text, bytes) ? { bytes, v4: false } : undefined;
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  return parseIpv4(text, bytes, 12) ? { bytes, v4: true } : undefined;
}

/** Parses `a.b.c.d/n` or `x:y::z/n` (a bare address is a /32 or /128); undefined when invalid. */
export function parseIpNetwork(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  const base = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!base) return undefined;
  const maxBits = base.v4 ? 32 : 128;
  const bitsText = slash < 0 ? String(maxBits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > maxBits) return undefined;
  const prefixBits = base.v4 ? 96 + bits : bits;
  const v4 = base.v4;
  const network = base.bytes;
  const v4Scratch = new Uint8Array(4);
  return {
    text,
    contains: (address) => {
      if (v4) {
        // Fast path without allocation for the common IPv4 case.
        if (address.includes(':')) {
          const parsed = parseAddress(address);
          return (
            parsed !== undefined &&
            isV4Mapped(parsed.bytes) &&
            prefixEqual(parsed.bytes, network, prefixBits)
          );
        }
        if (!parseIpv4(address, v4Scratch, 0)) return false;
        return prefixEqualV4(v4Scratch, network, bits);
      }
      const parsed = parseAddress(address);
      return parsed !== undefined && !parsed.v4 && prefixEqual(parsed.bytes, network, prefixBits);
    },
  };
}

function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function prefixEqual(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== b[i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (a[i]! & mask) === (b[i]! & mask);
}

function prefixEqualV4(address: Uint8Array, network: Uint8Array, bits: number): boolean {
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (address[i] !== network[12 + i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (address[i]! & mask) === (network[12 + i]! & mask);
}
