// The browser protocol's port: Connect (JSON and binary) and gRPC-Web over HTTPS (HTTP/2 and
// HTTP/1.1, so browsers and curl both work) with the gateway's own certificate, renewed in place;
// plain HTTP/1.1 without TLS. Before a request reaches Connect's router it is held to the
// endpoint's rules: POST only, an allowed origin, a body no larger than the limit, and responses
// that are neither sniffed nor cached.
import type { AddressInfo, Socket } from 'node:net';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Registry } from '@bufbuild/protobuf';
import { createContextValues, cors } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Logger } from '@omega/runtime';
import { NODE_HEADER } from './backend-pool';
import { MIN_TLS_VERSION, tlsContextOptions, type CredentialSource } from '@omega/trust-client';
import type { ConsoleFiles } from './console-files';
import { WEB_PEER, type WebPeer } from './web-routes';
import type { ConnectRouter } from '@connectrpc/connect';

export interface WebEndpointOptions {
  readonly host: string;
  readonly port: number;
  /** The gateway's credentials (renewed): undefined serves plain HTTP. */
  readonly credentials: CredentialSource | undefined;
  readonly allowedOrigins: readonly string[];
  readonly maxRequestBytes: number;
  /** The web console's files, answered on GET and HEAD; undefined: none. */
  readonly consoleFiles?: ConsoleFiles | undefined;
  readonly routes: (router: ConnectRouter) => void;
  readonly jsonRegistry: Registry;
  readonly logger: Logger;
}

type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Response = http.ServerResponse | http2.Http2ServerResponse;

/** What a browser may send and read cross-origin: Connect's and gRPC-Web's, and Omega's. */
const ALLOWED_HEADERS = [...cors.allowedHeaders, 'Authorization', NODE_HEADER].join(', ');
const EXPOSED_HEADERS = cors.exposedHeaders.join(', ');
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

export class WebEndpoint {
  readonly #sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server | http2.Http2SecureServer,
    readonly port: number,
    readonly secure: boolean,
  ) {
    server.on('connection', (socket: Socket) => {
      // Small answers go out at once, as on the gRPC port (no waiting on Nagle's algorithm).
      socket.setNoDelay(true);
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on `options.port` (0: any) and serves until close(). */
  static async start(options: WebEndpointOptions): Promise<WebEndpoint> {
    const handler = guarded(
      options,
      connectNodeAdapter({
        routes: options.routes,
        // The gRPC port serves native gRPC; this one serves what browsers can speak.
        grpc: false,
        grpcWeb: true,
        connect: true,
        readMaxBytes: options.maxRequestBytes,
        jsonOptions: { registry: options.jsonRegistry },
        contextValues: (req) => createContextValues().set(WEB_PEER, peerOf(req)),
      }),
    );
    const { credentials } = options;
    let server: http.Server | http2.Http2SecureServer;
    if (credentials === undefined) {
      server = http.createServer(handler);
    } else {
      server = http2.createSecureServer(
        {
          allowHTTP1: true,
          ...tlsContextOptions(credentials.current()),
          minVersion: MIN_TLS_VERSION,
          // A client certificate from trust is accepted (and checked by CallerAuth), never required:
          // a browser presents a bearer token.
          requestCert: true,
          rejectUnauthorized: false,
        },
        handler,
      );
      const secure = server;
      credentials.onRenewed((renewed) => secure.setSecureContext(tlsContextOptions(renewed)));
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    return new WebEndpoint(server, port, credentials !== undefined);
  }

  /** Stops accepting connections and ends the open ones (their calls were aborted by the drain). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

function peerOf(req: Request): WebPeer {
  const socket = req.socket as Socket | TLSSocket;
  const address = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
  if (!('encrypted' in socket) || socket.encrypted !== true) return { address, tls: false };
  const tlsSocket = socket as TLSSocket;
  // As grpc-js: a certificate only when the handshake verified it against the trust CA.
  const certificate = tlsSocket.authorized ? tlsSocket.getPeerCertificate() : undefined;
  return certificate !== undefined && certificate.raw !== undefined
    ? { address, tls: true, certificate }
    : { address, tls: true };
}

/** The endpoint's rules around Connect's handler. */
function guarded(
  options: WebEndpointOptions,
  connect: (req: Request, res: Response) => void,
): (req: Request, res: Response) => void {
  const allowed = new Set(options.allowedOrigins);
  return (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    // The console's pages and assets: same origin, their own caching and CSP.
    if (options.consoleFiles?.serve(req, res) === true) return;
    res.setHeader('cache-control', 'no-store');
    const origin = req.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, req, options.credentials !== undefined)) {
      if (!allowed.has(origin)) {
        refuse(
          res,
          403,
          'permission_denied',
          `origin ${origin} is not in gateway.web.allowedOrigins`,
        );
        return;
      }
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'POST');
        res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
        res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
        res.statusCode = 204;
        res.end();
        return;
      }
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      refuse(
        res,
        405,
        'unimplemented',
        `${req.method ?? '?'} ${req.url ?? ''}: only POST is served`,
      );
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > options.maxRequestBytes) {
      refuse(
        res,
        413,
        'resource_exhausted',
        `${req.url ?? ''}: request body of ${length} bytes is over gateway.web.maxRequestBytes (${options.maxRequestBytes})`,
      );
      // The body is not read: the connection goes once the answer is out.
      req.resume();
      return;
    }
    connect(req, res);
  };
}

/** A page served by this same host and port (the console, when the gateway serves it). */
function sameOrigin(origin: string, req: Request, secure: boolean): boolean {
  const host = req.headers[':authority'] ?? req.headers.host;
  return typeof host === 'string' && origin === `${secure ? 'https' : 'http'}://${host}`;
}

/** An error in Connect's JSON form (`{"code", "message"}`), which its clients read from any status. */
function refuse(res: Response, status: number, code: string, message: string): void {
  const body = JSON.stringify({ code, message });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
