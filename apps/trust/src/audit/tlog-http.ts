// The log over HTTP in the C2SP tlog-tiles layout: checkpoint, tile/<L>/<N>[.p/<W>], tile/entries/<N>.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { entryBundlePath, parseTilePath, tilePath, TILE_WIDTH } from '@omega/auditlog';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { AuditLog } from './audit-log';
import type { TileStore } from './tile-store';

/**
 * A read-only file tree: `GET /checkpoint` (the latest signed note, never cached long) and the
 * immutable tiles and entry bundles (cached forever, as tlog-tiles allows). The runtime's HTTP
 * server takes no extra routes, so this listens on its own port (config `trust.tlogPort`).
 */
export class TlogHttpServer {
  private readonly server: Server;

  constructor(
    private readonly log: AuditLog,
    private readonly tiles: TileStore,
    private readonly logger: Logger,
  ) {
    this.server = createServer((req, res) => {
      this.answer(req, res).catch((err: unknown) => {
        const status = httpStatus(err);
        if (status >= 500) logger.error({ err, path: req.url }, 'tlog http: answering failed');
        if (!res.headersSent)
          res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${errorMessage(err)}\n`);
      });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) =>
        reject(
          new OmegaError(
            Code.Unavailable,
            `tlog http: cannot listen on ${host}:${port}: ${err.message}`,
            {
              cause: err,
            },
          ),
        );
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const bound = (this.server.address() as AddressInfo).port;
        this.logger.info({ port: bound }, 'tlog http listening');
        resolve(bound);
      });
    });
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeIdleConnections();
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!.replace(/^\/+/, '');
    if (path === 'checkpoint') {
      send(req, res, this.log.latestCheckpoint.note, 'text/plain; charset=utf-8', 'no-cache');
      return;
    }
    const resource = parseTilePath(path);
    const size = this.log.latestCheckpoint.size;
    if (resource.kind === 'entries') {
      const { index, width } = resource.bundle;
      if (index * TILE_WIDTH + width > size) throw beyond(path, size);
      const bytes = await this.tiles.get(entryBundlePath(resource.bundle));
      send(req, res, bytes, 'application/octet-stream', IMMUTABLE);
      return;
    }
    const { level, index, width } = resource.tile;
    if ((index * TILE_WIDTH + width) * TILE_WIDTH ** level > size) throw beyond(path, size);
    send(
      req,
      res,
      await this.tiles.get(tilePath(resource.tile)),
      'application/octet-stream',
      IMMUTABLE,
    );
  }
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

function beyond(path: string, size: number): OmegaError {
  return new OmegaError(Code.NotFound, `${path}: beyond the latest checkpoint (size ${size})`);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  body: string | Uint8Array,
  contentType: string,
  cacheControl: string,
): void {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': cacheControl });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function httpStatus(err: unknown): number {
  if (!(err instanceof OmegaError)) return 500;
  if (err.code === Code.NotFound) return 404;
  if (err.code === Code.InvalidArgument) return 400;
  return 500;
}
