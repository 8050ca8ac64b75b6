// The HTTP honeypot: an admin login page on node:http (or node:https with a self-signed
// certificate, persona.extra.tls = "self-signed") that records every request and login, and
// refuses every login, honeytokens included (a token's use alerts; it grants nothing).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { InteractionKind } from '@omega/proto';
import { bounded, CloseReason, ConnectionGuard, type GuardedConnection } from './connection-guard';
import type { HoneypotFactory } from './honeypot';
import { SourceRequestRate } from './http-request-rate';
import { skinOf, type HttpSkin } from './http-skins';
import { TlsCertificates, type TlsCertificateSource } from './http-tls';
import { listenOn } from './listen-on';

/** Request line and headers, in bytes; past it the answer is 431. */
export const MAX_HEADER_BYTES = 8 * 1024;
/** A login body, in bytes; past it the answer is 413. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Requests one source address may make per second; past it the answer is 429, unrecorded. */
export const MAX_REQUESTS_PER_SOURCE_PER_SECOND = 20;

const STATUS_LINES: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** nginx-style error pages: what most servers in front of an admin page send. */
const errorPage = (status: number, text: string): string =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`;
const ERROR_PAGES = {
  404: errorPage(404, 'Not Found'),
  405: errorPage(405, 'Not Allowed'),
  413: errorPage(413, 'Request Entity Too Large'),
  429: errorPage(429, 'Too Many Requests'),
} as const;

interface Login {
  readonly username: string;
  readonly password: string;
}

/** The credentials a login body holds: a form or, as single-page apps post, JSON. */
function loginOf(skin: HttpSkin, contentType: string, body: string): Login {
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === 'object' && parsed !== null) {
        const fields = parsed as Record<string, unknown>;
        const text = (value: unknown): string => (typeof value === 'string' ? value : '');
        return {
          username: text(fields[skin.usernameField] ?? fields.username),
          password: text(fields[skin.passwordField] ?? fields.password),
        };
      }
    } catch {
      // Not JSON after all: read it as a form below, like a lenient server would.
    }
  }
  const form = new URLSearchParams(body);
  return {
    username: form.get(skin.usernameField) ?? form.get('username') ?? '',
    password: form.get(skin.passwordField) ?? form.get('password') ?? '',
  };
}

/** Credentials from an "Authorization: Basic" header, which scanners try on admin pages. */
function basicLoginOf(header: string | undefined): Login | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const defaultCertificates = new TlsCertificates();

export const httpHoneypot: HoneypotFactory = (context, listen) =>
  startHttpHoneypot(context, listen, {});

export async function startHttpHoneypot(
  context: Parameters<HoneypotFactory>[0],
  listen: Parameters<HoneypotFactory>[1],
  options: { readonly certificates?: TlsCertificateSource },
): ReturnType<HoneypotFactory> {
  const { limits, persona } = context;
  const tls = persona.extra['tls'];
  if (tls !== undefined && tls !== 'self-signed') {
    throw new Error(
      `http decoy ${context.decoyId}: persona.extra.tls: "${tls}" is not "self-signed"`,
    );
  }
  const skin = skinOf(persona.extra.skin);
  // Only what a header value may hold (a bad persona must not make every answer throw).
  const serverHeader =
    persona.banner
      .replace(/[^\x20-\x7e]/g, '')
      .trim()
      .slice(0, 200) || skin.defaultServer;
  const guard = new ConnectionGuard({
    protocol: 'http',
    limits,
    recorder: context.recorder,
    logger: context.logger,
  });
  const connections = new WeakMap<Socket | Duplex, GuardedConnection>();
  const rate = new SourceRequestRate(MAX_REQUESTS_PER_SOURCE_PER_SECOND, 1000);
  // Slowloris: a request's headers must arrive within the idle limit, the whole request in twice.
  const headersTimeoutMs = Math.min(limits.idleTimeoutMs, 60_000);

  const recordLogin = (connection: GuardedConnection, login: Login, via: string): void => {
    const username = bounded(login.username, 256);
    const honeytokenId = context.credentials(login.username, login.password);
    if (honeytokenId !== undefined) {
      connection.record(InteractionKind.INTERACTION_KIND_TOKEN_USE, {
        username,
        request: via,
        honeytokenId,
      });
    } else {
      connection.record(InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT, {
        username,
        request: `${via} password: ${bounded(login.password, 256)}`,
      });
    }
  };

  /** Answers; with closeReason, closes the connection after the answer, for that reason. */
  const send = (res: ServerResponse, status: number, body: string, closeReason?: string): void => {
    const bytes = Buffer.from(body, 'utf8');
    if (closeReason !== undefined) connections.get(res.req.socket)?.closing(closeReason);
    res.writeHead(status, {
      Server: serverHeader,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': bytes.length,
      'Cache-Control': 'no-store',
      ...(closeReason !== undefined ? { Connection: 'close' } : {}),
    });
    res.end(res.req.method === 'HEAD' ? undefined : bytes);
  };
  const tooLarge = (res: ServerResponse): void =>
    send(res, 413, ERROR_PAGES[413], CloseReason.RequestTooLarge);

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const connection = connections.get(req.socket);
    if (connection === undefined) return void req.socket.destroy();
    if (!rate.allow(connection.source.ip, Date.now())) {
      res.setHeader('Retry-After', '1');
      return send(res, 429, ERROR_PAGES[429], CloseReason.RateLimit);
    }
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const userAgent = req.headers['user-agent'];
    if (userAgent !== undefined) connection.clientSoftware = bounded(userAgent, 256);
    connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
      request: bounded(`${method} ${req.url ?? '/'}`),
    });
    const basic = basicLoginOf(req.headers.authorization);
    if (basic) recordLogin(connection, basic, `${method} ${path} basic`);
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      req.resume();
      return tooLarge(res);
    }

    if (method === 'POST' && (path === skin.loginPath || path === '/login')) {
      const chunks: Buffer[] = [];
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      req.on('end', () => {
        if (received > MAX_BODY_BYTES) return tooLarge(res);
        const body = Buffer.concat(chunks).toString('utf8');
        recordLogin(
          connection,
          loginOf(skin, req.headers['content-type'] ?? '', body),
          `${method} ${path}`,
        );
        send(res, skin.failedStatus, skin.page(persona.hostname, true));
      });
      return;
    }
    req.resume();
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
      res.setHeader('Allow', 'GET, HEAD, POST');
      return send(res, 405, ERROR_PAGES[405]);
    }
    if (path === '/' || path === '/login' || path === skin.loginPath || path === '/index.html') {
      return send(
        res,
        basic ? skin.failedStatus : 200,
        skin.page(persona.hostname, basic !== undefined),
      );
    }
    send(res, 404, ERROR_PAGES[404]);
  };

  const serverOptions = {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: headersTimeoutMs,
    requestTimeout: headersTimeoutMs * 2,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    // No keep-alive timer (and no Keep-Alive header): the guard's idle limit closes idle sockets.
    keepAliveTimeout: 0,
    requireHostHeader: false,
  };
  const server =
    tls === undefined
      ? createServer(serverOptions, serve)
      : createHttpsServer(
          {
            ...serverOptions,
            ...(await (options.certificates ?? defaultCertificates).forDecoy(
              context.decoyId,
              persona.hostname,
            )),
            handshakeTimeout: headersTimeoutMs,
          },
          serve,
        );
  // Over TLS, requests arrive on the TLS socket the server wraps around the TCP one it accepted:
  // the guard holds the TCP socket, found again by the client's address and port.
  const byPeer = new Map<string, GuardedConnection>();
  const peerOf = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
  server.on('connection', (socket: Socket) => {
    const connection = guard.admit(socket);
    if (!connection) return;
    connections.set(socket, connection);
    if (tls === undefined) return;
    const peer = peerOf(socket);
    byPeer.set(peer, connection);
    socket.once('close', () => byPeer.delete(peer));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const connection = byPeer.get(peerOf(socket));
    if (connection) connections.set(socket, connection);
  });
  // A client that speaks no TLS, or gives up in the handshake: recorded, the connection closed.
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    byPeer.get(peerOf(socket))?.record(InteractionKind.INTERACTION_KIND_COMMAND, {
      request: bounded(`TLS handshake failed (${err.code ?? err.message})`, 200),
    });
    socket.destroy();
  });
  // A body too large for the limit is refused (413) before the client sends it: no 100 Continue.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) <= MAX_BODY_BYTES) res.writeContinue();
    serve(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const connection = connections.get(socket);
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
    if (connection && err.code !== 'ECONNRESET') {
      connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
        request: `invalid request (${status} ${STATUS_LINES[status]})`,
        payloadSample: connection.payloadSample(),
      });
    }
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    connection?.closing(CloseReason.ProtocolError);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_LINES[status]}\r\nServer: ${serverHeader}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
  });

  const port = await listenOn(server, listen);
  context.logger.info(
    { decoy: context.decoyId, port, skin: skin.name },
    `http honeypot listening on port ${port}`,
  );
  return {
    port,
    connections: () => guard.connections(),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await guard.closeAll();
      await closed;
    },
  };
}
