// The canary URL listener: a GET of a minted canary path answers a 1x1 GIF and becomes a TOKEN_USE
// interaction on `omega.deception.canary` (and a trigger of its honeytoken); any other request is
// a plain 404 and records nothing, so scanners sweeping the port make no noise. Bounded in header
// size and count, time per request, body bytes and connections.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InteractionKind } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { InteractionRecorder } from '../honeypots/honeypot';

/** The decoy id canary interactions carry: their subject is `omega.deception.canary`. */
export const CANARY_DECOY_ID = 'canary';

export const CANARY_LIMITS = {
  maxHeaderBytes: 8 * 1024,
  maxHeaders: 64,
  maxUrlChars: 2048,
  maxBodyBytes: 64 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
  /** Bytes of the request head kept in the interaction's payload_sample. */
  sampleBytes: 4096,
  userAgentChars: 256,
} as const;

// A transparent 1x1 GIF: what a tracking pixel or a forgotten asset would answer.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

export type CanaryOutcome = 'use' | 'unknown' | 'refused';

export interface CanaryEndpointOptions {
  readonly listen: { readonly host: string; readonly port: number };
  /** The honeytoken id of a canary path (its use counted), or undefined. */
  readonly canaryUse: (path: string) => string | undefined;
  readonly recorder: InteractionRecorder;
  readonly onRequest?: (outcome: CanaryOutcome) => void;
}

/** The request line and headers as sent (names and values as received), bounded. */
function requestHead(request: IncomingMessage): Buffer {
  const lines = [`${request.method ?? ''} ${request.url ?? ''} HTTP/${request.httpVersion}`];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`).subarray(0, CANARY_LIMITS.sampleBytes);
}

function sourceIp(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

export class CanaryEndpoint {
  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  /** Listens; resolves once bound (port 0 asks the OS for one). */
  static async start(options: CanaryEndpointOptions): Promise<CanaryEndpoint> {
    const server = createServer(
      {
        maxHeaderSize: CANARY_LIMITS.maxHeaderBytes,
        headersTimeout: CANARY_LIMITS.headersTimeoutMs,
        requestTimeout: CANARY_LIMITS.requestTimeoutMs,
        keepAliveTimeout: CANARY_LIMITS.keepAliveTimeoutMs,
      },
      (request, response) => serve(options, request, response),
    );
    server.maxHeadersCount = CANARY_LIMITS.maxHeaders;
    server.maxConnections = CANARY_LIMITS.maxConnections;
    await new Promise<void>((resolve, reject) => {
      const refused = (err: Error) =>
        reject(
          new OmegaError(
            Code.Unavailable,
            `canary URL listener on ${options.listen.host}:${options.listen.port} (deception.canaryListen): ${errorMessage(err)}`,
            { cause: err },
          ),
        );
      server.once('error', refused);
      server.listen(options.listen.port, options.listen.host, () => {
        server.off('error', refused);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return new CanaryEndpoint(server, options.listen.host, address.port);
  }

  /** The URL the listener answers at, e.g. `http://127.0.0.1:50059`. */
  url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function serve(
  options: CanaryEndpointOptions,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  let bodyBytes = 0;
  request.on('data', (chunk: Buffer) => {
    bodyBytes += chunk.length;
    if (bodyBytes > CANARY_LIMITS.maxBodyBytes) request.socket.destroy();
  });
  request.resume();
  const url = request.url ?? '/';
  const path = url.split(/[?#]/, 1)[0] ?? '/';
  const method = request.method ?? '';
  const readable =
    (method === 'GET' || method === 'HEAD') && url.length <= CANARY_LIMITS.maxUrlChars;
  const honeytokenId = readable ? options.canaryUse(path) : undefined;
  if (honeytokenId === undefined) {
    options.onRequest?.(readable ? 'unknown' : 'refused');
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Not Found\n');
    return;
  }
  options.onRequest?.('use');
  const userAgent = (request.headers['user-agent'] ?? '').slice(0, CANARY_LIMITS.userAgentChars);
  options.recorder.record({
    kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
    source: { ip: sourceIp(request.socket.remoteAddress), port: request.socket.remotePort ?? 0 },
    protocol: 'http',
    sessionId: randomUUID(),
    request: `${method} ${path}${userAgent === '' ? '' : ` (User-Agent: ${userAgent})`}`,
    payloadSample: requestHead(request),
    honeytokenId,
  });
  response.writeHead(200, {
    'Content-Type': 'image/gif',
    'Content-Length': PIXEL.length,
    // Every fetch must reach this listener: no cache may answer for it.
    'Cache-Control': 'no-store, max-age=0',
  });
  response.end(method === 'HEAD' ? undefined : PIXEL);
}
