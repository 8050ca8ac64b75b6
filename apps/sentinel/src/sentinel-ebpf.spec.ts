// Real-kernel test of the eBPF mode: needs root, BTF and the bpf/ toolchain (it runs make -C bpf).
// Over 400 lines on purpose: one loader in the kernel per file, shared by every case.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, POLICY_ALL_NODES, policyBlockKey, type Bus } from '@omega/bus';
import * as grpc from '@grpc/grpc-js';
import {
  EventBatch,
  SentinelServiceClient,
  SourceBlock,
  BlockSourceRequest,
  type BlockSourceResponse,
  type Event,
  type GetStatusResponse,
  type ListBlocksResponse,
  ReplayPcapRequest,
  type ReplayPcapResponse,
  UnblockSourceRequest,
  type UnblockSourceResponse,
} from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import { eventually, startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { buildSentinel, sentinelServiceConfigSchema, type SentinelParts } from './sentinel-service';
import { readCapture } from './wire/pcap-reader';
import { DEFAULT_LOADER_PATH } from './sentinel-config';
import { buildLoader, REPO_ROOT } from './testing/loader-build';
import { deleteNetns, vethPair } from './testing/veth-pair';

// The repository's own recording (written by `npm run demo:record`), so the spec needs no outside data.
const DEMO_CAPTURE = join(REPO_ROOT, 'test-corpus', 'demo', 'capture.pcap');
const NS_A = `omega-sen-a-${process.pid}`;
const NS_B = `omega-sen-b-${process.pid}`;
const ADDR_A = '10.199.0.1';
const ADDR_B = '10.199.0.2';
const NODE = 'node-under-test';

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
let trust: TrustProcess;
let parts: SentinelParts;
let bus: Bus;
const seen: Event[] = [];
let client: SentinelServiceClient;

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'sentinel eBPF spec: must run as root (CAP_BPF, CAP_NET_ADMIN); CI runs as root',
    );
  }
  buildLoader('sentinel eBPF spec');
  vethPair({ ns: NS_A, dev: 'omsenA', addr: ADDR_A }, { ns: NS_B, dev: 'omsenB', addr: ADDR_B });
  // BlockSource and UnblockSource are appended to trust's audit log before they take effect.
  trust = await startTrust({ natsUrl: nats.url });
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
        trustAddress: trust.address,
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
    client?.close();
    await bus?.drain();
    await running?.service.shutdown('test done');
    await trust?.stop();
  });
  bus = await connectBus({
    servers: [nats.url],
    name: 'sentinel-spec',
    logger: running.service.logger,
  });
  client = new SentinelServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    // dns too: the replayed demo capture holds DNS queries besides flows
    filter_subjects: [
      `omega.telemetry.process.${NODE}`,
      `omega.telemetry.network.${NODE}`,
      `omega.telemetry.dns.${NODE}`,
    ],
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) seen.push(...EventBatch.decode(m.data).events);
  })();
}, 60_000);

afterAll(() => {
  deleteNetns(NS_A, NS_B);
}, 30_000);

