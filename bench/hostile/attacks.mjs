// The attacks of bench/hostile, each against one service's real gRPC port: oversized and malformed
// requests written as raw HTTP/2 frames (so nothing on the client side shapes or refuses them), a
// gzip bomb, and a flood of idle TCP connections from many loopback source addresses.
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { gzipSync } from 'node:zlib';

export const MiB = 1024 * 1024;

/** A protobuf field 15 (unknown to every request type, so skipped by a decoder) of `bytes` bytes. */
export function unknownFieldOf(bytes) {
  const varint = [];
  let n = bytes;
  while (n >= 0x80) {
    varint.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  varint.push(n);
  const out = Buffer.alloc(1 + varint.length + bytes, 0x61);
  out[0] = (15 << 3) | 2;
  Buffer.from(varint).copy(out, 1);
  return out;
}

/** Field 1, length-delimited, claiming 16 bytes of which only one follows: no decoder accepts it. */
export const TRUNCATED_MESSAGE = Buffer.from([0x0a, 0x10, 0x41]);

/**
 * Calls `path` on 127.0.0.1:`port` with `message` as the request, framed by hand; answers the
 * status the server gave ({ code, message }), how many request bytes it took before answering, and
 * how long the call took. `compressed` sends the message gzip-compressed with the compressed flag.
 */
export function rawUnary(port, path, message, { compressed = false, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const session = http2Connect(`http://127.0.0.1:${port}`);
    let settled = false;
    let sentBytes = 0;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve({ ...result, sentBytes, ms: performance.now() - started });
    };
    const timer = setTimeout(
      () => finish({ code: 'timeout', message: `no status in ${timeoutMs} ms` }),
      timeoutMs,
    );
    session.on('error', (err) => finish({ code: 'session error', message: err.message }));
    const headers = {
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...(compressed ? { 'grpc-encoding': 'gzip' } : {}),
    };
    const stream = session.request(headers);
    let status;
    const statusFrom = (h) => {
      if (h['grpc-status'] !== undefined) {
        status = {
          code: Number(h['grpc-status']),
          message: decodeURIComponent(String(h['grpc-message'] ?? '')),
        };
        // The server has answered (a refusal can come before the request is fully sent, and the
        // stream then stays half-open on our side): that is the result.
        finish(status);
      }
    };
    stream.on('response', statusFrom);
    stream.on('trailers', statusFrom);
    stream.on('data', () => {});
    stream.on('error', () => {});
    stream.on('close', () =>
      finish(
        status ?? {
          code: 'closed',
          message: `stream closed without a gRPC status (RST_STREAM ${stream.rstCode})`,
        },
      ),
    );
    const frame = Buffer.alloc(5);
    frame[0] = compressed ? 1 : 0;
    frame.writeUInt32BE(message.length, 1);
    // Write in 1 MiB pieces, honouring back-pressure, and stop once the server has answered.
    (async () => {
      const pieces = [frame];
      for (let at = 0; at < message.length; at += MiB) pieces.push(message.subarray(at, at + MiB));
      for (const piece of pieces) {
        if (settled || stream.destroyed || status !== undefined) return;
        sentBytes += piece.length;
        if (!stream.write(piece)) {
          await new Promise((r) => {
            stream.once('drain', r);
            stream.once('close', r);
          });
        }
      }
      if (!stream.destroyed) stream.end();
    })().catch(() => {});
  });
}

const HTTP2_GREETING = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/** 100 MiB of zeros, gzip-compressed (about 100 KiB on the wire). */
export function gzipBomb(bytes = 100 * MiB) {
  return gzipSync(Buffer.alloc(bytes), { level: 9 });
}

/**
 * Opens `attempts` TCP connections to `port`, `perAddress` from each of the loopback source
 * addresses 127.1.x.y, at most `concurrency` connecting at once, sending nothing. Connections the
 * server closes are refused; those still open `settleMs` after the last attempt are admitted and
 * are held for `holdMs` before being closed. `greet` sends the HTTP/2 greeting first (then nothing).
 */
export async function idleFlood(
  port,
  {
    attempts,
    perAddress,
    concurrency = 400,
    settleMs = 1_000,
    holdMs = 3_000,
    greet = false,
    during,
  },
) {
  const open = new Set();
  let closedByServer = 0;
  let connectErrors = 0;
  let firstConnectError;
  let next = 0;
  const sourceOf = (i) => {
    const a = Math.floor(i / perAddress);
    return `127.1.${Math.floor(a / 250)}.${(a % 250) + 1}`;
  };
  const one = (i) =>
    new Promise((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port, localAddress: sourceOf(i) });
      let connected = false;
      // Read (and drop) the server's HTTP/2 SETTINGS, so that its closing the socket is seen.
      socket.resume();
      socket.on('connect', () => {
        connected = true;
        // An HTTP/2 client's greeting (preface and an empty SETTINGS frame), then silence: what an
        // idle but well-formed gRPC client looks like.
        if (greet) socket.write(HTTP2_GREETING);
        open.add(socket);
        resolve();
      });
      socket.on('error', (err) => {
        if (!connected) {
          connectErrors++;
          firstConnectError ??= `${err.code ?? ''} ${err.message}`.trim();
          resolve();
        }
      });
      socket.on('close', () => {
        if (open.delete(socket) && !socket.localClosing) closedByServer++;
      });
    });
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < attempts) await one(next++);
  });
  await Promise.all(workers);
  await new Promise((r) => setTimeout(r, settleMs));
  const admitted = open.size;
  const duringResult = during ? await during() : undefined;
  await new Promise((r) => setTimeout(r, holdMs));
  const stillOpen = open.size;
  for (const socket of open) {
    socket.localClosing = true;
    socket.destroy();
  }
  return {
    attempts,
    sourceAddresses: Math.ceil(attempts / perAddress),
    admitted,
    stillOpenAfterHold: stillOpen,
    closedByServer,
    connectErrors,
    firstConnectError,
    during: duringResult,
  };
}
