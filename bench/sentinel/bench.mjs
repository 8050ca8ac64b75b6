#!/usr/bin/env node
// The sentinel end to end on a real kernel and a real nats-server: events/s from the kernel's ring
// buffers to acknowledged JetStream publishes (loader → frames → events → signed EventBatches),
// CPU of the sentinel (this process) and of the loader, ring-buffer losses; load from a tight exec
// loop and from a UDP flood to port 53 between two network namespaces (every datagram is a DNS
// event and feeds one flow). Then XDP drop against an nftables drop rule (netdev ingress, the
// earliest netfilter hook) for the same blocked flood: packets/s and packets per CPU-second.
//
//   sudo npx node bench/sentinel/bench.mjs [--seconds 5] [--rate 50000] [--drop-rate 100000]
//     [--max-buffered 100000] [--no-build]
//
// Needs root, the bpf/ toolchain, cc, iproute2 and nftables (apt-get install nftables).
// Over 400 lines on purpose: one driver whose measures share the loader, the namespaces and the senders it sets up.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '50000' },
    'drop-rate': { type: 'string', default: '100000' },
    // DNS queries written into the TAP device (the load past what one UDP sender reaches)
    'tap-rate': { type: 'string', default: '120000' },
    // the service's default (sentinel.maxBufferedEvents)
    'max-buffered': { type: 'string', default: '100000' },
    'no-build': { type: 'boolean', default: false },
    // the sentinel (this process) and its loader on CPU 0, senders on CPU 1 (nats-server unpinned)
    pin: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const DROP_RATE = Number(args['drop-rate']);
const TAP_RATE = Number(args['tap-rate']);
if (process.getuid?.() !== 0) {
  console.error('bench/sentinel: run as root (BPF, network namespaces)');
  process.exit(2);
}
for (const [tool, pkg] of [
  ['nft', 'nftables'],
  ['cc', 'gcc'],
]) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(
      `bench/sentinel: ${tool} missing (apt-get install -y --no-install-recommends ${pkg})`,
    );
    process.exit(2);
  }
}
if (!args['no-build']) {
  execFileSync('npx', ['tsc', '-b', 'apps/sentinel', 'libs/testkit'], {
    cwd: root,
    stdio: 'inherit',
  });
}
execFileSync('make', ['-s', '-C', join(root, 'bpf')], { stdio: 'inherit' });
const tmp = mkdtempSync(join(tmpdir(), 'omega-bench-sentinel-'));
const flood = join(tmp, 'udp-flood');
execFileSync('cc', ['-O2', '-o', flood, join(root, 'bench', 'sentinel', 'udp-flood.c')]);
const tapWriter = join(tmp, 'tap-writer');
execFileSync('cc', ['-O2', '-o', tapWriter, join(root, 'bench', 'sentinel', 'tap-writer.c')]);

const dist = join(root, 'apps', 'sentinel', 'dist');
const { startNatsServer } = require('@omega/testkit');
const { connectBus, provision } = require('@omega/bus');
const { createLogger } = require('@omega/runtime');
const { Registry } = require('prom-client');
const { LoaderSupervisor } = require(join(dist, 'wire', 'loader-supervisor.js'));
const { frameRouter, newFrameCounts } = require(join(dist, 'events', 'frame-router.js'));
const { TelemetryPublisher } = require(join(dist, 'events', 'telemetry-publisher.js'));
const { batchSigning } = require(join(dist, 'events', 'batch-signing-key.js'));
const { sentinelMetrics } = require(join(dist, 'sentinel-metrics.js'));
const { DEFAULT_LOADER_PATH } = require(join(dist, 'sentinel-config.js'));