describe('sentinel in eBPF mode (real kernel)', () => {
  it('runs in eBPF mode with the loader attached', () => {
    expect(parts.mode).toBe('ebpf');
  });

  it('publishes a process event for /bin/true run in a namespace, with its pid, ppid and filename, within 1 s', async () => {
    const child = spawn('ip', ['netns', 'exec', NS_A, '/bin/true'], { stdio: 'ignore' });
    const started = Date.now();
    // `ip netns exec` execs /bin/true in place, so it keeps the child's pid
    const event = await eventually(
      'exec event for /bin/true',
      () =>
        seen.find(
          (e) =>
            e.payload?.$case === 'processActivity' &&
            e.payload.value.activityId === 1 &&
            e.payload.value.process?.pid === child.pid &&
            e.payload.value.process?.executablePath === '/bin/true',
        ),
      1_000,
    );
    const process_ =
      event.payload?.$case === 'processActivity' ? event.payload.value.process : undefined;
    expect(process_?.parent?.pid).toBe(process.pid);
    expect(process_?.args).toEqual(['/bin/true']);
    expect(event.node).toBe(NODE);
    expect(event.classUid).toBe(1007);
    expect(Date.now() - started).toBeLessThan(1_000);
    // and its exit, code 0
    await eventually(
      'exit event',
      () =>
        seen.find(
          (e) =>
            e.payload?.$case === 'processActivity' &&
            e.payload.value.activityId === 2 &&
            e.payload.value.process?.pid === child.pid,
        ),
      2_000,
    );
  });

  it('drops packets from a source blocked in omega_policy within 1 s, counts them, and lets them through again once unblocked', async () => {
    expect(pingFromA(3)).toBe(true);
    const kv = await bus.kv('omega_policy');
    const key = policyBlockKey(POLICY_ALL_NODES, `${ADDR_A}/32`);
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

  it('skips and counts a malformed block entry instead of applying it', async () => {
    const kv = await bus.kv('omega_policy');
    const key = policyBlockKey(POLICY_ALL_NODES, `${ADDR_A}/32`);
    const rejected = async () =>
      (
        await running.service.metrics
          .getSingleMetric('omega_sentinel_policy_entries_rejected_total')!
          .get()
      ).values[0]?.value ?? 0;
    const before = await rejected();
    await kv.put(key, new Uint8Array([0xff, 0xff, 0xff])); // not a SourceBlock
    // A block of everything under the key of one address.
    await kv.put(key, SourceBlock.encode(SourceBlock.fromPartial({ cidr: '0.0.0.0/0' })).finish());
    await eventually('two rejected entries', async () =>
      (await rejected()) === before + 2 ? true : undefined,
    );
    expect(await parts.loader!.listBlocks()).toEqual([]);
    expect(pingFromA(2)).toBe(true);
    await kv.delete(key);
  });

  it('refuses bad network and stealth commands, naming what is wrong', async () => {
    await expect(parts.loader!.command('tc-attach omega-no-such-dev')).rejects.toThrow(
      "eBPF loader refused 'tc-attach omega-no-such-dev': tc-attach omega-no-such-dev: No such device (errno 19)",
    );
    await expect(parts.loader!.command('stealth-port add 70000')).rejects.toThrow(
      "stealth-port: usage: stealth-port add|del <udp port 1..65535>, not 'add 70000'",
    );
    await expect(parts.loader!.command('stealth-rate 0 10')).rejects.toThrow(
      'stealth-rate: usage: stealth-rate <new sessions/s> <burst> [<session idle ms>], each a positive integer',
    );
    await expect(parts.loader!.command('flow-timing 100')).rejects.toThrow(
      'flow-timing: usage: flow-timing <drain ms> <idle ms> (1..86400000)',
    );
  });

  it('refuses a malformed block with the loader naming the CIDR', async () => {
    await expect(parts.loader!.block('10.0.0.0/33')).rejects.toThrow(
      "eBPF loader refused 'block 10.0.0.0/33': block: not an IPv4/IPv6 address or CIDR: '10.0.0.0/33' (errno 22)",
    );
    await parts.loader!.unblock('10.0.0.0/33').catch(() => undefined);
  });
});

function rpc<Req, Res>(
  method: (request: Req, done: (err: grpc.ServiceError | null, response?: Res) => void) => unknown,
): (request: Req) => Promise<Res> {
  return (request) =>
    new Promise((resolve, reject) =>
      method(request, (err, response) => (err ? reject(err) : resolve(response!))),
    );
}
const getStatus = rpc<object, GetStatusResponse>((r, d) => client.getStatus(r, d));
const blockSource = rpc<Partial<BlockSourceRequest>, BlockSourceResponse>((r, d) =>
  client.blockSource(BlockSourceRequest.fromPartial(r), d),
);
const unblockSource = rpc<Partial<UnblockSourceRequest>, UnblockSourceResponse>((r, d) =>
  client.unblockSource(UnblockSourceRequest.fromPartial(r), d),
);
const listBlocks = rpc<object, ListBlocksResponse>((r, d) =>
  client.listBlocks({ pageSize: 0, pageToken: '' }, d),
);
const replayPcap = rpc<Partial<ReplayPcapRequest>, ReplayPcapResponse>((r, d) =>
  client.replayPcap(ReplayPcapRequest.fromPartial(r), d),
);

describe('SentinelService over gRPC (real kernel)', () => {
  it('GetStatus reports the node, the attached probes with their counts, XDP, the signing key and the kernel', async () => {
    const status = await getStatus({});
    expect(status.node).toBe(NODE);
    expect(status.kernelRelease).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(status.identity).toEqual({
      id: `omega://local/sentinel/${NODE}`,
      keyId: parts.signing.signer().keyId,
    });
    const exec = status.probes.find((p) => p.name === 'exec');
    expect(exec).toMatchObject({ attachPoint: 'tp_btf/sched_process_exec', attached: true });
    expect(exec!.eventsTotal).toBeGreaterThan(0n); // the /bin/true above, at least
    expect(status.probes.map((p) => p.name)).toEqual([
      'exec',
      'exit',
      'tcp',
      'flow',
      'dns',
      'file',
      'audit',
    ]);
    // security telemetry (audit.bpf.c): loaded and attached at start
    expect(status.probes.find((p) => p.name === 'audit')).toMatchObject({
      attachPoint: 'audit',
      attached: true,
    });
    // loaded, attached only while a file is watched (sentinel-files.spec.ts)
    expect(status.probes.find((p) => p.name === 'file')).toMatchObject({
      attachPoint: 'tp_btf/sys_exit',
      attached: false,
      error: 'no file is watched (omega_policy filewatch.>)',
    });
    expect(status.xdp).toEqual([
      expect.objectContaining({ interface: `omsenB@/run/netns/${NS_B}`, mode: 1, attached: true }),
    ]);
    expect(status.batchesTotal).toBeGreaterThan(0n);
    expect(status.lastBatchSequence).toBeGreaterThan(0n);
  });

  it('BlockSource drops a source within 1 s, is idempotent, ListBlocks counts its drops, UnblockSource lifts it', async () => {
    expect(pingFromA(2)).toBe(true);
    const first = await blockSource({ cidr: ADDR_A, reason: 'grpc spec' });
    expect(first.created).toBe(true);
    expect(first.block).toMatchObject({ cidr: `${ADDR_A}/32`, reason: 'grpc spec' });
    const appliedBy = Date.now() + 1_000;
    while (!(await parts.loader!.listBlocks()).some((e) => e.cidr === `${ADDR_A}/32`)) {
      if (Date.now() > appliedBy) throw new Error('BlockSource not applied within 1 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(pingFromA(5)).toBe(false);
    const again = await blockSource({ cidr: `${ADDR_A}/32`, reason: 'again' });
    expect(again.created).toBe(false);
    expect(again.block?.reason).toBe('grpc spec'); // the existing block, not a new one
    const listed = (await listBlocks({})).blocks.find((b) => b.cidr === `${ADDR_A}/32`);
    expect(listed?.reason).toBe('grpc spec');
    expect(listed?.droppedPacketsTotal).toBeGreaterThanOrEqual(5n);
    const lifted = await unblockSource({ cidr: ADDR_A });
    expect(lifted.wasBlocked).toBe(true);
    const liftedBy = Date.now() + 1_000;
    while ((await parts.loader!.listBlocks()).some((e) => e.cidr === `${ADDR_A}/32`)) {
      if (Date.now() > liftedBy) throw new Error('UnblockSource not applied within 1 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(pingFromA(2)).toBe(true);
    expect((await unblockSource({ cidr: ADDR_A })).wasBlocked).toBe(false);
  });

  it('lifts a block when its ttl_seconds run out', async () => {
    await blockSource({ cidr: ADDR_A, ttlSeconds: 1 });
    const by = Date.now() + 3_000;
    let sawBlocked = false;
    for (;;) {
      const blocked = (await parts.loader!.listBlocks()).some((e) => e.cidr === `${ADDR_A}/32`);
      sawBlocked ||= blocked;
      if (sawBlocked && !blocked) break;
      if (Date.now() > by)
        throw new Error(`block with ttl 1 s still there after 3 s (seen: ${sawBlocked})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(pingFromA(2)).toBe(true);
    await unblockSource({ cidr: ADDR_A });
  });

  it('refuses a bad CIDR with INVALID_ARGUMENT naming the field', async () => {
    await expect(blockSource({ cidr: '10.0.0.0/40' })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: 'BlockSourceRequest.cidr: "10.0.0.0/40" has prefix length "40", expected 0..32',
    });
  });

  it('ReplayPcap publishes a capture as flow events tagged with the replay id', async () => {
    const bytes = readFileSync(DEMO_CAPTURE);
    const response = await replayPcap({
      source: { $case: 'pcap', value: bytes },
      replayId: 'spec-replay',
    });
    expect(response.replayId).toBe('spec-replay');
    expect(response.packetsRead).toBe(BigInt(readCapture(bytes).packets.length));
    expect(response.eventsEmitted).toBeGreaterThan(0n);
    const tagged = await eventually(
      'replayed events on TELEMETRY',
      () => {
        const found = seen.filter((e) => e.unmapped['replay.id'] === 'spec-replay');
        return BigInt(found.length) === response.eventsEmitted ? found : undefined;
      },
      2_000,
    );
    expect(tagged.every((e) => e.unmapped['sentinel.source'] === 'pcap')).toBe(true);
  });

  it('ReplayPcap of a truncated capture names the byte offset and says what was published', async () => {
    const bytes = readFileSync(DEMO_CAPTURE);
    const whole = readCapture(bytes);
    const last = whole.packets[whole.packets.length - 1]!;
    await expect(
      replayPcap({
        source: { $case: 'pcap', value: bytes.subarray(0, last.offset + 20) },
        replayId: 'cut',
      }),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(
        new RegExp(
          `at byte offset ${last.offset}; the \\d+ events from the ${whole.packets.length - 1} packets before it were published under replay id cut`,
        ),
      ),
    });
  });
});
