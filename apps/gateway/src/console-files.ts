// The web console's files (apps/console/dist), served by the web port beside the browser protocol:
// read once at start (the bundle is small and never changes while the gateway runs), with a strict
// Content-Security-Policy (scripts, styles and calls from this origin only; no inline script), the
// hashed assets cached for a year as immutable and index.html revalidated on every load.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Code, OmegaError } from '@omega/runtime';

/** No inline script or style, no eval, no framing, no plug-ins; calls go to this origin only. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Hashed assets (`assets/index-1craOiUP.js`) never change under their name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: always revalidated, so a new release is picked up at once. */
export const REVALIDATE = 'no-cache';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};
/** `/<package>.<Service>/<Method>`: the browser protocol's paths. */
const METHOD_PATH = /^\/[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+\/[A-Za-z_]\w*$/;
/** The console's bundle is a few hundred KB: a directory far larger is not a console build. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_FILES = 1_000;

interface ConsoleFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly type: string;
  readonly cacheControl: string;
  readonly etag: string;
}

interface Req {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
}
interface Res {
  statusCode: number;
  setHeader(name: string, value: string | number): unknown;
  end(): unknown;
  end(body: Buffer | string): unknown;
}

export class ConsoleFiles {
  private constructor(
    private readonly files: ReadonlyMap<string, ConsoleFile>,
    readonly dir: string,
  ) {}

  /** Reads a console build; undefined when `dir` holds none (no index.html). */
  static load(dir: string): ConsoleFiles | undefined {
    if (!existsSync(join(dir, 'index.html'))) return undefined;
    const files = new Map<string, ConsoleFile>();
    let total = 0;
    const walk = (at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const path = join(at, entry.name);
        if (entry.isDirectory()) {
          walk(path);
          continue;
        }
        if (!entry.isFile()) continue;
        total += statSync(path).size;
        if (total > MAX_TOTAL_BYTES || files.size >= MAX_FILES) {
          throw new OmegaError(
            Code.InvalidArgument,
            `gateway.web.consoleDir ${dir}: over ${MAX_FILES} files or ${MAX_TOTAL_BYTES} bytes at ${path}`,
          );
        }
        const name = '/' + relative(dir, path).split(sep).join('/');
        const body = readFileSync(path);
        const type = TYPES[extname(name)] ?? 'application/octet-stream';
        const compressible = /^(text\/|application\/(json|wasm)|image\/svg)/.test(type);
        files.set(name, {
          body,
          gzip: compressible ? gzipSync(body) : undefined,
          type,
          cacheControl: name.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        });
      }
    };
    walk(dir);
    return new ConsoleFiles(files, dir);
  }

  get size(): number {
    return this.files.size;
  }

  /**
   * Answers a GET or HEAD for a console file (`/` is index.html), 404 for another path; false for
   * any other method and for a method's path, which the protocol's rules answer.
   */
  serve(req: Req, res: Res): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    const file = this.files.get(path === '/' ? '/index.html' : path);
    // A method's path (`/omega.v1.GatewayService/WhoAmI`) is the protocol's: POST only (405).
    if (file === undefined && METHOD_PATH.test(path)) return false;
    res.setHeader('content-security-policy', CONSOLE_CSP);
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    if (file === undefined) {
      const body = `${path}: no such file in the console`;
      res.statusCode = 404;
      res.setHeader('cache-control', 'no-store');
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('content-length', Buffer.byteLength(body));
      if (req.method === 'HEAD') res.end();
      else res.end(body);
      return true;
    }
    res.setHeader('cache-control', file.cacheControl);
    res.setHeader('content-type', file.type);
    res.setHeader('etag', file.etag);
    res.setHeader('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === file.etag) {
      res.statusCode = 304;
      res.end();
      return true;
    }
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const gzip = file.gzip !== undefined && /\bgzip\b/.test(accepts);
    const body = gzip ? file.gzip! : file.body;
    if (gzip) res.setHeader('content-encoding', 'gzip');
    res.statusCode = 200;
    res.setHeader('content-length', body.length);
    if (req.method === 'HEAD') res.end();
    else res.end(body);
    return true;
  }
}