const NS_A = `omega-bench-a-${process.pid}`;
const NS_B = `omega-bench-b-${process.pid}`;
const ADDR_A = '10.197.0.1';
const ADDR_B = '10.197.0.2';
const DEV_B = 'ombenchB';
const NETNS_B = `/run/netns/${NS_B}`;
const TAP_DEV = 'ombenchT';
const TAP_ADDR = '10.197.1.2';
const TAP_SOURCE = '10.197.1.1';
const logger = createLogger({ service: 'sentinel', level: 'warn' });
const ip = (...a) => execFileSync('ip', a, { stdio: 'pipe' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const TICKS = 100; // USER_HZ

/** utime + stime of a process, in seconds. */
function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}
/** Softirq CPU-seconds of the whole machine, from /proc/stat. */
function machineSoftirqSeconds() {
  const v = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return v[6] / TICKS;
}

function setUpNetwork() {
  ip('netns', 'add', NS_A);
  ip('netns', 'add', NS_B);
  ip(
    'link',
    'add',
    'ombenchA',
    'netns',
    NS_A,
    'type',
    'veth',
    'peer',
    'name',
    DEV_B,
    'netns',
    NS_B,
  );
  ip('-n', NS_A, 'addr', 'add', `${ADDR_A}/24`, 'dev', 'ombenchA');
  ip('-n', NS_B, 'addr', 'add', `${ADDR_B}/24`, 'dev', DEV_B);
  for (const [ns, dev] of [
    [NS_A, 'ombenchA'],
    [NS_B, DEV_B],
  ]) {
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}
function tearDownNetwork() {
  for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns]);
}

/** Runs the flood from A (asynchronously: this process must keep reading the loader meanwhile). */
function runFlood(port, rate, seconds, dns) {
  const [command, ...argv] = onSenderCore([
    'ip',
    'netns',
    'exec',
    NS_A,
    flood,
    ADDR_B,
    String(port),
    String(rate),
    String(seconds),
    ...(dns ? ['dns'] : []),
  ]);
  return runSender(command, argv, 'udp-flood');
}

setUpNetwork();
process.on('exit', tearDownNetwork);
// a TAP device in B: a writer in B feeds it raw frames, as a NIC driver feeds the kernel
ip('-n', NS_B, 'tuntap', 'add', 'dev', TAP_DEV, 'mode', 'tap');
ip('-n', NS_B, 'addr', 'add', `${TAP_ADDR}/24`, 'dev', TAP_DEV);
ip('-n', NS_B, 'link', 'set', TAP_DEV, 'up');
// a socket on port 53 that never reads: no ICMP unreachable replies, the kernel drops on a full buffer
const sink = spawn('ip', ['netns', 'exec', NS_B, 'sleep', '100000'], { stdio: 'ignore' });
const sinkSocket = spawn(
  'ip',
  [
    'netns',
    'exec',
    NS_B,
    process.execPath,
    '-e',
    // every address in B: the veth's and the TAP device's
    `require('dgram').createSocket('udp4').bind(53)`,
  ],
  { stdio: 'ignore' },
);

const nats = await startNatsServer();
const bus = await connectBus({ servers: nats.url, name: 'bench-sentinel', logger });
await provision(bus, { streams: ['TELEMETRY'] });
const registry = new Registry();
const metrics = sentinelMetrics(registry);
const signing = await batchSigning({
  dataDir: join(tmp, 'state'),
  localSenderId: 'omega://local/sentinel/bench',
  logger,
});
const publisher = new TelemetryPublisher({
  bus,
  node: 'bench',
  signing,
  sessionId: 'bench',
  logger,
  metrics,
  // the service defaults (sentinel.maxBatchEvents 2,048, flushIntervalMs 100)
  flushIntervalMs: 100,
  maxBufferedEvents: Number(args['max-buffered']),
});
let stats;
const counts = newFrameCounts();
const PIN = args.pin && cpus().length >= 2;
if (PIN) {
  // every thread of this process; the loader started below inherits it
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}
/** Senders run on the other core when pinned. */
const onSenderCore = (argv) => (PIN ? ['taskset', '-c', '1', ...argv] : argv);
const route = frameRouter({
  node: 'bench',
  publisher,
  metrics,
  flowActiveTimeoutMs: 60_000,
  onStats: (s) => (stats = s),
  counts,
});
const loader = new LoaderSupervisor({
  loaderPath: DEFAULT_LOADER_PATH,
  logger,
  onFrame: route.onFrame,
  onRawFrame: route.onRawFrame,
  flowInterfaces: [
    { interface: DEV_B, netns: NETNS_B },
    { interface: TAP_DEV, netns: NETNS_B },
  ],
  setupCommands: ['flow-timing 1000 2000'],
});
await loader.start();

