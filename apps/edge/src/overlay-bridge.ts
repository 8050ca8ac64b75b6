// Layer 2 over WireGuard: one kernel VXLAN device per peer (its own VNI, learning off) on the
// WireGuard interface, all bridged into omni0. The control plane writes every forwarding entry
// (peer MAC → peer's WireGuard address) and the bridge never floods unknown unicast; nftables
// rules drop a frame whose source MAC is not the one derived from the identity of the peer whose
// port it arrived on, and a VXLAN packet whose VNI is not its sender's.
import { Code, OmegaError } from '@omega/errors';
import {
  OVERLAY_IPV4_PREFIX_LENGTH,
  OVERLAY_IPV6_PREFIX_LENGTH,
  type OverlayAddresses,
} from './overlay-address';
import { nftApply, run } from './system-command';

export const OVERLAY_BRIDGE = 'omni0';
export const VXLAN_PORT = 4789;
/** WireGuard's 1420 less VXLAN over IPv6 (40 + 8 + 8 + 14 bytes). */
export const OVERLAY_MTU = 1350;
export const NFT_TABLE = 'omega_edge';

export interface OverlayPeerLink {
  link: string;
  vni: number;
  addresses: OverlayAddresses;
}

export class OverlayBridge {
  private readonly peers = new Map<string, OverlayPeerLink>();

  constructor(
    private readonly wireguardInterface: string,
    private readonly self: OverlayAddresses,
  ) {}

  async up(): Promise<void> {
    const wg = this.wireguardInterface;
    await run('ip', [
      '-6',
      'addr',
      'add',
      `${this.self.transportIpv6}/${OVERLAY_IPV6_PREFIX_LENGTH}`,
      'dev',
      wg,
      'nodad',
    ]);
    await run('ip', ['link', 'set', wg, 'up']);
    // Snooping off: without a querier on the segment the bridge would stop forwarding multicast.
    await run('ip', ['link', 'add', OVERLAY_BRIDGE, 'type', 'bridge', 'mcast_snooping', '0']);
    await run('ip', [
      'link',
      'set',
      OVERLAY_BRIDGE,
      'address',
      this.self.mac,
      'mtu',
      String(OVERLAY_MTU),
    ]);
    await run('ip', [
      '-6',
      'addr',
      'add',
      `${this.self.ipv6}/${OVERLAY_IPV6_PREFIX_LENGTH}`,
      'dev',
      OVERLAY_BRIDGE,
      'nodad',
    ]);
    await run('ip', [
      'addr',
      'add',
      `${this.self.ipv4}/${OVERLAY_IPV4_PREFIX_LENGTH}`,
      'dev',
      OVERLAY_BRIDGE,
    ]);
    await run('ip', ['link', 'set', OVERLAY_BRIDGE, 'up']);
    await this.applyRules();
  }

  async addPeer(peer: OverlayPeerLink): Promise<void> {
    if (this.peers.has(peer.link)) return;
    const { link, vni, addresses } = peer;
    await run('ip', [
      'link',
      'add',
      link,
      'type',
      'vxlan',
      'id',
      String(vni),
      'local',
      this.self.transportIpv6,
      'dstport',
      String(VXLAN_PORT),
      'nolearning',
      'dev',
      this.wireguardInterface,
    ]);
    // No addresses of its own: the port must never speak with its random MAC (the peer would
    // count it as spoofed); omni0 is the host's only voice on the segment.
    await run('ip', ['link', 'set', link, 'addrgenmode', 'none']);
    await run('ip', ['link', 'set', link, 'mtu', String(OVERLAY_MTU), 'master', OVERLAY_BRIDGE]);
    await run('bridge', ['link', 'set', 'dev', link, 'learning', 'off', 'flood', 'off']);
    // VXLAN's own table: broadcast/multicast and the peer's MAC go to the peer's WireGuard address.
    await run('bridge', [
      'fdb',
      'append',
      '00:00:00:00:00:00',
      'dev',
      link,
      'dst',
      addresses.transportIpv6,
    ]);
    await run('bridge', ['fdb', 'add', addresses.mac, 'dev', link, 'dst', addresses.transportIpv6]);
    // The bridge's table: the peer's MAC lives behind this port, never learnt, never aged.
    await run('bridge', ['fdb', 'add', addresses.mac, 'dev', link, 'master', 'static']);
    await run('ip', ['link', 'set', link, 'up']);
    this.peers.set(link, peer);
    await this.applyRules();
  }

  async removePeer(link: string): Promise<void> {
    if (!this.peers.delete(link)) return;
    await run('ip', ['link', 'del', link]).catch(() => undefined);
    await this.applyRules();
  }

  /** Replaces both tables in one nft transaction (all rules apply or none). */
  private async applyRules(): Promise<void> {
    const spoof = [...this.peers.values()]
      .map(
        (p) =>
          `    iifname "${p.link}" ether saddr != ${p.addresses.mac} counter name spoofed_mac drop`,
      )
      .join('\n');
    const vni = [...this.peers.values()]
      .map(
        (p) =>
          `    iifname "${this.wireguardInterface}" udp dport ${VXLAN_PORT} @th,96,24 ${p.vni} ip6 saddr != ${p.addresses.transportIpv6} counter name foreign_vni drop`,
      )
      .join('\n');
    const ruleset = `table bridge ${NFT_TABLE} {}
delete table bridge ${NFT_TABLE}
table bridge ${NFT_TABLE} {
  counter spoofed_mac {}
  chain input {
    type filter hook input priority filter; policy accept;
${spoof}
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
${spoof}
  }
}
table inet ${NFT_TABLE} {}
delete table inet ${NFT_TABLE}
table inet ${NFT_TABLE} {
  counter foreign_vni {}
  chain input {
    type filter hook input priority filter; policy accept;
${vni}
  }
}
`;
    await nftApply(ruleset);
  }

  /** Frames dropped for a source MAC that is not their port's peer's. */
  async spoofedMacDrops(): Promise<number> {
    const text = await run('nft', ['list', 'counter', 'bridge', NFT_TABLE, 'spoofed_mac']);
    const packets = /packets (\d+)/.exec(text);
    if (!packets)
      throw new OmegaError(Code.Internal, `nft counter spoofed_mac unreadable: ${text}`);
    return Number(packets[1]);
  }

  async down(): Promise<void> {
    for (const link of this.peers.keys())
      await run('ip', ['link', 'del', link]).catch(() => undefined);
    this.peers.clear();
    await run('ip', ['link', 'del', OVERLAY_BRIDGE]).catch(() => undefined);
    await nftApply(
      `table bridge ${NFT_TABLE} {}\ndelete table bridge ${NFT_TABLE}\ntable inet ${NFT_TABLE} {}\ndelete table inet ${NFT_TABLE}\n`,
    ).catch(() => undefined);
  }
}
