// The syslog output's transports: RFC 5424 messages over UDP (RFC 5426, one datagram each), TCP
// with octet-counting framing (RFC 6587) or TLS (RFC 5425, the same framing). The stream
// connection is kept and reopened after any error; a send completes when the bytes are written.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import type { Alert } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { AlertSink } from './output-queue';
import type { OutputConfigOf } from './outputs-config';
import { syslogMessage, type SyslogHeader } from './syslog-message';

export function syslogSink(output: OutputConfigOf<'syslog'>): AlertSink {
  const where = `output ${output.name} (syslog ${output.protocol}://${output.host}:${output.port})`;
  const header: SyslogHeader = {
    facility: output.facility,
    hostname: hostname(),
    appName: output.appName,
    procId: String(process.pid),
  };
  const failure = (err: unknown, signal: AbortSignal): OmegaError =>
    err instanceof OmegaError
      ? err
      : new OmegaError(
          signal.aborted ? Code.DeadlineExceeded : Code.Unavailable,
          `${where}: ${errorMessage(err)}`,
          {
            cause: err,
          },
        );
  if (output.protocol === 'udp') {
    let socket: UdpSocket | undefined;
    return {
      async send(alert: Alert, signal: AbortSignal) {
        const message = syslogMessage(alert, header);
        socket ??= createSocket(output.host.includes(':') ? 'udp6' : 'udp4');
        const udp = socket;
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void =>
            reject(failure(new Error('send timed out or cut off'), signal));
          signal.addEventListener('abort', onAbort, { once: true });
          udp.send(message, output.port, output.host, (err) => {
            signal.removeEventListener('abort', onAbort);
            if (err) reject(failure(err, signal));
            else resolve();
          });
        });
      },
      async close() {
        socket?.close();
        socket = undefined;
      },
    };
  }
  let stream: Promise<Socket> | undefined;
  const open = async (signal: AbortSignal): Promise<Socket> => {
    const ca =
      output.protocol === 'tls' && output.caFile
        ? [await readFile(output.caFile, 'utf8')]
        : undefined;
    return new Promise<Socket>((resolve, reject) => {
      const socket =
        output.protocol === 'tls'
          ? tlsConnect({
              host: output.host,
              port: output.port,
              // SNI carries names only (RFC 6066); an address is checked against the IP SANs.
              ...(isIP(output.host) ? {} : { servername: output.host }),
              ...(ca ? { ca } : {}),
            })
          : netConnect({ host: output.host, port: output.port });
      const ready = output.protocol === 'tls' ? 'secureConnect' : 'connect';
      const onAbort = (): void => {
        socket.destroy();
        reject(new Error('connect timed out or cut off'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      });
      socket.once(ready, () => {
        signal.removeEventListener('abort', onAbort);
        socket.setKeepAlive(true);
        // A later error or close makes the next send reconnect.
        socket.on('error', () => undefined);
        socket.once('close', () => {
          if (stream === opened) stream = undefined;
        });
        resolve(socket);
      });
    });
  };
  let opened: Promise<Socket> | undefined;
  return {
    async send(alert: Alert, signal: AbortSignal) {
      const message = syslogMessage(alert, header);
      // RFC 6587 octet counting: "<length> <message>".
      const frame = Buffer.concat([Buffer.from(`${message.length} `), message]);
      try {
        if (!stream) stream = opened = open(signal);
        const socket = await stream;
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => {
            socket.destroy();
            reject(new Error('write timed out or cut off'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
          socket.write(frame, (err) => {
            signal.removeEventListener('abort', onAbort);
            if (err) reject(err);
            else resolve();
          });
        });
      } catch (err) {
        const broken = stream;
        stream = undefined;
        void broken?.then((s) => s.destroy()).catch(() => undefined);
        throw failure(err, signal);
      }
    },
    async close() {
      const current = stream;
      stream = undefined;
      const socket = await current?.catch(() => undefined);
      if (socket) await new Promise<void>((resolve) => socket.end(resolve));
    },
  };
}
