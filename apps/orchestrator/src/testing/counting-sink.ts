// Test-only: a webhook receiver that applies each side effect once per Idempotency-Key (as an
// idempotent API does) and counts every call, so a test can tell "ran" from "took effect".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingSink {
  readonly url: string;
  /** Idempotency key → times the effect was applied (1 when idempotency held). */
  readonly effects: Map<string, number>;
  /** Idempotency key → calls received (retries and resumed steps included). */
  readonly calls: Map<string, number>;
  /** Bodies of the calls, in arrival order. */
  readonly bodies: { key: string; text: string }[];
  /** HTTP status to answer for a key prefix (default 200). */
  failFor(prefix: string, status: number): void;
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  const effects = new Map<string, number>();
  const calls = new Map<string, number>();
  const bodies: { key: string; text: string }[] = [];
  const failures: [string, number][] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      calls.set(key, (calls.get(key) ?? 0) + 1);
      const failing = failures.find(([prefix]) => key.startsWith(prefix));
      if (failing) {
        res.statusCode = failing[1];
        res.end('sink refuses');
        return;
      }
      if (!effects.has(key)) {
        effects.set(key, 1);
        bodies.push({ key, text: (JSON.parse(body) as { text: string }).text });
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    effects,
    calls,
    bodies,
    failFor: (prefix, status) => void failures.push([prefix, status]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
