#!/usr/bin/env node
// The gateway against the same calls straight to the service, in one run: `omega up`'s stack
// (trust, orchestrator, gateway as built processes, mutual TLS 1.3 on every hop) and an operator's
// certificate.
//
//   npx tsc -b tsconfig.build.json && npx node bench/gateway/bench.mjs [--calls 5000]
//     [--in-flight 32] [--rounds 3] [--stream-messages 1000] [--streams 16]
//     [--streams-in-flight 4] [--handshakes 800] [--only unary,streams,handshakes]
//     [--cpu-prof DIR] [--gateway-b apps/gateway/dist-b/main.js] [--no-build]
//
// - unary: OrchestratorService/ListPlaybooks, the same request both ways: calls/s with
//   --in-flight calls at a time, p50 one call at a time (issue #17's targets: ≥ 80% of direct
//   throughput, < 1 ms added p50); and on the gateway's web port (Connect, web-client.mjs);
// - streams: IntelligenceService/StreamAlerts from the bench's own backend (stream-backend.mjs,
//   a process enrolled as service/intelligence) streaming --stream-messages alerts per call:
//   messages/s with --streams-in-flight streams at a time, and time to first message one stream
//   at a time;
// - handshakes: TLS handshakes/s to the gateway's gRPC port asking for X25519MLKEM768 against
//   X25519, each handshake's negotiated group checked (the bench fails when it is not the one
//   asked for).
// --gateway-b runs a second gateway (another build's main.js, e.g. a copy of apps/gateway/dist with
// a change) beside the stack's, with its environment and kept identity, and adds it to the unary
// rounds: a change to the gateway measured against the unchanged one in the same run.
// Rounds alternate direct and gateway (and the two groups) so that drift of a shared machine hits
// both alike; the load average is printed beside each round. The caller, the gateway, the
// backends, trust and nats-server share the machine's cores: through the gateway, each call also
// costs the gateway's CPU on those cores.
import { Buffer } from 'node:buffer';
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureHandshakes, negotiatedGroup } from './handshakes.mjs';
import { cpuText, withCpu } from './process-cpu.mjs';
import { freePort, startSecondGateway } from './second-gateway.mjs';
import { webClient } from './web-client.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    'in-flight': { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    'stream-messages': { type: 'string', default: '1000' },
    streams: { type: 'string', default: '16' },
    'streams-in-flight': { type: 'string', default: '4' },
    handshakes: { type: 'string', default: '800' },
    only: { type: 'string', default: 'unary,streams,handshakes' },
    'cpu-prof': { type: 'string' },
    'gateway-b': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build'])
  execFileSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

const grpc = require('@grpc/grpc-js');
const { LocalStack } = require(join(root, 'apps', 'cli', 'dist', 'local-stack.js'));
const { cliChannelCredentials, readOperatorFiles } = require(
  join(root, 'apps', 'cli', 'dist', 'operator-identity.js'),
);
const {
  IntelligenceServiceService,
  OrchestratorServiceClient,
  ListPlaybooksRequest,
} = require('@omega/proto');
const { createPromiseClient } = require('@omega/runtime');
const { GATEWAY_WEB_PORT, LOCAL_PORTS } = require('@omega/service');

const calls = Number(args.calls);
const rounds = Number(args.rounds);
const streamMessages = Number(args['stream-messages']);
const parts = new Set(args.only.split(','));
const GROUPS = ['X25519MLKEM768', 'X25519'];

