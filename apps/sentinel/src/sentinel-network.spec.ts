// Real-kernel test of the network probes (flows, TCP state, DNS) and XDP stealth mode between two
// network namespaces, with tcpdump capturing the same interface as the second opinion on flows.
// Needs root, BTF, the bpf/ toolchain and tcpdump.
// Over 400 lines on purpose: one set of network namespaces and one loader in the kernel per file, shared by every live-traffic case.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type Bus } from '@omega/bus';
import { EventBatch, type Event } from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import { eventually, withNats } from '@omega/testkit';
import { buildSentinel, sentinelServiceConfigSchema, type SentinelParts } from './sentinel-service';
import { replayPackets } from './events/capture-replay';
import { readCapture } from './wire/pcap-reader';
import { DEFAULT_LOADER_PATH } from './sentinel-config';
import { buildLoader } from './testing/loader-build';

const NS_A = `omega-net-a-${process.pid}`;
const NS_B = `omega-net-b-${process.pid}`;
const ADDR_A = '10.198.0.1';
/** A second address in A that is not on the stealth allowlist. */
const ADDR_UNKNOWN = '10.198.0.3';
const ADDR_B = '10.198.0.2';
const DEV_B = 'omnetB';
const ADDR6_A = 'fd00:198::1';
const ADDR6_B = 'fd00:198::2';
const NODE = 'node-net-test';
const TCP_PORT = 9000;
const UDP_PORT = 9001;
const STEALTH_PORT = 7777;
const TCP_SENT_BYTES = 200_000;
const TCP_REPLY_BYTES = 1_234;
const UDP_DATAGRAMS = 10;
const UDP_PAYLOAD_BYTES = 700;
const tmp = mkdtempSync(join(tmpdir(), 'omega-sentinel-net-'));
const capturePath = join(tmp, 'live.pcap');

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** Runs a Node script inside a namespace; resolves with its stdout once it exits 0. */
function nodeIn(
  ns: string,
  script: string,
  args: string[] = [],
): ChildProcess & { done: Promise<string> } {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<string>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`script in ${ns} exited ${code}: ${err}`)),
    ),
  );
  done.catch(() => undefined); // servers are killed on purpose: only awaiters see the rejection
  return Object.assign(child, { done });
}

/** Waits for a line on a child's stdout (a server saying it listens). */
function lineFrom(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (c: Buffer): void => {
      text += c.toString();
      if (pattern.test(text)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
  });
}

