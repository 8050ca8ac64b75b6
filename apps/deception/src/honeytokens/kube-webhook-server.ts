// The HTTPS listener kube-apiserver's webhooks post to: mutual TLS (only a client certificate the
// configured CA signed, optionally with one of the configured names), one JSON body per request,
// bounded in size, time and connections. Each path has one handler; what a handler refuses is
// answered as a Kubernetes Status naming the field, which kube-apiserver writes to its log.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';

export const WEBHOOK_LIMITS = {
  /** An EventList of 400 Metadata-level events is ~1 MiB. */
  maxBodyBytes: 8 * 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 30_000,
  maxConnections: 64,
} as const;

/** Who posted: the peer address and the client certificate's common name. */
export interface WebhookPeer {
  readonly ip: string;
  readonly port: number;
  readonly clientName: string;
}

/** Answers a request body (parsed JSON) with the JSON to send back; throws an OmegaError to refuse. */
export type WebhookHandler = (body: unknown, peer: WebhookPeer) => object;

export type WebhookOutcome = 'ok' | 'refused' | 'forbidden' | 'not-found' | 'too-large' | 'error';

export interface KubeWebhookServerOptions {
  readonly listen: { readonly host: string; readonly port: number };
  readonly tls: { readonly certPem: string; readonly keyPem: string; readonly clientCaPem: string };
  /** Common names or DNS SANs a client certificate must carry one of; empty: any the CA signed. */
  readonly clientNames: readonly string[];
  /** By path, e.g. `/audit`, `/authenticate`. */
  readonly handlers: Readonly<Record<string, WebhookHandler>>;
  readonly logger: Logger;
  readonly onRequest?: (path: string, outcome: WebhookOutcome) => void;
}

const HTTP_STATUS: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.PermissionDenied]: 403,
  [Code.NotFound]: 404,
  [Code.ResourceExhausted]: 413,
};

const OUTCOME: Partial<Record<Code, WebhookOutcome>> = {
  [Code.InvalidArgument]: 'refused',
  [Code.PermissionDenied]: 'forbidden',
  [Code.NotFound]: 'not-found',
  [Code.ResourceExhausted]: 'too-large',
};

/** The names a client certificate carries: its CN and DNS SANs. */
function certificateNames(socket: TLSSocket): string[] {
  const cert = socket.getPeerCertificate();
  const names = cert.subject?.CN ? [cert.subject.CN].flat() : [];
  for (const entry of (cert.subjectaltname ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) names.push(entry.slice(4));
  }
  return names;
}

export class KubeWebhookServer {
  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: KubeWebhookServerOptions): Promise<KubeWebhookServer> {
    const server = createServer(
      {
        cert: options.tls.certPem,
        key: options.tls.keyPem,
        ca: options.tls.clientCaPem,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        maxHeaderSize: WEBHOOK_LIMITS.maxHeaderBytes,
        headersTimeout: WEBHOOK_LIMITS.headersTimeoutMs,
        requestTimeout: WEBHOOK_LIMITS.requestTimeoutMs,
        keepAliveTimeout: WEBHOOK_LIMITS.keepAliveTimeoutMs,
      },
      (request, response) => void serve(options, request, response),
    );
    server.maxConnections = WEBHOOK_LIMITS.maxConnections;
    await new Promise<void>((resolve, reject) => {
      const refused = (err: Error) =>
        reject(
          new OmegaError(
            Code.Unavailable,
            `Kubernetes webhook listener on ${options.listen.host}:${options.listen.port} (deception.kubernetes.webhook.listen): ${errorMessage(err)}`,
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
    return new KubeWebhookServer(server, options.listen.host, address.port);
  }

  /** `https://host:port` */
  url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `https://${host}:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The body, refused past maxBodyBytes (by Content-Length at once, else as it arrives). */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const limit = WEBHOOK_LIMITS.maxBodyBytes;
  const tooLarge = (bytes: number) =>
    new OmegaError(
      Code.ResourceExhausted,
      `${request.url ?? ''}: body of ${bytes} bytes or more, past the ${limit} this listener reads; lower kube-apiserver's --audit-webhook-batch-max-size`,
    );
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        request.pause();
        reject(tooLarge(bytes));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseJson(path: string, body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, `${path}: body is not JSON: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

async function serve(
  options: KubeWebhookServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  const socket = request.socket as TLSSocket;
  const peer: WebhookPeer = {
    ip: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    port: socket.remotePort ?? 0,
    clientName: certificateNames(socket)[0] ?? '',
  };
  // Paths outside the handlers are one label value: a client cannot grow the metric's series.
  const known = Object.hasOwn(options.handlers, path);
  const pathLabel = known ? path : 'other';
  try {
    const names = certificateNames(socket);
    if (
      options.clientNames.length > 0 &&
      !names.some((name) => options.clientNames.includes(name))
    ) {
      throw new OmegaError(
        Code.PermissionDenied,
        `${path}: client certificate names ${names.join(', ') || '(none)'}, none of deception.kubernetes.webhook.clientNames`,
      );
    }
    const handler = known ? options.handlers[path] : undefined;
    if (handler === undefined) {
      throw new OmegaError(
        Code.NotFound,
        `${path.slice(0, 256)}: no such webhook (${Object.keys(options.handlers).join(', ')})`,
      );
    }
    if (request.method !== 'POST') {
      throw new OmegaError(
        Code.InvalidArgument,
        `${path}: method ${request.method ?? ''}, expected POST`,
      );
    }
    const answer = handler(parseJson(path, await readBody(request)), peer);
    options.onRequest?.(pathLabel, 'ok');
    send(response, 200, answer);
  } catch (err) {
    const code = err instanceof OmegaError ? err.code : Code.Internal;
    const status = HTTP_STATUS[code] ?? 500;
    options.onRequest?.(pathLabel, OUTCOME[code] ?? 'error');
    options.logger.warn(
      { err, path: path.slice(0, 256), peer: peer.ip, client: peer.clientName },
      `Kubernetes webhook ${pathLabel} from ${peer.ip} refused (${status}): ${errorMessage(err)}`,
    );
    send(response, status, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: errorMessage(err),
      code: status,
    });
    // What is left of a refused body is not read: the connection ends with this answer.
    if (!request.complete) response.on('finish', () => request.socket.destroy());
  }
}

function send(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