const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-gateway-'));
const backendPort = await freePort();
const stack = new LocalStack({
  root,
  stateDir: dataDir,
  portOffset: 1000 + Math.floor(Math.random() * 1900),
  services: ['trust', 'orchestrator', 'gateway'],
  out: () => undefined,
  readyTimeoutMs: 90_000,
  nodeBin: process.execPath,
  // The bench's streaming backend enrolls as the intelligence service the stack does not run.
  extraJoinTokens: ['service/intelligence'],
  serviceEnv: {
    gateway: {
      // The per-principal limits stay on (their cost is in every call) but far above the load.
      OMEGA_GATEWAY_LIMITS_CALLS_PER_SECOND: '1000000',
      OMEGA_GATEWAY_LIMITS_BURST: '1000000',
      OMEGA_GATEWAY_LIMITS_MAX_STREAMS: '1000',
      OMEGA_GATEWAY_INTELLIGENCE_ADDRESS: `127.0.0.1:${backendPort}`,
      ...(args['cpu-prof']
        ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(args['cpu-prof'])}` }
        : {}),
    },
  },
});

const load = () => `load ${loadavg()[0].toFixed(2)}`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const num = (value) => Math.round(value).toLocaleString('en');
const met = (ok) => (ok ? 'met' : 'missed');

/** `count` runs of `task`, `inFlight` at a time: per second, and each run's result. */
async function concurrently(count, inFlight, task) {
  const results = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next++;
        results.push(await task());
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), results };
}

/** ListPlaybooks `calls` times, `inFlight` at a time: calls/s and latency percentiles in ms. */
async function measureUnary(client, inFlight) {
  const request = ListPlaybooksRequest.fromPartial({});
  const { perSecond, results } = await concurrently(calls, inFlight, async () => {
    const t = performance.now();
    await client.listPlaybooks(request);
    return performance.now() - t;
  });
  results.sort((a, b) => a - b);
  return { perSecond, p50: percentile(results, 0.5), p99: percentile(results, 0.99) };
}

const passBytes = (bytes) => bytes;
/** The size of each streamed message, as the backend reports it at start. */
let messageBytes = 0;
const EMPTY_REQUEST = Buffer.alloc(0);

/** One StreamAlerts call read to its end: ms to the first message, and to the last. */
async function readStream(client) {
  const started = performance.now();
  const call = client.makeServerStreamRequest(
    IntelligenceServiceService.streamAlerts.path,
    passBytes,
    passBytes,
    EMPTY_REQUEST,
    new grpc.Metadata(),
    { deadline: Date.now() + 60_000 },
  );
  let firstMs;
  let count = 0;
  let bytes = 0;
  for await (const message of call) {
    firstMs ??= performance.now() - started;
    count++;
    bytes += message.length;
  }
  if (count !== streamMessages || bytes !== count * messageBytes) {
    throw new Error(`a stream ended after ${count} of ${streamMessages} messages (${bytes} bytes)`);
  }
  return { firstMs, totalMs: performance.now() - started };
}

/** Messages/s with `--streams-in-flight` streams at a time; first-message p50 one stream at a time. */
async function measureStreams(client) {
  const { perSecond } = await concurrently(
    Number(args.streams),
    Number(args['streams-in-flight']),
    () => readStream(client),
  );
  const alone = (await concurrently(Number(args.streams), 1, () => readStream(client))).results;
  const firsts = alone.map((r) => r.firstMs).sort((a, b) => a - b);
  return {
    messagesPerSecond: perSecond * streamMessages,
    aloneMessagesPerSecond: median(alone.map((r) => (1000 * streamMessages) / r.totalMs)),
    firstP50: percentile(firsts, 0.5),
  };
}

/** Forks stream-backend.mjs and waits until it serves. */
async function startStreamBackend() {
  const child = fork(
    join(here, 'stream-backend.mjs'),
    [
      ...['--root', root, '--data-dir', dataDir, '--port', String(backendPort)],
      ...['--trust', `127.0.0.1:${stack.portsOf('trust').grpcPort}`],
      ...['--messages', String(streamMessages)],
    ],
    { stdio: 'inherit' },
  );
  const ready = await new Promise((done, fail) => {
    child.once('message', done);
    child.once('exit', (code) => fail(new Error(`the streaming backend exited (${code})`)));
  });
  messageBytes = ready.messageBytes;
  return { child, messageBytes };
}

const summary = [];
let backend;
let gatewayB;
try {
  await stack.start();
  const address = (name) => `127.0.0.1:${stack.portsOf(name).grpcPort}`;
  const webPort =
    GATEWAY_WEB_PORT - LOCAL_PORTS.gateway.grpcPort + stack.portsOf('gateway').grpcPort;
  const paths = ['direct', 'gateway'];

  if (parts.has('unary')) {
    const clientOf = async (name, at) =>
      createPromiseClient(OrchestratorServiceClient, at, {
        credentials: await cliChannelCredentials(dataDir, name),
        timeoutMs: 30_000,
      });
    const clients = {
      direct: await clientOf('orchestrator', address('orchestrator')),
      gateway: await clientOf('gateway', address('gateway')),
      web: await webClient({ root, dataDir, gatewayAddress: address('gateway'), webPort }),
    };
    const unaryPaths = [...paths, 'web'];
    if (args['gateway-b']) {
      const gatewayPid = stack.status().find((row) => row.name === 'gateway').pid;
      gatewayB = await startSecondGateway(args['gateway-b'], gatewayPid);
      clients['gateway-b'] = await clientOf('gateway', gatewayB.address);
      unaryPaths.push('gateway-b');
    }
    const inFlight = Number(args['in-flight']);
    // Warm-up: connections, handshakes, JIT, on both paths.
    for (const path of unaryPaths) await measureUnary(clients[path], inFlight);
    const pids = Object.fromEntries(
      stack
        .status()
        .filter((row) => ['gateway', 'orchestrator'].includes(row.name))
        .map((row) => [row.name, row.pid]),
    );
    if (gatewayB) pids['gateway-b'] = gatewayB.child.pid;
    const loaded = Object.fromEntries(unaryPaths.map((path) => [path, []]));
    // One call at a time: the latency a hop adds, without queueing behind other calls.
    const alone = Object.fromEntries(unaryPaths.map((path) => [path, []]));
    for (let round = 1; round <= rounds; round++) {
      // With a second gateway, the two take turns going first.
      const order =
        round % 2 === 0 && gatewayB ? ['direct', 'gateway-b', 'gateway', 'web'] : unaryPaths;
      for (const path of order) {
        const result = await withCpu(pids, calls, () => measureUnary(clients[path], inFlight));
        loaded[path].push(result);
        const single = await measureUnary(clients[path], 1);
        alone[path].push(single);
        console.log(
          `unary round ${round} ${path.padEnd(9)} ${num(result.perSecond)} calls/s (p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms); one at a time p50 ${single.p50.toFixed(2)} ms, p99 ${single.p99.toFixed(2)} ms; CPU µs a call: ${cpuText(result.cpuUs)}  [${load()}]`,
        );
      }
    }
    for (const client of Object.values(clients)) client.close();
    const directRate = median(loaded.direct.map((r) => r.perSecond));
    const gatewayRate = median(loaded.gateway.map((r) => r.perSecond));
    const share = (100 * gatewayRate) / directRate;
    const directP50 = median(alone.direct.map((r) => r.p50));
    const addedP50 = median(alone.gateway.map((r) => r.p50)) - directP50;
    const cpu = (path, name) => median(loaded[path].map((r) => r.cpuUs[name]));
    summary.push(
      `unary ListPlaybooks, ${calls} calls × ${rounds} rounds, ${inFlight} in flight (medians):`,
      `  straight to the orchestrator  ${num(directRate)} calls/s, one at a time p50 ${directP50.toFixed(2)} ms`,
      `  through the gateway           ${num(gatewayRate)} calls/s, one at a time p50 ${(directP50 + addedP50).toFixed(2)} ms`,
      `  CPU µs a call (${inFlight} in flight): direct: caller ${num(cpu('direct', 'caller'))}, orchestrator ${num(cpu('direct', 'orchestrator'))}; through the gateway: caller ${num(cpu('gateway', 'caller'))}, gateway ${num(cpu('gateway', 'gateway'))}, orchestrator ${num(cpu('gateway', 'orchestrator'))}`,
      `  gateway/direct ${share.toFixed(0)}% (target ≥ 80%: ${met(share >= 80)}); p50 added ${addedP50.toFixed(2)} ms (target < 1 ms: ${met(addedP50 < 1)})`,
      `  web port (Connect binary, token) ${num(median(loaded.web.map((r) => r.perSecond)))} calls/s (${((100 * median(loaded.web.map((r) => r.perSecond))) / gatewayRate).toFixed(0)}% of the gRPC port), one at a time p50 ${median(alone.web.map((r) => r.p50)).toFixed(2)} ms; CPU µs a call: gateway ${num(cpu('web', 'gateway'))}`,
    );
    if (gatewayB) {
      const rateB = median(loaded['gateway-b'].map((r) => r.perSecond));
      const p50B = median(alone['gateway-b'].map((r) => r.p50));
      // Each round's own ratio: the two gateways' CPU a call, measured minutes apart at most.
      const cpuRatio = median(
        loaded['gateway-b'].map((r, i) => r.cpuUs['gateway-b'] / loaded.gateway[i].cpuUs.gateway),
      );
      summary.push(
        `  second gateway (${args['gateway-b']}): ${num(rateB)} calls/s (${((100 * rateB) / directRate).toFixed(0)}% of direct), one at a time p50 ${p50B.toFixed(2)} ms; CPU µs a call ${num(cpu('gateway-b', 'gateway-b'))}, ${cpuRatio.toFixed(2)}× the stack's gateway's (median of the rounds' ratios)`,
      );
    }
  }

  if (parts.has('streams')) {
    backend = await startStreamBackend();
    const clients = {
      direct: new grpc.Client(
        `127.0.0.1:${backendPort}`,
        await cliChannelCredentials(dataDir, 'intelligence'),
      ),
      gateway: new grpc.Client(address('gateway'), await cliChannelCredentials(dataDir, 'gateway')),
    };
    for (const path of paths) await measureStreams(clients[path]);
    const pids = {
      gateway: stack.status().find((row) => row.name === 'gateway').pid,
      backend: backend.child.pid,
    };
    const streamed = Number(args.streams) * streamMessages;
    const results = { direct: [], gateway: [] };
    for (let round = 1; round <= rounds; round++) {
      for (const path of paths) {
        const r = await withCpu(pids, 2 * streamed, () => measureStreams(clients[path]));
        results[path].push(r);
        console.log(
          `streams round ${round} ${path.padEnd(7)} ${num(r.messagesPerSecond)} messages/s (${args['streams-in-flight']} streams at a time), one stream ${num(r.aloneMessagesPerSecond)} messages/s, first message p50 ${r.firstP50.toFixed(2)} ms; CPU µs a message: ${cpuText(r.cpuUs)}  [${load()}]`,
        );
      }
    }
    for (const client of Object.values(clients)) client.close();
    const m = (path, key) => median(results[path].map((r) => r[key]));
    const m2 = (path, name) => median(results[path].map((r) => r.cpuUs[name])).toFixed(1);
    summary.push(
      `server streams StreamAlerts, ${args.streams} streams × ${streamMessages} messages of ${backend.messageBytes} bytes × ${rounds} rounds (medians):`,
      ...paths.map(
        (path) =>
          `  ${(path === 'direct' ? 'straight to the backend' : 'through the gateway').padEnd(28)} ${num(m(path, 'messagesPerSecond'))} messages/s at ${args['streams-in-flight']} streams, ${num(m(path, 'aloneMessagesPerSecond'))} one stream; first message p50 ${m(path, 'firstP50').toFixed(2)} ms`,
      ),
      `  CPU µs a message: straight: caller ${m2('direct', 'caller')}, backend ${m2('direct', 'backend')}; through the gateway: caller ${m2('gateway', 'caller')}, gateway ${m2('gateway', 'gateway')}, backend ${m2('gateway', 'backend')}`,
      `  gateway/direct ${((100 * m('gateway', 'messagesPerSecond')) / m('direct', 'messagesPerSecond')).toFixed(0)}% of messages/s; first message ${(m('gateway', 'firstP50') - m('direct', 'firstP50')).toFixed(2)} ms later`,
    );
  }

  if (parts.has('handshakes')) {
    const files = await readOperatorFiles(dataDir);
    const port = stack.portsOf('gateway').grpcPort;
    const defaultGroup = await negotiatedGroup(port, files, undefined);
    const pids = { gateway: stack.status().find((row) => row.name === 'gateway').pid };
    // Short blocks, alternating groups, several per round: a handshake takes ~2 ms, so a block
    // is well under a second and drift of the shared machine falls on both groups alike.
    const blocks = 4;
    const options = { count: Math.ceil(Number(args.handshakes) / blocks), inFlight: 4 };
    for (const group of GROUPS) await measureHandshakes(port, files, group, options);
    const rates = Object.fromEntries(GROUPS.map((group) => [group, []]));
    for (let round = 1; round <= rounds; round++) {
      const round_ = Object.fromEntries(GROUPS.map((group) => [group, []]));
      for (let block = 0; block < blocks; block++) {
        for (const group of GROUPS) {
          round_[group].push(
            await withCpu(pids, options.count, async () => ({
              perSecond: await measureHandshakes(port, files, group, options),
            })),
          );
        }
      }
      for (const group of GROUPS) {
        const perSecond = median(round_[group].map((r) => r.perSecond));
        // CPU over all the round's blocks (a mean: each block alone is a few clock ticks).
        const mean = (name) =>
          round_[group].reduce((sum, r) => sum + r.cpuUs[name], 0) / round_[group].length;
        const cpuUs = { caller: mean('caller'), gateway: mean('gateway') };
        rates[group].push({ perSecond, cpuUs });
        console.log(
          `handshakes round ${round} ${group.padEnd(14)} ${num(perSecond)} handshakes/s (negotiated ${group}, checked on each); CPU µs a handshake: ${cpuText(cpuUs)}  [${load()}]`,
        );
      }
    }
    const m = (group, pick) => median(rates[group].map(pick));
    const [hybrid, classic] = GROUPS.map((group) => m(group, (r) => r.perSecond));
    const [hybridCpu, classicCpu] = GROUPS.map((group) => m(group, (r) => r.cpuUs.gateway));
    summary.push(
      `TLS 1.3 handshakes to the gateway (mutual, P-256 certificates), ${args.handshakes} per group × ${rounds} rounds in alternating blocks, 4 at a time (medians):`,
      `  X25519MLKEM768  ${num(hybrid)} handshakes/s; gateway CPU ${num(hybridCpu)} µs a handshake`,
      `  X25519          ${num(classic)} handshakes/s; gateway CPU ${num(classicCpu)} µs a handshake`,
      `  X25519MLKEM768/X25519: ${(hybrid / classic).toFixed(2)}× the rate, ${(hybridCpu / classicCpu).toFixed(2)}× the gateway's CPU; with Node's defaults (Omega sets no group list) a handshake negotiates ${defaultGroup}`,
    );
  }
} finally {
  backend?.child.kill('SIGTERM');
  gatewayB?.child.kill('SIGTERM');
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`\n${summary.join('\n')}\n(${load()} at the end)`);