async function freshStats() {
  const before = stats;
  await loader.command('stats');
  while (stats === before) await sleep(5);
  return stats;
}
const lost = (s) => s.lostExec + s.lostExit + s.lostTcp + s.lostDns + s.lostFlow;

/** One load phase: events/s to acked publish, CPU of this process and of the loader, losses. */
async function phase(name, generate) {
  await sleep(300);
  const s0 = await freshStats();
  const p0 = publisher.stats;
  const cpu0 = process.cpuUsage();
  const loaderCpu0 = processCpuSeconds(loader.pid);
  const t0 = performance.now();
  const offered = await generate();
  // until everything accepted so far is acknowledged by JetStream
  while (publisher.stats.buffered > 0) await sleep(5);
  const wall = (performance.now() - t0) / 1000;
  const s1 = await freshStats();
  const p1 = publisher.stats;
  const cpu = process.cpuUsage(cpu0);
  // accepted events are all acknowledged by now (buffered is 0); dropped ones were never accepted
  const published = Number(p1.eventsAccepted - p0.eventsAccepted);
  return {
    name,
    offered,
    published,
    eventsPerSecond: published / wall,
    wall,
    sentinelCpu: (cpu.user + cpu.system) / 1e6 / wall,
    loaderCpu: (processCpuSeconds(loader.pid) - loaderCpu0) / wall,
    ringbufLost: Number(lost(s1) - lost(s0)),
    bufferDropped: Number(p1.droppedEvents - p0.droppedEvents),
  };
}

const results = [];
results.push(
  await phase(`exec loop (2 shells running /bin/true), ${SECONDS} s`, async () => {
    const loops = [0, 1].map(() => {
      const [command, ...argv] = onSenderCore(['sh', '-c', 'while :; do /bin/true; done']);
      return spawn(command, argv, { stdio: 'ignore' });
    });
    await sleep(SECONDS * 1000);
    for (const l of loops) l.kill('SIGKILL');
    return 'n/a';
  }),
);
results.push(
  await phase(
    `UDP to port 53 at ${fmt(RATE)}/s, ${SECONDS} s`,
    async () => (await runFlood(53, RATE, SECONDS, true)).sent,
  ),
);
results.push(
  await phase(
    `UDP to port 53 as fast as one sender goes, ${SECONDS} s`,
    async () => (await runFlood(53, 0, SECONDS, true)).sent,
  ),
);
results.push(
  await phase(`UDP to port 53 from two senders as fast as they go, ${SECONDS} s`, async () => {
    const floods = await Promise.all([0, 1].map(() => runFlood(53, 0, SECONDS, true)));
    return floods.reduce((sum, f) => sum + f.sent, 0);
  }),
);

results.push(
  await phase(
    `DNS queries written into a TAP device at ${fmt(TAP_RATE)}/s, ${SECONDS} s`,
    async () => (await runTapWriter(TAP_RATE, SECONDS, true)).sent,
  ),
);
results.push(
  await phase(
    `DNS queries written into a TAP device as fast as one writer goes, ${SECONDS} s`,
    async () => (await runTapWriter(0, SECONDS, true)).sent,
  ),
);

