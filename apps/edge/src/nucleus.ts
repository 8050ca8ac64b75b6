// The nucleus: the rendezvous of one cluster. It accepts registrations, heartbeats and peer queries
// signed by a member's identity, learns each host's endpoint from the datagram's source address, and
// pushes both endpoints to a pair at once so the two WireGuard handshakes cross and open the NAT
// mappings. It holds no tunnel state: hosts keep their tunnels when it restarts.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Code, OmegaError, errorMessage } from '@omega/errors';
import type { Logger } from 'pino';
import type { NucleusMetrics } from './edge-metrics';
import { RateLimiter } from './rate-limiter';
import { Relay } from './relay';
import { randomBytes, type KeyObject } from 'node:crypto';
import { encodePush } from './nucleus-push';
import { ReplayCache, verifySigned } from './signalling';

export const NUCLEUS_REQUESTS_PER_SECOND = 10;
/** A host not heard from for this long is forgotten (the design's idle peer removal). */
export const NUCLEUS_IDLE_MS = 60 * 60 * 1000;

export interface NucleusOptions {
  host: string;
  port: number;
  cluster: string;
  /** Public identities (as omega-edge --init prints them) allowed in the cluster. */
  members: ReadonlySet<string>;
  log: Logger;
  /** The nucleus's Ed25519 key: every push is signed with it. */
  signingKey: KeyObject;
  metrics?: NucleusMetrics;
}

interface HostRecord {
  identity: string;
  /** Where its WireGuard listens, as seen from here: source IP + its WireGuard port. */
  endpoint: string;
  control: RemoteInfo;
  lastSeenMs: number;
}

export interface NucleusCounters {
  accepted: number;
  rateLimited: number;
  rejected: Record<string, number>;
  pushes: number;
}

export class Nucleus {
  readonly counters: NucleusCounters = { accepted: 0, rateLimited: 0, rejected: {}, pushes: 0 };
  private readonly hosts = new Map<string, HostRecord>();
  private readonly limiter = new RateLimiter(NUCLEUS_REQUESTS_PER_SECOND);
  private readonly replay = new ReplayCache();
  private socket?: Socket;
  private readonly relay: Relay;

  constructor(private readonly options: NucleusOptions) {
    this.relay = new Relay(options.host, () => options.metrics?.relayedPackets.inc());
  }

  async start(): Promise<number> {
    const socket = createSocket({ type: this.options.host.includes(':') ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('message', (datagram, from) => this.receive(datagram, from, Date.now()));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => resolve());
    });
    return socket.address().port;
  }

  receive(datagram: Buffer, from: RemoteInfo, nowMs: number): void {
    if (!this.limiter.allow(from.address, nowMs)) {
      this.counters.rateLimited++;
      this.options.metrics?.rateLimited.inc();
      return;
    }
    try {
      const { message } = verifySigned(datagram, nowMs, this.replay);
      if (message.cluster !== this.options.cluster) {
        throw new OmegaError(
          Code.PermissionDenied,
          `cluster '${message.cluster}' is not '${this.options.cluster}'`,
        );
      }
      if (!this.options.members.has(message.identity)) {
        throw new OmegaError(
          Code.PermissionDenied,
          `identity ${message.identity.slice(0, 43)} is not a member of '${this.options.cluster}'`,
        );
      }
      this.counters.accepted++;
      this.options.metrics?.accepted.inc();
      const host = from.family === 'IPv6' ? `[${from.address}]` : from.address;
      const endpoint = `${host}:${message.wireguardPort}`;
      const previous = this.hosts.get(message.identity);
      this.hosts.set(message.identity, {
        identity: message.identity,
        endpoint,
        control: from,
        lastSeenMs: nowMs,
      });
      this.forgetIdle(nowMs);
      if (message.type === 'relay') {
        void this.relayPair(message.identity, message.peer ?? '').catch((err: unknown) =>
          this.options.log.warn({ err: errorMessage(err) }, 'relay refused'),
        );
      } else if (message.type !== 'heartbeat' || previous?.endpoint !== endpoint) {
        this.introduce(message.identity);
      }
    } catch (err) {
      const code = err instanceof OmegaError ? Code[err.code] : 'Internal';
      this.counters.rejected[code] = (this.counters.rejected[code] ?? 0) + 1;
      this.options.metrics?.refused.inc({ reason: code });
      this.options.log.warn(
        { from: `${from.address}:${from.port}`, err: errorMessage(err) },
        'signalling message refused',
      );
    }
  }

  /** Pushes each pair (this host, another member) both endpoints at once. */
  private introduce(identity: string): void {
    const self = this.hosts.get(identity)!;
    for (const other of this.hosts.values()) {
      if (other.identity === identity) continue;
      this.options.log.info({ a: self.endpoint, b: other.endpoint }, 'peers introduced');
      this.options.metrics?.introductions.inc();
      this.push(self, other.identity, other.endpoint);
      this.push(other, self.identity, self.endpoint);
    }
  }

  /** Gives the pair one relay port and sends both hosts the relay as the other's endpoint. */
  private async relayPair(identity: string, peerIdentity: string): Promise<void> {
    const self = this.hosts.get(identity);
    const peer = this.hosts.get(peerIdentity);
    if (!self || !peer) {
      throw new OmegaError(Code.NotFound, `relay: ${peerIdentity.slice(0, 43)} has not registered`);
    }
    const key = [identity, peerIdentity].sort().join('|');
    const port = await this.relay.portFor(key, self.control.address, peer.control.address);
    const at = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.options.log.info({ a: self.endpoint, b: peer.endpoint, port }, 'pair relayed');
    this.push(self, peer.identity, `${at}:${port}`);
    this.push(peer, self.identity, `${at}:${port}`);
  }

  private push(to: HostRecord, identity: string, endpoint: string): void {
    this.counters.pushes++;
    const push = encodePush(
      {
        type: 'peer',
        to: to.identity,
        identity,
        endpoint,
        timeMs: Date.now(),
        nonce: randomBytes(16).toString('base64url'),
      },
      this.options.signingKey,
    );
    this.socket?.send(push, to.control.port, to.control.address);
  }

  private forgetIdle(nowMs: number): void {
    for (const [identity, record] of this.hosts) {
      if (nowMs - record.lastSeenMs > NUCLEUS_IDLE_MS) this.hosts.delete(identity);
    }
  }

  async close(): Promise<void> {
    this.relay.close();
    await new Promise<void>((resolve) =>
      this.socket ? this.socket.close(() => resolve()) : resolve(),
    );
  }
}
