// The HTTP side of every service: GET /metrics for Prometheus, /healthz for liveness (answers while
// the process runs) and /readyz for readiness (503 with the components that are not ready).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { Code, OmegaError, errorMessage } from './errors';
import type { Logger } from './logger';
import type { Readiness } from './readiness';

export interface MetricsServerOptions {
  registry: Registry;
  readiness: Readiness;
  logger?: Logger;
}

export class MetricsServer {
  private readonly server: Server;

  constructor(private readonly opts: MetricsServerOptions) {
    this.server = createServer((req, res) => {
      this.answer(req, res).catch((err: unknown) => {
        opts.logger?.error({ err, path: req.url }, 'metrics server: answering failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`internal error: ${errorMessage(err)}\n`);
      });
    });
  }

  /** Binds and resolves with the port actually bound (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) =>
        reject(
          new OmegaError(
            Code.Unavailable,
            `http: cannot listen on ${host}:${port}: ${err.message}`,
            {
              cause: err,
            },
          ),
        );
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting; resolves once open requests are answered. Idle keep-alive sockets close now. */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeIdleConnections();
    });
  }

  /** Drops every connection, answered or not. */
  forceClose(): void {
    this.server.closeAllConnections();
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/metrics': {
        const body = await this.opts.registry.metrics();
        res.writeHead(200, { 'content-type': this.opts.registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      case '/healthz':
        sendJson(req, res, 200, { status: 'ok' });
        return;
      case '/readyz': {
        const { readiness } = this.opts;
        if (readiness.isReady()) sendJson(req, res, 200, { ready: true });
        else sendJson(req, res, 503, { ready: false, notReady: readiness.notReady() });
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`not found: ${path}; try /metrics, /healthz or /readyz\n`);
    }
  }
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
}
