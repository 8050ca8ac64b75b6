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
    return { text, range: ipaddr.parseCIDR(text) };
  } catch {
    return undefined;
  }
}

/** Parses an IPv4 or IPv6 address (an IPv4-mapped IPv6 address reads as IPv4); undefined if not one. */
export function parseAddress(text: string): Address | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  const address = ipaddr.parse(text);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
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
