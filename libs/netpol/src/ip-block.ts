// CIDR blocks (IPv4 and IPv6) and NetworkPolicy's ipBlock: an address is in the block when it is in
// `cidr` and in none of `except`.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  readonly text: string;
  readonly range: [Address, number];
}

/** Parses "10.0.0.0/8" or "fd00::/64"; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  try {
    // The family's own parser: ipaddr.parseCIDR tries IPv6 first and throws on every IPv4 text.
    const range = text.includes(':') ? ipaddr.IPv6.parseCIDR(text) : ipaddr.IPv4.parseCIDR(text);
    return { text, range };
  } catch {
    return undefined;
  }
}

/**
 * Parses an IPv4 address in dotted-quad form (as the API writes pod IPs) or an IPv6 address (an
 * IPv4-mapped one reads as IPv4); undefined if it is neither.
 */
export function parseAddress(text: string): Address | undefined {
  if (!text.includes(':')) {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
  }
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const address = ipaddr.IPv6.parse(text);
  if (address.isIPv4MappedAddress()) return address.toIPv4Address();
  return address;
}

export function cidrContains(cidr: Cidr, address: Address): boolean {
  const [base] = cidr.range;
  return base.kind() === address.kind() && address.match(cidr.range);
}

/** A compiled ipBlock: `cidr` minus every `except`. */
export interface IpBlockMatcher {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

export function ipBlockContains(block: IpBlockMatcher, address: Address): boolean {
  return cidrContains(block.cidr, address) && !block.except.some((e) => cidrContains(e, address));
}

export type { Address };
