// Test-only: curl (the binary) against an HTTPS endpoint, and Connect's streaming envelope (one
// flag byte, a 4-byte big-endian length, the message), for specs of the gateway's web port.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CurlAnswer {
  /** `HTTP/2` or `HTTP/1.1`. */
  readonly protocol: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** `curl <args> <url>`, verifying the server with `caFile`; its files go under `scratchDir`. */
export function curl(
  url: string,
  args: readonly string[],
  options: { caFile: string; scratchDir: string },
): Promise<CurlAnswer> {
  const dir = mkdtempSync(join(options.scratchDir, 'curl-'));
  const headersFile = join(dir, 'headers');
  const bodyFile = join(dir, 'body');
  const argv = [
    '--silent',
    '--show-error',
    '--cacert',
    options.caFile,
    '--dump-header',
    headersFile,
    '--output',
    bodyFile,
    ...args,
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile('curl', argv, { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err !== null) {
        reject(new Error(`curl ${argv.join(' ')}: ${stderr}`, { cause: err }));
        return;
      }
      // The last response's head (a 100 Continue may come first).
      const heads = readFileSync(headersFile, 'utf8')
        .trim()
        .split(/\r?\n\r?\n/);
      const [statusLine = '', ...lines] = (heads.at(-1) ?? '').split(/\r?\n/);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      const [protocol = '', status = ''] = statusLine.split(' ');
      resolve({
        protocol,
        status: Number(status),
        headers,
        body: existsSync(bodyFile) ? readFileSync(bodyFile) : Buffer.alloc(0),
      });
    });
  });
}

/** A Connect streaming body or answer: frames of flags (1 byte), length (4, big-endian), data. */
export function envelope(flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
}

/** The frames of a Connect streaming answer. */
export function frames(body: Buffer): { flags: number; data: Buffer }[] {
  const out: { flags: number; data: Buffer }[] = [];
  for (let at = 0; at < body.length;) {
    const length = body.readUInt32BE(at + 1);
    out.push({ flags: body[at] ?? 0, data: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return out;
}
