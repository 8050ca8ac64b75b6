// A plain node:http server on loopback standing in for a webhook destination: it records every
// request and answers with the status the spec scripts (200 by default).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /**
   * Status of each next answer, in order; then 200. `'hang'` never answers; `'huge'` answers 500
   * with a 64 MiB body.
   */
  answers: (number | 'hang' | 'huge')[];
  /** Answers every hanging request with 200. */
  release(): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging: (() => void)[] = [];
  const receiver = {
    url: '',
    requests,
    answers: [] as (number | 'hang' | 'huge')[],
    release(): void {
      for (const answer of hanging.splice(0)) answer();
    },
    close: (): Promise<void> => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = receiver.answers.shift() ?? 200;
      if (answer === 'huge') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        let left = 64;
        const more = (): void => {
          while (left > 0) {
            left--;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        res.on('error', () => undefined);
        more();
        return;
      }
      if (answer === 'hang') {
        hanging.push(() => res.writeHead(200).end('ok'));
        return;
      }
      res
        .writeHead(answer, { 'content-type': 'text/plain' })
        .end(answer === 200 ? 'ok' : `status ${answer}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      receiver.release();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
