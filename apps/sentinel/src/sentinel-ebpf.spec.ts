// Real-kernel test of the eBPF mode: needs root, BTF and the bpf/ toolchain (it runs make -C bpf).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type Bus } from '@omega/bus';
import { EventBatch, SourceBlock, type Event } from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import { withNats } from '@omega/testkit';
import { buildSentinel, sentinelServiceConfigSchema, type SentinelParts } from './build-sentinel';
import { policyBlockKey, ALL_NODES } from './policy-watch';
import { DEFAULT_LOADER_PATH } from './sentinel-config';

const REPO = join(__dirname, '..', '..', '..');
const NS_A = `omega-sen-a-${process.pid}`;
const NS_B = `omega-sen-b-${process.pid}`;
const ADDR_A = '10.199.0.1';
const ADDR_B = '10.199.0.2';
const NODE = 'node-under-test';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function pingFromA(count: number): boolean {
  const r = spawnSync('ip', [
    'netns',
    'exec',
    NS_A,
    'ping',
    '-n',
    '-q',
    '-c',
    String(count),
    '-i',
    '0.01',
    '-W',
    '1',
    ADDR_B,
  ]);
  return r.status === 0;
}

function echoRequestsSeenByB(): number {
  const snmp = execFileSync('ip', ['netns', 'exec', NS_B, 'cat', '/proc/net/snmp'], {
    encoding: 'utf8',
  });
  const lines = snmp.split('\n').filter((l) => l.startsWith('Icmp:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/);
  return Number(values[names.indexOf('InEchos')]);
}

const nats = withNats();
let running: RunningService<unknown>;
let parts: SentinelParts;
let bus: Bus;
const seen: Event[] = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'sentinel eBPF spec: must run as root (CAP_BPF, CAP_NET_ADMIN); CI runs as root',
    );
  }
  const make = spawnSync('make', ['-C', join(REPO, 'bpf')], { encoding: 'utf8' });
  if (make.status !== 0) {
    throw new Error(`sentinel eBPF spec: make -C bpf failed:\n${make.stderr}${make.stdout}`);
  }
  ip('netns', 'add', NS_A);
  ip('netns', 'add', NS_B);
  ip(
    'link',
    'add',
    'omsenA',
    'netns',
    NS_A,
    'type',
    'veth',
    'peer',
    'name',
    'omsenB',
    'netns',
    NS_B,
  );
  ip('-n', NS_A, 'addr', 'add', `${ADDR_A}/24`, 'dev', 'omsenA');
  ip('-n', NS_B, 'addr', 'add', `${ADDR_B}/24`, 'dev', 'omsenB');
  for (const [ns, dev] of [
    [NS_A, 'omsenA'],
    [NS_B, 'omsenB'],
  ] as const) {
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  const dir = mkdtempSync(join(tmpdir(), 'omega-sentinel-'));
  const configFile = join(dir, 'sentinel.yaml');
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
        dataDir: join(dir, 'state'),
        flushIntervalMs: 20,
        xdp: [{ interface: 'omsenB', mode: 'generic', netns: `/run/netns/${NS_B}` }],
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
  // before withNats stops the server (its afterAll runs first)
  nats.beforeStop(async () => {
    await bus?.drain();
    await running?.service.shutdown('test done');
  });
  bus = await connectBus({
    servers: [nats.url],
    name: 'sentinel-spec',
    logger: running.service.logger,
  });
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    filter_subjects: [`omega.telemetry.process.${NODE}`],
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) seen.push(...EventBatch.decode(m.data).events);
  })();
}, 60_000);

afterAll(() => {
  for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns]);
}, 30_000);

async function eventually<T>(
  what: string,
  withinMs: number,
  probe: () => T | undefined,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('sentinel in eBPF mode (real kernel)', () => {
  it('runs in eBPF mode with the loader attached', () => {
    expect(parts.mode).toBe('ebpf');
  });

  it('publishes a process event for /bin/true run in a namespace, with its pid, ppid and filename, within 1 s', async () => {
    const child = spawn('ip', ['netns', 'exec', NS_A, '/bin/true'], { stdio: 'ignore' });
    const started = Date.now();
    // `ip netns exec` execs /bin/true in place, so it keeps the child's pid
    const event = await eventually('exec event for /bin/true', 1_000, () =>
      seen.find(
        (e) =>
          e.payload?.$case === 'processActivity' &&
          e.payload.value.activityId === 1 &&
          e.payload.value.process?.pid === child.pid &&
          e.payload.value.process?.executablePath === '/bin/true',
      ),
    );
    const process_ =
      event.payload?.$case === 'processActivity' ? event.payload.value.process : undefined;
    expect(process_?.parent?.pid).toBe(process.pid);
    expect(process_?.args).toEqual(['/bin/true']);
    expect(event.node).toBe(NODE);
    expect(event.classUid).toBe(1007);
    expect(Date.now() - started).toBeLessThan(1_000);
    // and its exit, code 0
    await eventually('exit event', 2_000, () =>
      seen.find(
        (e) =>
          e.payload?.$case === 'processActivity' &&
          e.payload.value.activityId === 2 &&
          e.payload.value.process?.pid === child.pid,
      ),
    );
  });

  it('drops packets from a source blocked in omega_policy within 1 s, counts them, and lets them through again once unblocked', async () => {
    expect(pingFromA(3)).toBe(true);
    const kv = await bus.kv('omega_policy');
    const key = policyBlockKey(ALL_NODES, `${ADDR_A}/32`);
    const putAt = Date.now();
    await kv.put(
      key,
      SourceBlock.encode(
        SourceBlock.fromPartial({ cidr: `${ADDR_A}/32`, reason: 'spec' }),
      ).finish(),
    );
    let entries = await parts.loader!.listBlocks();
    while (!entries.some((e) => e.cidr === `${ADDR_A}/32`)) {
      if (Date.now() - putAt > 1_000) throw new Error('block not applied within 1 s');
      await new Promise((r) => setTimeout(r, 10));
      entries = await parts.loader!.listBlocks();
    }
    const echoesBefore = echoRequestsSeenByB();
    expect(pingFromA(20)).toBe(false);
    expect(echoRequestsSeenByB()).toBe(echoesBefore); // the receiver saw nothing
    entries = await parts.loader!.listBlocks();
    const entry = entries.find((e) => e.cidr === `${ADDR_A}/32`);
    expect(entry?.droppedPackets).toBeGreaterThanOrEqual(20n);

    await kv.delete(key);
    const deletedAt = Date.now();
    while ((await parts.loader!.listBlocks()).some((e) => e.cidr === `${ADDR_A}/32`)) {
      if (Date.now() - deletedAt > 1_000) throw new Error('unblock not applied within 1 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(pingFromA(3)).toBe(true);
  });

  it('refuses a malformed block with the loader naming the CIDR', async () => {
    await expect(parts.loader!.block('10.0.0.0/33')).rejects.toThrow(
      "eBPF loader refused 'block 10.0.0.0/33': block: not an IPv4/IPv6 address or CIDR: '10.0.0.0/33' (errno 22)",
    );
    await parts.loader!.unblock('10.0.0.0/33').catch(() => undefined);
  });
});