const TCP_SERVER = `
const net = require('node:net');
const server = net.createServer((s) => {
  let got = 0;
  s.on('data', (d) => { got += d.length; if (got >= ${TCP_SENT_BYTES}) s.end(Buffer.alloc(${TCP_REPLY_BYTES}, 7)); });
});
server.listen(${TCP_PORT}, '${ADDR_B}', () => console.log('listening'));
`;
const TCP_CLIENT = `
const net = require('node:net');
const s = net.connect(${TCP_PORT}, '${ADDR_B}', () => s.write(Buffer.alloc(${TCP_SENT_BYTES}, 1)));
let got = 0;
s.on('data', (d) => (got += d.length));
s.on('end', () => { s.end(); console.log(JSON.stringify({ got, port: s.localPort })); });
`;
const UDP6_CLIENT = `
const dgram = require('node:dgram');
const s = dgram.createSocket('udp6');
s.bind(40006, '${ADDR6_A}', async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => s.send(Buffer.alloc(300, i), ${UDP_PORT}, '${ADDR6_B}', r));
  s.close();
});
`;
const UDP_CLIENT = `
const dgram = require('node:dgram');
const s = dgram.createSocket('udp4');
s.bind(40001, '${ADDR_A}', async () => {
  for (let i = 0; i < ${UDP_DATAGRAMS}; i++) await new Promise((r) => s.send(Buffer.alloc(${UDP_PAYLOAD_BYTES}, i), ${UDP_PORT}, '${ADDR_B}', r));
  s.close();
});
`;
const DNS_SERVER = `
const dgram = require('node:dgram');
const dns = require(${JSON.stringify(require.resolve('dns-packet'))});
const s = dgram.createSocket('udp4');
s.on('message', (m, from) => {
  const q = dns.decode(m);
  s.send(dns.encode({ type: 'response', id: q.id, flags: dns.AUTHORITATIVE_ANSWER, questions: q.questions,
    answers: [{ type: 'A', name: q.questions[0].name, ttl: 60, data: '10.1.2.3' }] }), from.port, from.address);
});
s.bind(53, '${ADDR_B}', () => console.log('listening'));
`;
const DNS_CLIENT = `
const dgram = require('node:dgram');
const dns = require(${JSON.stringify(require.resolve('dns-packet'))});
const s = dgram.createSocket('udp4');
s.on('message', (m) => { console.log(JSON.stringify(dns.decode(m).answers)); s.close(); });
s.send(dns.encode({ type: 'query', id: 777, flags: dns.RECURSION_DESIRED, questions: [{ type: 'A', name: 'probe.omega.test' }] }), 53, '${ADDR_B}');
setTimeout(() => process.exit(2), 3000).unref();
`;
/** Echoes each datagram on the protected port. */
const STEALTH_SERVER = `
const dgram = require('node:dgram');
const s = dgram.createSocket('udp4');
s.on('message', (m, from) => s.send(m, from.port, from.address));
s.bind(${STEALTH_PORT}, '${ADDR_B}', () => console.log('listening'));
`;
/** Sends one datagram from each of argv[2] fresh sockets (each a new session) as fast as it can. */
const STEALTH_CLIENT = `
const dgram = require('node:dgram');
const [from, count, wait] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
let replies = 0;
const sockets = [];
const started = process.hrtime.bigint();
(async () => {
  for (let i = 0; i < count; i++) {
    const s = dgram.createSocket('udp4');
    s.on('message', () => replies++);
    sockets.push(s);
    await new Promise((r) => s.bind(0, from, r));
    await new Promise((r) => s.send(Buffer.from('knock ' + i), ${STEALTH_PORT}, '${ADDR_B}', r));
  }
  const elapsedNs = Number(process.hrtime.bigint() - started);
  setTimeout(() => { console.log(JSON.stringify({ replies, elapsedNs })); for (const s of sockets) s.close(); }, wait);
})();
`;

const nats = withNats();
let running: RunningService<unknown>;
let parts: SentinelParts;
let bus: Bus;
const seen: Event[] = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'sentinel network spec: must run as root (CAP_BPF, CAP_NET_ADMIN); CI runs as root',
    );
  }
  if (spawnSync('tcpdump', ['--version']).status !== 0) {
    throw new Error(
      'sentinel network spec: tcpdump is missing (apt-get install -y --no-install-recommends tcpdump)',
    );
  }
  buildLoader('sentinel network spec');
  ip('netns', 'add', NS_A);
  ip('netns', 'add', NS_B);
  ip('link', 'add', 'omnetA', 'netns', NS_A, 'type', 'veth', 'peer', 'name', DEV_B, 'netns', NS_B);
  ip('-n', NS_A, 'addr', 'add', `${ADDR_A}/24`, 'dev', 'omnetA');
  ip('-n', NS_A, 'addr', 'add', `${ADDR_UNKNOWN}/24`, 'dev', 'omnetA');
  ip('-n', NS_B, 'addr', 'add', `${ADDR_B}/24`, 'dev', DEV_B);
  // nodad: usable at once, no duplicate address detection wait
  ip('-n', NS_A, 'addr', 'add', `${ADDR6_A}/64`, 'dev', 'omnetA', 'nodad');
  ip('-n', NS_B, 'addr', 'add', `${ADDR6_B}/64`, 'dev', DEV_B, 'nodad');
  for (const [ns, dev] of [
    [NS_A, 'omnetA'],
    [NS_B, DEV_B],
  ] as const) {
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  const configFile = join(tmp, 'sentinel.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      grpc: { port: 0, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      nats: { servers: [nats.url] },
      log: { level: 'warn' },
      sentinel: {
        node: NODE,
        mode: 'ebpf',
        loaderPath: DEFAULT_LOADER_PATH,
        dataDir: join(tmp, 'state'),
        flushIntervalMs: 20,
        xdp: [{ interface: DEV_B, mode: 'generic', netns: `/run/netns/${NS_B}` }],
        flows: {
          interfaces: [{ interface: DEV_B, netns: `/run/netns/${NS_B}` }],
          drainIntervalMs: 100,
          idleTimeoutMs: 600,
        },
        stealth: { ports: [STEALTH_PORT], allow: [`${ADDR_A}/32`] },
      },
    }),
  );
  running = await runService({
    name: 'sentinel',
    configSchema: sentinelServiceConfigSchema,
    resources: { streams: ['TELEMETRY', 'DLQ'], kv: ['omega_policy'] },
    env: { OMEGA_CONFIG_FILE: configFile },
    argv: [],
    installSignalHandlers: false,
    build: async (p) => {
      parts = await buildSentinel(p);
    },
  });
  nats.beforeStop(async () => {
    await bus?.drain();
    await running?.service.shutdown('test done');
  });
  bus = await connectBus({
    servers: [nats.url],
    name: 'sentinel-net-spec',
    logger: running.service.logger,
  });
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    filter_subjects: [`omega.telemetry.network.${NODE}`, `omega.telemetry.dns.${NODE}`],
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) seen.push(...EventBatch.decode(m.data).events);
  })();
}, 60_000);

