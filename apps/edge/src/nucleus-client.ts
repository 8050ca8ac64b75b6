// The edge host's side of the nucleus: registers at start and sends signed heartbeats, and sets up
// each peer the nucleus pushes (its identity and post-NAT endpoint) on the WireGuard device.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { errorMessage } from '@omega/errors';
import type { Logger } from 'pino';
import type { EdgeAgent } from './edge-agent';
import { parseEndpoint } from './edge-config';
import { formatPublicIdentity, parsePublicIdentity, type EdgeIdentity } from './edge-identity';
import { verifyPush } from './nucleus-push';
import { encodeSigned, ReplayCache, type HostMessage } from './signalling';

export interface NucleusClientOptions {
  nucleus: string;
  cluster: string;
  wireguardPort: number;
  heartbeatMs: number;
  /** How long a direct path may take to handshake before the relay is asked for. */
  directTimeoutMs: number;
  identity: EdgeIdentity;
  /** The nucleus's Ed25519 public key: pushes not signed with it are refused. */
  nucleusKey: Uint8Array;
  agent: EdgeAgent;
  log: Logger;
}

export class NucleusClient {
  private socket?: Socket;
  private timer?: NodeJS.Timeout;
  private readonly relayTimers = new Set<NodeJS.Timeout>();
  private readonly replay = new ReplayCache();
  private readonly self: string;
  private readonly host: string;
  private readonly port: number;

  constructor(private readonly options: NucleusClientOptions) {
    this.self = formatPublicIdentity(options.identity);
    const at = options.nucleus.lastIndexOf(':');
    this.host = options.nucleus.slice(0, at).replace(/^\[|\]$/g, '');
    this.port = Number(options.nucleus.slice(at + 1));
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: this.host.includes(':') ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('message', (datagram, from) => {
      // Only the nucleus's address is listened to, and each push must carry its signature.
      if (from.address !== this.host || from.port !== this.port) return;
      void this.onPush(datagram);
    });
    await new Promise<void>((resolve) => socket.bind(0, () => resolve()));
    this.send('register');
    this.timer = setInterval(() => this.send('heartbeat'), this.options.heartbeatMs);
  }

  send(type: HostMessage['type'], peer?: string): void {
    const message: HostMessage = {
      ...(peer ? { peer } : {}),
      type,
      cluster: this.options.cluster,
      identity: this.self,
      wireguardPort: this.options.wireguardPort,
      timeMs: Date.now(),
      nonce: randomBytes(16).toString('base64url'),
    };
    this.socket?.send(
      encodeSigned(message, this.options.identity.signingKey),
      this.port,
      this.host,
    );
  }

  private async onPush(datagram: Buffer): Promise<void> {
    try {
      const push = verifyPush(
        datagram,
        this.options.nucleusKey,
        this.self,
        Date.now(),
        this.replay,
      );
      if (push.identity === this.self) return;
      const endpoint = parseEndpoint(push.endpoint);
      if (!endpoint) throw new Error(`endpoint '${push.endpoint}' is not IP:PORT`);
      const peer = parsePublicIdentity(push.identity, 'push.identity');
      await this.options.agent.setPeer(peer, endpoint);
      const viaRelay =
        endpoint.slice(0, endpoint.lastIndexOf(':')).replace(/^\[|\]$/g, '') === this.host;
      if (!viaRelay) this.fallBackToRelayUnlessConnected(push.identity, peer.wireguardPublicKey);
    } catch (err) {
      this.options.log.warn({ err: errorMessage(err) }, 'nucleus push refused');
    }
  }

  /** Asks the nucleus for a relay when the direct path has not handshaken in time. */
  private fallBackToRelayUnlessConnected(identity: string, wireguardKey: Uint8Array): void {
    const key = Buffer.from(wireguardKey).toString('base64');
    const timer = setTimeout(() => {
      this.relayTimers.delete(timer);
      void this.options.agent.device.dump().then(
        (peers) => {
          const row = peers.find((p) => p[0] === key);
          if (row && row[4] === '0') {
            this.options.log.info(
              { peer: identity },
              'direct path did not handshake; asking for the relay',
            );
            this.send('relay', identity);
          }
        },
        (err: unknown) => this.options.log.warn({ err: errorMessage(err) }, 'wg show failed'),
      );
    }, this.options.directTimeoutMs);
    this.relayTimers.add(timer);
  }

  close(): void {
    for (const timer of this.relayTimers) clearTimeout(timer);
    clearInterval(this.timer);
    this.socket?.close();
  }
}
