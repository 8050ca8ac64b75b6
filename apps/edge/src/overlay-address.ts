// Derives a host's overlay addresses from its identity key: the same key always yields the same
// IPv6, IPv4 and MAC, so peers program each other's forwarding entries without any learning and a
// host cannot pick another's MAC (the bridge rules check the derived one).
import { createHash } from 'node:crypto';

/** Where a host sits on the overlay; every field is a function of (cluster, identity key). */
export interface OverlayAddresses {
  /** The host's address on omni0 (ULA /64 of the cluster). */
  ipv6: string;
  /** The host's address on the WireGuard interface: the outer address of its VXLAN packets. */
  transportIpv6: string;
  /** An IPv4 address on omni0 (100.64.0.0/10) for IPv4-only applications and multicast. */
  ipv4: string;
  /** Locally administered, unicast MAC of omni0. */
  mac: string;
}

export const OVERLAY_IPV6_PREFIX_LENGTH = 64;
export const OVERLAY_IPV4_PREFIX_LENGTH = 10;

function sha256(...parts: (string | Uint8Array)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function ipv6Of(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // RFC 5952's canonical text (what `ip` and `ping` print), as the WHATWG URL parser writes it.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/**
 * The cluster's /48 ULA prefix: fd + 40 bits of SHA-256("omega-edge cluster" ‖ name) (RFC 4193's
 * random global ID, made reproducible so every member computes the same one).
 */
function clusterPrefix(cluster: string): Buffer {
  const prefix = Buffer.alloc(6);
  prefix[0] = 0xfd;
  sha256('omega-edge cluster\0', cluster).copy(prefix, 1, 0, 5);
  return prefix;
}

export function overlayAddresses(cluster: string, identityKey: Uint8Array): OverlayAddresses {
  const digest = sha256('omega-edge host\0', identityKey);
  const prefix = clusterPrefix(cluster);
  const address = (subnet: number): string => {
    const bytes = Buffer.alloc(16);
    prefix.copy(bytes, 0);
    bytes.writeUInt16BE(subnet, 6);
    digest.copy(bytes, 8, 0, 8);
    return ipv6Of(bytes);
  };
  // 100.64.0.0/10: the top 10 bits fixed, 22 bits from the digest.
  const v4 = ((100 << 24) | (64 << 16) | (digest.readUInt32BE(8) & 0x3fffff)) >>> 0;
  const mac = Buffer.from(digest.subarray(12, 18));
  mac[0] = (mac[0]! & 0xfc) | 0x02; // locally administered, unicast
  return {
    ipv6: address(0),
    transportIpv6: address(1),
    ipv4: [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255].join('.'),
    mac: [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':'),
  };
}

/**
 * The VXLAN network identifier of a pair: both hosts compute the same one (the keys are sorted), so
 * each pair has its own VXLAN device and bridge port, and a frame's port names its sender.
 */
export function pairVni(a: Uint8Array, b: Uint8Array): number {
  const [first, second] = Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? [a, b] : [b, a];
  const vni = sha256('omega-edge pair\0', first, second).readUIntBE(0, 3);
  return vni === 0 ? 1 : vni;
}

/** The name of the VXLAN device towards a peer (at most 15 characters, stable per peer). */
export function peerLinkName(peerIdentityKey: Uint8Array): string {
  return `vxo${sha256('omega-edge link\0', peerIdentityKey).toString('hex').slice(0, 10)}`;
}
