// Canonical CIDR text for block lists: "203.0.113.7" → "203.0.113.7/32", host bits cleared,
// IPv6 in RFC 5952 form, so one block has one spelling (and one omega_policy key).
import { isIPv4, isIPv6 } from 'node:net';
import { Code, OmegaError } from '@omega/runtime';
import { ipv6Text } from '../wire/loader-frames';

export interface Cidr {
  /** e.g. "10.0.0.0/8", "fd00::/64" */
  cidr: string;
  family: 4 | 6;
}

export function canonicalCidr(text: string, where: string): Cidr {
  const fail = (why: string): OmegaError =>
    new OmegaError(Code.InvalidArgument, `${where}: ${JSON.stringify(text)} ${why}`);
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) throw fail('is not an address or CIDR');
  let bytes: Uint8Array;
  let family: 4 | 6;
  if (isIPv4(address)) {
    bytes = Uint8Array.from(address.split('.').map(Number));
    family = 4;
  } else if (isIPv6(address)) {
    bytes = ipv6Bytes(address);
    family = 6;
  } else {
    throw fail('is not an IPv4/IPv6 address or CIDR');
  }
  const bits = bytes.length * 8;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      throw fail(`has prefix length ${JSON.stringify(prefixText)}, expected 0..${bits}`);
    }
    prefix = Number(prefixText);
  }
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  const ip = family === 4 ? Array.from(bytes).join('.') : ipv6Text(bytes);
  return { cidr: `${ip}/${prefix}`, family };
}

/** The 16 bytes of an address node:net accepted as IPv6 (with "::" and a dotted IPv4 tail). */
function ipv6Bytes(text: string): Uint8Array {
  const address = text.split('%')[0] ?? '';
  const groups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((g) => {
      if (g.includes('.')) {
        const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
        return [(a << 8) | b, (c << 8) | d];
      }
      return [parseInt(g, 16)];
    });
  };
  const [head = '', tail] = address.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}