afterAll(() => {
  for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns]);
}, 30_000);

interface Totals {
  bytesOut: number;
  bytesIn: number;
  packetsOut: number;
  packetsIn: number;
}

/** Live flow events summed per directed 5-tuple ("proto|src|sport|dst|dport"). */
function liveFlows(): Map<string, Totals> {
  const flows = new Map<string, Totals>();
  for (const e of seen) {
    if (e.payload?.$case !== 'networkActivity' || e.payload.value.activityId !== 6) continue;
    const key = [
      e.payload.value.protocol,
      e.srcEndpoint?.ip,
      e.srcEndpoint?.port,
      e.dstEndpoint?.ip,
      e.dstEndpoint?.port,
    ].join('|');
    const t = flows.get(key) ?? { bytesOut: 0, bytesIn: 0, packetsOut: 0, packetsIn: 0 };
    const traffic = e.payload.value.traffic;
    t.bytesOut += Number(traffic?.bytesOut ?? 0);
    t.bytesIn += Number(traffic?.bytesIn ?? 0);
    t.packetsOut += Number(traffic?.packetsOut ?? 0);
    t.packetsIn += Number(traffic?.packetsIn ?? 0);
    flows.set(key, t);
  }
  return flows;
}

describe('sentinel network probes (real kernel, two namespaces)', () => {
  let tcpdump: ChildProcess;
  let tcpClientPort = 0;
  let tcpClientPid = 0;

  it('accounts a TCP connection and UDP datagrams (IPv4 and IPv6) per flow with the bytes sent, while tcpdump captures them', async () => {
    tcpdump = spawn(
      'ip',
      ['netns', 'exec', NS_B, 'tcpdump', '-i', DEV_B, '-n', '-U', '-s', '0', '-w', capturePath],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    await new Promise<void>((resolve) => {
      let text = '';
      tcpdump.stderr?.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('listening on')) resolve();
      });
    });
    const server = nodeIn(NS_B, TCP_SERVER);
    await lineFrom(server, /listening/);
    const client = nodeIn(NS_A, TCP_CLIENT);
    tcpClientPid = client.pid ?? 0;
    const result = JSON.parse(await client.done) as { got: number; port: number };
    expect(result.got).toBe(TCP_REPLY_BYTES);
    tcpClientPort = result.port;
    server.kill();
    await nodeIn(NS_A, UDP_CLIENT).done;
    await nodeIn(NS_A, UDP6_CLIENT).done;

    const tcpKey = `6|${ADDR_A}|${tcpClientPort}|${ADDR_B}|${TCP_PORT}`;
    const udpKey = `17|${ADDR_A}|40001|${ADDR_B}|${UDP_PORT}`;
    const udp6Key = `17|${ADDR6_A}|40006|${ADDR6_B}|${UDP_PORT}`;
    // flows end (and are exported) after 600 ms without packets
    await eventually(
      'TCP and UDP flow events',
      () => {
        const flows = liveFlows();
        return flows.has(tcpKey) && flows.has(udpKey) && flows.has(udp6Key) ? true : undefined;
      },
      5_000,
    );
    const flows = liveFlows();
    const udp = flows.get(udpKey)!;
    // IP length = payload + 8 (UDP) + 20 (IPv4)
    expect(udp).toEqual({
      bytesOut: UDP_DATAGRAMS * (UDP_PAYLOAD_BYTES + 28),
      bytesIn: 0,
      packetsOut: UDP_DATAGRAMS,
      packetsIn: 0,
    });
    // IPv6: payload + 8 (UDP) + 40 (IPv6 header)
    expect(flows.get(udp6Key)).toEqual({
      bytesOut: 4 * (300 + 48),
      bytesIn: 0,
      packetsOut: 4,
      packetsIn: 0,
    });
    const tcp = flows.get(tcpKey)!;
    // the payload plus at most 80 bytes of IP + TCP headers per packet, each way
    expect(tcp.bytesOut).toBeGreaterThanOrEqual(TCP_SENT_BYTES);
    expect(tcp.bytesOut).toBeLessThanOrEqual(TCP_SENT_BYTES + 80 * tcp.packetsOut);
    expect(tcp.bytesIn).toBeGreaterThanOrEqual(TCP_REPLY_BYTES);
    expect(tcp.bytesIn).toBeLessThanOrEqual(TCP_REPLY_BYTES + 80 * tcp.packetsIn);
  });

  it('reports the TCP connection opening with the connecting process, its acceptance, and its close', async () => {
    const open = await eventually(
      'outbound OPEN with the client pid',
      () =>
        seen.find(
          (e) =>
            e.payload?.$case === 'networkActivity' &&
            e.payload.value.activityId === 1 &&
            e.payload.value.direction === 2 &&
            e.srcEndpoint?.port === tcpClientPort,
        ),
      2_000,
    );
    // `ip netns exec` execs node in place, so the client keeps the spawned pid
    expect(open.actor?.process?.pid).toBe(tcpClientPid);
    expect(open.dstEndpoint).toEqual({ ip: ADDR_B, port: TCP_PORT, hostname: '', mac: '' });
    await eventually(
      'inbound OPEN (accept)',
      () =>
        seen.find(
          (e) =>
            e.payload?.$case === 'networkActivity' &&
            e.payload.value.activityId === 1 &&
            e.payload.value.direction === 1 &&
            e.dstEndpoint?.port === tcpClientPort,
        ),
      2_000,
    );
    const close = await eventually(
      'CLOSE of the client socket',
      () =>
        seen.find(
          (e) =>
            e.payload?.$case === 'networkActivity' &&
            e.payload.value.activityId === 2 &&
            e.srcEndpoint?.port === tcpClientPort,
        ),
      2_000,
    );
    const traffic =
      close.payload?.$case === 'networkActivity' ? close.payload.value.traffic : undefined;
    // bytes_acked counts the SYN and FIN too
    expect(Number(traffic?.bytesOut)).toBeGreaterThanOrEqual(TCP_SENT_BYTES);
    expect(Number(traffic?.bytesIn)).toBeGreaterThanOrEqual(TCP_REPLY_BYTES);
  });

  it('shows a DNS query to a resolver in a namespace with its name, and the answer', async () => {
    const resolver = nodeIn(NS_B, DNS_SERVER);
    await lineFrom(resolver, /listening/);
    const answers = JSON.parse(await nodeIn(NS_A, DNS_CLIENT).done) as Array<{ data: string }>;
    resolver.kill();
    expect(answers[0]?.data).toBe('10.1.2.3');
    const dns = (activity: number): Event | undefined =>
      seen.find(
        (e) =>
          e.payload?.$case === 'dnsActivity' &&
          e.payload.value.activityId === activity &&
          e.payload.value.query?.packetUid === 777,
      );
    const query = await eventually('DNS query event', () => dns(1), 2_000);
    const response = await eventually('DNS response event', () => dns(2), 2_000);
    expect(query.payload?.$case === 'dnsActivity' && query.payload.value.query?.hostname).toBe(
      'probe.omega.test',
    );
    expect(query.srcEndpoint?.ip).toBe(ADDR_A);
    expect(query.dstEndpoint?.port).toBe(53);
    expect(response.payload?.$case === 'dnsActivity' && response.payload.value.answers).toEqual([
      { type: 'A', rdata: '10.1.2.3', ttlSeconds: 60 },
    ]);
    expect(response.unmapped['sentinel.source']).toBe('ebpf');
  });

  it('replaying the tcpdump capture of that traffic yields the same flows (5-tuples, bytes, packets)', async () => {
    // let the DNS flow end in the kernel too, then stop the capture
    await new Promise((r) => setTimeout(r, 1_200));
    const stopped = new Promise((r) => tcpdump.once('exit', r));
    tcpdump.kill('SIGINT');
    await stopped;
    const capture = readCapture(readFileSync(capturePath), capturePath);
    expect(capture.error).toBeUndefined();
    // Both paths export a long flow in several records: compare the totals per 5-tuple.
    const replayed = new Map<string, Totals>();
    for (const f of replayPackets(capture.packets, NODE).flows) {
      if (f.protocol !== 6 && f.protocol !== 17) continue;
      const key = [f.protocol, f.src, f.srcPort, f.dst, f.dstPort].join('|');
      const t = replayed.get(key) ?? { bytesOut: 0, bytesIn: 0, packetsOut: 0, packetsIn: 0 };
      t.bytesOut += f.bytesOut;
      t.bytesIn += f.bytesIn;
      t.packetsOut += f.packetsOut;
      t.packetsIn += f.packetsIn;
      replayed.set(key, t);
    }
    expect(replayed.size).toBeGreaterThanOrEqual(4); // TCP, UDP, UDP over IPv6, DNS
    const live = liveFlows();
    for (const [key, totals] of replayed) {
      expect({ key, totals: live.get(key) }).toEqual({ key, totals });
    }
  });
});