// XDP against nftables: the same blocked traffic dropped at B three ways (XDP native, XDP generic,
// an nftables netdev ingress rule), nothing else attached to B meanwhile; first on the veth from A,
// then on a TAP device that a writer in B feeds raw frames, as a NIC driver would.
await loader.command(`tc-detach ${DEV_B} ${NETNS_B}`);
await loader.command(`tc-detach ${TAP_DEV} ${NETNS_B}`);
/** The XDP program's own run time and runs (kernel.bpf_stats_enabled), summed over its loads. */
function xdpProgramNs() {
  const progs = JSON.parse(
    execFileSync('bpftool', ['prog', 'show', 'name', 'omega_xdp_block', '--json']).toString(),
  );
  const list = Array.isArray(progs) ? progs : [progs];
  return list.reduce(
    (a, p) => ({ ns: a.ns + (p.run_time_ns ?? 0), runs: a.runs + (p.run_cnt ?? 0) }),
    { ns: 0, runs: 0 },
  );
}
const nsPerRun = (a, b) => (b.ns - a.ns) / Math.max(1, b.runs - a.runs);

/**
 * One drop phase: attach, send (which reports packets sent and its own CPU-seconds), read the
 * drop counter, detach. CPU = the sender's (on a veth and on a tap the receive path, and so the
 * drop, runs in its context) + machine-wide softirq time (work deferred to ksoftirqd; other load's
 * softirqs count against every phase alike).
 */
async function dropPhase(name, { attach, send, dropped, detach }) {
  await attach();
  const prog0 = xdpProgramNs();
  const softirq0 = machineSoftirqSeconds();
  const t0 = performance.now();
  const sender = await send();
  const wall = (performance.now() - t0) / 1000;
  const cpuSeconds = sender.cpuSeconds + (machineSoftirqSeconds() - softirq0);
  const prog1 = xdpProgramNs();
  const drops = Number(await dropped());
  await detach();
  return {
    name,
    sent: sender.sent,
    drops,
    pps: drops / wall,
    perCpuSecond: drops / cpuSeconds,
    cpuSeconds,
    wall,
    programNs: prog1.runs > prog0.runs ? nsPerRun(prog0, prog1) : undefined,
  };
}

/** XDP native, XDP generic and nftables dropping `source` arriving on `dev` (in B). */
async function compareDrops(where, dev, source, send) {
  const xdpPhase = (mode) =>
    dropPhase(`XDP ${mode} mode on the ${where}, LPM block list`, {
      attach: async () => {
        await loader.command(`xdp-attach ${dev} ${mode} ${NETNS_B}`);
        await loader.block(`${source}/32`);
      },
      send,
      dropped: async () =>
        (await loader.listBlocks()).find((e) => e.cidr === `${source}/32`).droppedPackets,
      detach: async () => {
        await loader.unblock(`${source}/32`);
        await loader.command(`xdp-detach ${dev} ${NETNS_B}`);
      },
    });
  const nft = ['ip', 'netns', 'exec', NS_B, 'nft'];
  const nftRules = `table netdev omega_bench {
  chain ingress { type filter hook ingress device ${dev} priority 0; ip saddr ${source} counter drop; }
}`;
  return [
    await xdpPhase('native'),
    await xdpPhase('generic'),
    await dropPhase(`nftables netdev ingress rule on the ${where} (ip saddr ... counter drop)`, {
      attach: async () => execFileSync(nft[0], [...nft.slice(1), '-f', '-'], { input: nftRules }),
      send,
      dropped: async () => {
        const out = execFileSync(nft[0], [
          ...nft.slice(1),
          ...['list', 'table', 'netdev', 'omega_bench'],
        ]).toString();
        return Number(/counter packets (\d+)/.exec(out)[1]);
      },
      detach: async () =>
        execFileSync(nft[0], [...nft.slice(1), 'delete', 'table', 'netdev', 'omega_bench']),
    }),
  ];
}

/** The TAP writer in B: frames from TAP_SOURCE to TAP_ADDR (DNS queries to port 53, or port 9). */
function runTapWriter(rate, seconds, dns = false) {
  const [command, ...argv] = onSenderCore([
    'ip',
    'netns',
    'exec',
    NS_B,
    tapWriter,
    TAP_DEV,
    TAP_SOURCE,
    TAP_ADDR,
    dns ? '53' : '9',
    String(rate),
    String(seconds),
    ...(dns ? ['dns'] : []),
  ]);
  return runSender(command, argv, 'tap-writer');
}

