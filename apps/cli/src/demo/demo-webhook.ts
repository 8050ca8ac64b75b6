// The "team channel" of the demo: a local HTTP endpoint taking the orchestrator's notify webhook
// (Slack-compatible JSON, `{ text }`), so a playbook's notify step really delivers a message and
// the demo can show it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TeamMessage {
  readonly text: string;
  readonly receivedAtMs: number;
}

export class DemoWebhook {
  readonly messages: TeamMessage[] = [];
  private server: Server | undefined;

  constructor(private readonly onMessage: (message: TeamMessage) => void) {}

  /** Listens on a free loopback port; returns the URL to give the orchestrator. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let text = raw;
        try {
          const body = JSON.parse(raw) as { text?: unknown };
          if (typeof body.text === 'string') text = body.text;
        } catch {
          // not JSON: show it as it came
        }
        const message = { text, receivedAtMs: Date.now() };
        this.messages.push(message);
        this.onMessage(message);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/team-channel`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