describe('XDP stealth mode (real kernel)', () => {
  let server: ReturnType<typeof nodeIn>;

  beforeAll(async () => {
    server = nodeIn(NS_B, STEALTH_SERVER);
    await lineFrom(server, /listening/);
  });
  afterAll(() => server.kill());

  async function stats(): Promise<NonNullable<ReturnType<SentinelParts['latestStats']>>> {
    const before = parts.latestStats();
    await parts.loader!.command('stats');
    return eventually(
      'a fresh STATS frame',
      () => {
        const now = parts.latestStats();
        return now && now !== before ? now : undefined;
      },
      2_000,
    );
  }

  it('drops datagrams from a source not on the allowlist without a reply, and counts them', async () => {
    const before = await stats();
    const out = JSON.parse(await nodeIn(NS_A, STEALTH_CLIENT, [ADDR_UNKNOWN, '5', '500']).done) as {
      replies: number;
    };
    expect(out.replies).toBe(0);
    const after = await stats();
    expect(after.stealthUnknown - before.stealthUnknown).toBe(5n);
    // and Prometheus sees what the kernel counted
    const metrics = await (await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).text();
    expect(metrics).toContain(
      `omega_sentinel_stealth_dropped_packets_total{reason="unknown_source"} ${after.stealthUnknown}`,
    );
    expect(metrics).toMatch(/omega_sentinel_events_total\{kind="dns"\} [1-9]/);
    expect(metrics).toMatch(/omega_sentinel_batches_total\{kind="network"\} [1-9]/);
    expect(metrics).toContain('omega_sentinel_ringbuf_lost_records_total{kind="dns"} 0');
  });

  it('admits at most the token-bucket allowance of new sessions from an allowlisted source (10/s, burst 10)', async () => {
    const before = await stats();
    const sent = 60;
    const out = JSON.parse(
      await nodeIn(NS_A, STEALTH_CLIENT, [ADDR_A, String(sent), '500']).done,
    ) as {
      replies: number;
      elapsedNs: number;
    };
    const after = await stats();
    const admitted = Number(after.stealthSessions - before.stealthSessions);
    const limited = Number(after.stealthRateLimited - before.stealthRateLimited);
    // GCRA with burst 10 at 10/s: 10 at once, then one per 100 ms of the burst's duration
    const allowance = 10 + Math.floor(out.elapsedNs / 100_000_000) + 1;
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeLessThanOrEqual(allowance);
    expect(admitted + limited).toBe(sent);
    expect(out.replies).toBe(admitted); // every admitted session was answered, no limited one was
  });
});
