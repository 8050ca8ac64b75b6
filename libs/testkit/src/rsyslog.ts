// A real rsyslog (Debian's rsyslogd) on free loopback UDP and TCP ports with its own config and
// work dir, writing every message it parses to one file, one line each, in a template that shows
// how it read the RFC 5424 fields: for specs of syslog senders.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';
import { ChildServer } from './child-server';
import { freePort } from './free-port';
import { createTestCertificates } from './kafka-tls';

export const RSYSLOGD_BINARY = '/usr/sbin/rsyslogd';

/** How rsyslog read one message: its properties, as the template below writes them. */
export interface RsyslogMessage {
  pri: number;
  /** `timereported` as RFC 3339. */
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  msg: string;
  /** `imudp` or `imtcp`: the input that received it. */
  input: string;
}

export interface RsyslogOptions {
  /**
   * Also listen with TLS (RFC 5425, rsyslog's gtls driver, package rsyslog-gnutls) on another free
   * port, with a certificate for 127.0.0.1 signed by a throwaway CA (made with openssl).
   */
  tls?: boolean;
  readyTimeoutMs?: number;
}

export interface Rsyslog {
  readonly udpPort: number;
  readonly tcpPort: number;
  /** The TLS port (0 without `tls`). */
  readonly tlsPort: number;
  /** The CA certificate (PEM) that signed the TLS listener's certificate ('' without `tls`). */
  readonly tlsCaPem: string;
  /** Messages written so far, in order. */
  messages(): Promise<RsyslogMessage[]>;
  stop(): Promise<void>;
}

// Each message rsyslog parsed, as one JSON object per line (property names as RsyslogMessage's).
const PROPERTIES: [string, string][] = [
  ['pri', 'pri'],
  ['timestamp', 'timereported'],
  ['hostname', 'hostname'],
  ['appName', 'app-name'],
  ['procId', 'procid'],
  ['msgId', 'msgid'],
  ['structuredData', 'structured-data'],
  ['msg', 'msg'],
  ['input', 'inputname'],
];

function config(dir: string, udpPort: number, tcpPort: number, tlsPort: number): string {
  const properties = PROPERTIES.map(
    ([out, name]) =>
      `  property(outname="${out}" name="${name}" format="jsonf"${name === 'timereported' ? ' dateFormat="rfc3339"' : ''})`,
  );
  const tls = tlsPort
    ? ` DefaultNetstreamDriverCAFile="${join(dir, 'ca.pem')}" DefaultNetstreamDriverCertFile="${join(dir, 'server.pem')}" DefaultNetstreamDriverKeyFile="${join(dir, 'server.key')}"`
    : '';
  const tlsInput = tlsPort
    ? `input(type="imtcp" address="127.0.0.1" port="${tlsPort}" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")\n`
    : '';
  return `global(workDirectory="${dir}" maxMessageSize="64k"${tls})
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="${udpPort}")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}")
${tlsInput}template(name="fields" type="list" option.jsonf="on") {
${properties.join('\n')}
}
action(type="omfile" file="${join(dir, 'messages')}" template="fields")
`;
}

export async function startRsyslog(options: RsyslogOptions = {}): Promise<Rsyslog> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  if (!existsSync(RSYSLOGD_BINARY)) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${RSYSLOGD_BINARY} is missing: apt-get install rsyslog (.ci/run installs it)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'omega-rsyslog-'));
  const udpPort = await freePort();
  const tcpPort = await freePort();
  const tlsPort = options.tls ? await freePort() : 0;
  const tlsCaPem = options.tls ? (await createTestCertificates(dir)).caPem : '';
  const conf = join(dir, 'rsyslog.conf');
  await writeFile(conf, config(dir, udpPort, tcpPort, tlsPort));
  const server = new ChildServer('rsyslogd', RSYSLOGD_BINARY, [
    '-n',
    '-f',
    conf,
    '-i',
    join(dir, 'rsyslogd.pid'),
  ]);
  server.start();
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const deadline = Date.now() + readyTimeoutMs; ;) {
      server.assertAlive();
      if ((await accepts(tcpPort)) && (!tlsPort || (await accepts(tlsPort)))) break;
      if (Date.now() > deadline) {
        throw new OmegaError(
          Code.DeadlineExceeded,
          `rsyslogd not listening on 127.0.0.1:${tcpPort} within ${readyTimeoutMs} ms; its log ends with:\n${server.logTail(20)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    udpPort,
    tcpPort,
    tlsPort,
    tlsCaPem,
    async messages() {
      const text = await readFile(join(dir, 'messages'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const read = JSON.parse(line) as Record<string, string>;
          return { ...read, pri: Number(read['pri']) } as unknown as RsyslogMessage;
        });
    },
    stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
