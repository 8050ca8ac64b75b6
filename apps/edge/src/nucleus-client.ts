// The edge host's side of the nucleus: registers at start and sends signed heartbeats, and sets up
// each peer the nucleus pushes (its identity and post-NAT endpoint) on the WireGuard device.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { errorMessage } from '@omega/errors';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { EdgeAgent } from './edge-agent';
import { parseEndpoint } from './edge-config';
import { formatPublicIdentity, parsePublicIdentity, type EdgeIdentity } from './edge-identity';
import { encodeSigned, SIGNAL_MAX_BYTES, type HostMessage } from './signalling';

const peerPush = z.strictObject({
  type: z.literal('peer'),
  identity: z.string().max(200),
  endpoint: z.string().max(60),
});

export interface NucleusClientOptions {
  nucleus: string;
  cluster: string;
  wireguardPort: number;
  heartbeatMs: number;
  identity: EdgeIdentity;
  agent: EdgeAgent;
  log: Logger;
}

export class NucleusClient {
  private socket?: Socket;
  private timer?: NodeJS.Timeout;
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
      // Only the nucleus's address is listened to (pushes are not signed yet: see docs/edge.md).
      if (from.address !== this.host || from.port !== this.port) return;
      void this.onPush(datagram);
    });
    await new Promise<void>((resolve) => socket.bind(0, () => resolve()));
    this.send('register');
    this.timer = setInterval(() => this.send('heartbeat'), this.options.heartbeatMs);
  }

  send(type: HostMessage['type']): void {
    const message: HostMessage = {
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
      if (datagram.length > SIGNAL_MAX_BYTES) throw new Error(`push of ${datagram.length} bytes`);
      const push = peerPush.parse(JSON.parse(datagram.toString('utf8')));
      if (push.identity === this.self) return;
      const endpoint = parseEndpoint(push.endpoint);
      if (!endpoint) throw new Error(`endpoint '${push.endpoint}' is not IP:PORT`);
      await this.options.agent.setPeer(
        parsePublicIdentity(push.identity, 'push.identity'),
        endpoint,
      );
    } catch (err) {
      this.options.log.warn({ err: errorMessage(err) }, 'nucleus push refused');
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.socket?.close();
  }
}
