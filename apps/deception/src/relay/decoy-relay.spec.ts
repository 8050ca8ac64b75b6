// A decoy pod's relay in front of deception's relay listener and the decoy's honeypot, on a real
// nats-server, driven by the real curl: each interaction lands on DECEPTION with the client's own
// address and port (curl's --local-port), not the relay hop's; the listener closes anything that
// is not a complete PROXY v2 header with a known route from a relay address.
import { connect, type Socket } from 'node:net';
import { connectBus, provision, type Bus } from '@omega/bus';
import { PROXY_V2_SIGNATURE, encodeProxyV2 } from '@omega/proxy-protocol';
import { Decoy, DecoyKind, DecoyStatus, Event } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { freePort, withNats } from '@omega/testkit';
import { httpHoneypot } from '../honeypots/http-honeypot';
import { runClient } from '../testing/client-process';
import { relayFlags } from '../relay-main';
import { RelayedHoneypots, routeOf } from './relayed-honeypots';
import { startRelayListener, type RelayListener } from './relay-listener';
import { SourceTable } from './source-table';
import { ROUTE_TLV, startTcpRelay, type TcpRelay } from './tcp-relay';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'deception', level: 'silent' });
const decoy = Decoy.fromPartial({
  id: 'dc-0a1b2c3d4e5f',
  status: DecoyStatus.DECOY_STATUS_RUNNING,
  spec: { kind: DecoyKind.DECOY_KIND_HTTP, name: 'shop-admin-api', namespace: 'shop', port: 8080 },
});
let bus: Bus;
let honeypots: RelayedHoneypots;
let listener: RelayListener;
let relay: TcpRelay;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'decoy-relay-spec', logger });
  await provision(bus, { streams: ['DECEPTION'] });
  const sources = new SourceTable();
  honeypots = new RelayedHoneypots({
    bus,
    factories: new Map([[DecoyKind.DECOY_KIND_HTTP, httpHoneypot]]),
    credentials: () => undefined,
    sources,
    node: 'vm',
    logger,
  });
  await honeypots.start(decoy);
  listener = await startRelayListener({
    listen: { host: '127.0.0.1', port: 0 },
    relaySources: ['127.0.0.0/8'],
    honeypotPort: (route) => honeypots.portOf(route),
    sources,
    headerTimeoutMs: 300,
    logger,
  });
  relay = await startTcpRelay({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: { host: '127.0.0.1', port: listener.port },
    route: routeOf(decoy.id),
  });
});

nats.beforeStop(async () => {
  for (const close of closers) await close();
  await relay?.close();
  await listener?.close();
  await honeypots?.stopAll();
  await bus?.drain();
});

async function interactions(): Promise<Event[]> {
  const consumer = await bus.js.consumers.get('DECEPTION', {
    filter_subjects: [`omega.deception.${decoy.id}`],
  });
  const events: Event[] = [];
  for (;;) {
    const message = await consumer.next({ expires: 1_000 });
    if (message === null) return events;
    events.push(Event.decode(message.data));
  }
}

/** Sends `bytes` to `port` and resolves with what came back once the other side closed. */
function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the decoy relay', () => {
  it('reports each request through the relay with the client’s own address and port', async () => {
    const clientPort = await freePort();
    const curl = await runClient('curl', [
      '-s',
      '--local-port',
      String(clientPort),
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `http://127.0.0.1:${relay.port}/admin/login`,
    ]);
    expect(curl.stdout).toMatch(/^[0-9]{3}$/);
    expect(curl.stdout).not.toBe('000');
    let events: Event[] = [];
    for (let i = 0; i < 20 && !events.some((e) => e.message.includes('/admin/login')); i++) {
      events = await interactions();
    }
    expect(events.some((e) => e.message.includes('GET /admin/login'))).toBe(true);
    for (const event of events)
      expect(event.srcEndpoint).toMatchObject({ ip: '127.0.0.1', port: clientPort });
  });

  it('closes, answering nothing, what is not a PROXY v2 header with a known route', async () => {
    expect(await exchange(listener.port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe(
      '',
    );
    const header = (route: string) =>
      encodeProxyV2({
        command: 'PROXY',
        family: 'INET',
        transport: 'STREAM',
        source: { ip: '203.0.113.9', port: 4444 },
        destination: { ip: '10.244.1.7', port: 8080 },
        tlvs: [{ type: ROUTE_TLV, value: Buffer.from(route) }],
      });
    const request = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await exchange(listener.port, Buffer.concat([header('ffffffffffff'), request]))).toBe(
      '',
    );
    const noRoute = encodeProxyV2({
      command: 'LOCAL',
      family: 'UNSPEC',
      transport: 'UNSPEC',
      tlvs: [],
    });
    expect(await exchange(listener.port, Buffer.concat([noRoute, request]))).toBe('');
    // Half a header, then silence: closed once the header's time is up.
    expect(await exchange(listener.port, PROXY_V2_SIGNATURE.subarray(0, 8))).toBe('');
    // The right route answers.
    expect(
      await exchange(
        listener.port,
        Buffer.concat([header(routeOf(decoy.id)), Buffer.from('GET / HTTP/1.0\r\n\r\n')]),
      ),
    ).toMatch(/^HTTP\/1\.[01] /);
    // ... and is recorded as coming from the client the header names.
    let events: Event[] = [];
    for (let i = 0; i < 20 && !events.some((e) => e.srcEndpoint?.ip === '203.0.113.9'); i++) {
      events = await interactions();
    }
    expect(events.find((e) => e.srcEndpoint?.ip === '203.0.113.9')?.srcEndpoint).toMatchObject({
      ip: '203.0.113.9',
      port: 4444,
    });
  });

  it('closes a connection from outside the relay sources before reading anything', async () => {
    const strict = await startRelayListener({
      listen: { host: '127.0.0.1', port: 0 },
      relaySources: ['10.0.0.0/8'],
      honeypotPort: (route) => honeypots.portOf(route),
      sources: new SourceTable(),
      logger,
    });
    closers.push(() => strict.close());
    const header = encodeProxyV2({
      command: 'PROXY',
      family: 'INET',
      transport: 'STREAM',
      source: { ip: '203.0.113.9', port: 4444 },
      destination: { ip: '10.244.1.7', port: 8080 },
      tlvs: [{ type: ROUTE_TLV, value: Buffer.from(routeOf(decoy.id)) }],
    });
    expect(
      await exchange(strict.port, Buffer.concat([header, Buffer.from('GET / HTTP/1.0\r\n\r\n')])),
    ).toBe('');
  });

  it('takes its settings from flags only, refusing what it does not know', () => {
    expect(relayFlags(['--listen=:6379', '--upstream=10.96.0.40:50060', '--route=0a1b'])).toEqual({
      listen: ':6379',
      upstream: '10.96.0.40:50060',
      route: '0a1b',
    });
    expect(() => relayFlags(['--listen=:6379', '--token=x'])).toThrow(
      /unknown argument "--token=x"/,
    );
    expect(() => relayFlags(['--listen=:6379'])).toThrow(/--upstream is required/);
  });
});