const statsWas = readFileSync('/proc/sys/kernel/bpf_stats_enabled', 'utf8').trim();
writeFileSync('/proc/sys/kernel/bpf_stats_enabled', '1');
const vethDrops = await compareDrops('veth', DEV_B, ADDR_A, () =>
  runFlood(9, DROP_RATE, SECONDS, false),
);
const tapDrops = await compareDrops('TAP device', TAP_DEV, TAP_SOURCE, () =>
  runTapWriter(DROP_RATE, SECONDS),
);
writeFileSync('/proc/sys/kernel/bpf_stats_enabled', statsWas);

await loader.stop();
await publisher.close();
await bus.drain();
await nats.stop();
sink.kill();
sinkSocket.kill();

console.log(
  `\nbench/sentinel — ${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0].model}), load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}, Node ${process.version}${PIN ? ', sentinel + loader pinned to CPU 0, senders to CPU 1' : ''}`,
);
console.log(
  '\nkernel ring buffer -> loader -> sentinel -> signed EventBatch -> acked JetStream publish',
);
console.log(
  '| load | offered | events published | events/s | sentinel CPU | loader CPU | events per CPU-second (sentinel + loader) | ring-buffer lost | buffer dropped |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${typeof r.offered === 'number' ? fmt(r.offered) : r.offered} | ${fmt(r.published)} | ${fmt(r.eventsPerSecond)} | ${(r.sentinelCpu * 100).toFixed(0)}% | ${(r.loaderCpu * 100).toFixed(0)}% | ${fmt(r.eventsPerSecond / (r.sentinelCpu + r.loaderCpu))} | ${fmt(r.ringbufLost)} | ${fmt(r.bufferDropped)} |`,
  );
}
console.log('| target (issue 4) | | | ≥ 100,000 on one core | | | ≥ 100,000 | 0 at 50,000/s | |');
console.log('| Falco (own benchmark) | | | 4,372 | 38% | | ~11,500 | 2% | |');
console.log('| Tracee (published) | | | ~50,000 | ~150% | | ~33,000 | | |');
function printDrops(title, rows) {
  console.log(title);
  console.log(
    '| drop | packets sent | dropped | dropped/s | CPU-seconds | dropped per CPU-second | drop program ns/packet |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${fmt(r.sent)} | ${fmt(r.drops)} | ${fmt(r.pps)} | ${r.cpuSeconds.toFixed(2)} | ${fmt(r.perCpuSecond)} | ${r.programNs === undefined ? 'n/a' : r.programNs.toFixed(0)} |`,
    );
  }
  const [native, generic, nft] = rows;
  console.log(
    `\nper CPU-second, XDP native drops ${(native.perCpuSecond / nft.perCpuSecond).toFixed(2)}x and XDP generic ${(generic.perCpuSecond / nft.perCpuSecond).toFixed(2)}x what nftables drops (issue 4: XDP must drop more per CPU).`,
  );
}
printDrops(
  `\nveth: the same blocked UDP flood from A (${fmt(DROP_RATE)} packets/s offered, ${SECONDS} s), dropped at B; CPU = the sender's (the veth receive path runs in its context) + softirq. Native XDP on a veth converts an skb that already exists: no driver-level advantage to show.`,
  vethDrops,
);
printDrops(
  `\nTAP device as a stand-in for a NIC driver: a writer in B feeds raw Ethernet frames (${fmt(DROP_RATE)}/s offered, ${SECONDS} s) into a tap; the tun driver runs native XDP on the frame before allocating an skb, as a NIC driver does; generic XDP and nftables need the skb. CPU = the writer's (the receive path runs in its write()) + softirq.`,
  tapDrops,
);
process.exit(0);

// Runs a load sender (udp-flood, tap-writer); each prints "<frames sent> <CPU seconds>".
function runSender(command, argv, name) {
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited ${code}`));
      const [sent, cpuSeconds] = out.trim().split(' ').map(Number);
      resolve({ sent, cpuSeconds });
    }),
  );
}
