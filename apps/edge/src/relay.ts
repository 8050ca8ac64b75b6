// The relay: one UDP port per pair on the nucleus host, forwarding WireGuard packets unchanged
// between the pair's two addresses (it never decrypts; WireGuard's own authentication makes a
// misdirected packet harmless). Each side is recognised by the source IP the nucleus saw it
// register from; its port is learnt from its first packet (its NAT mapping towards the relay).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Code, OmegaError } from '@omega/errors';

export const RELAY_MAX_PAIRS = 1024;
export const RELAY_MAX_DATAGRAM_BYTES = 65_535;

interface RelayPair {
  socket: Socket;
  port: number;
  /** Source IP → the address learnt from that side's latest packet. */
  sides: Map<string, RemoteInfo | undefined>;
}

export class Relay {
  private readonly pairs = new Map<string, RelayPair>();
  packets = 0;

  constructor(
    private readonly host: string,
    private readonly onPacket?: () => void,
  ) {}

  /** The pair's relay port (allocated once per pair; both sides' IPs must differ). */
  async portFor(pairKey: string, ipA: string, ipB: string): Promise<number> {
    const existing = this.pairs.get(pairKey);
    if (existing) return existing.port;
    if (ipA === ipB) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `relay: both hosts share the address ${ipA}; the relay cannot tell them apart`,
      );
    }
    if (this.pairs.size >= RELAY_MAX_PAIRS) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `relay: ${RELAY_MAX_PAIRS} pairs already relayed`,
      );
    }
    const socket = createSocket({ type: this.host.includes(':') ? 'udp6' : 'udp4' });
    const pair: RelayPair = {
      socket,
      port: 0,
      sides: new Map([
        [ipA, undefined],
        [ipB, undefined],
      ]),
    };
    socket.on('message', (datagram, from) => this.forward(pair, datagram, from));
    await new Promise<void>((resolve) => socket.bind(0, this.host, () => resolve()));
    pair.port = socket.address().port;
    this.pairs.set(pairKey, pair);
    return pair.port;
  }

  private forward(pair: RelayPair, datagram: Buffer, from: RemoteInfo): void {
    if (!pair.sides.has(from.address)) return; // not one of the pair
    pair.sides.set(from.address, from);
    for (const [ip, to] of pair.sides) {
      if (ip === from.address || !to) continue;
      pair.socket.send(datagram, to.port, to.address);
      this.packets++;
      this.onPacket?.();
    }
  }

  close(): void {
    for (const pair of this.pairs.values()) pair.socket.close();
    this.pairs.clear();
  }
}
