#!/usr/bin/env node
// Unary calls through the gateway against the same calls straight to the service, in one run:
// `omega up`'s stack (trust, orchestrator, gateway as built processes, mutual TLS 1.3 on every hop)
// and an operator's certificate; OrchestratorService/ListPlaybooks, the same request both ways.
//
//   npx tsc -b tsconfig.build.json && npx node bench/gateway/bench.mjs [--calls 5000]
//     [--in-flight 32] [--rounds 3] [--no-build]
//
// Rounds alternate direct and gateway so that drift of a shared machine hits both alike; each
// prints calls/s and p50/p99 latency with --in-flight calls at a time and with one, then the
// gateway's share of direct throughput and the p50 it adds to a call alone (issue #17's targets:
// ≥ 80% and < 1 ms). The caller, the gateway, the orchestrator, trust and nats-server share the
// machine's cores: through the gateway, each call also costs the gateway's CPU on those cores.
// A third row calls the gateway's web port (Connect binary over HTTP/1.1, connect-node's client) with
// a bearer token from CreateToken: the browser protocol's cost beside the gRPC port's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    'in-flight': { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build'])
  execFileSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

const { LocalStack } = require(join(root, 'apps', 'cli', 'dist', 'local-stack.js'));
const { cliChannelCredentials } = require(
  join(root, 'apps', 'cli', 'dist', 'operator-identity.js'),
);
const {
  CreateTokenRequest,
  DESCRIPTOR_SET_BASE64,
  GatewayServiceClient,
  OrchestratorServiceClient,
  ListPlaybooksRequest,
} = require('@omega/proto');
const { createFileRegistry, fromBinary } = require('@bufbuild/protobuf');
const { FileDescriptorSetSchema } = require('@bufbuild/protobuf/wkt');
const { createClient } = require('@connectrpc/connect');
const { createConnectTransport } = require('@connectrpc/connect-node');
const { GATEWAY_WEB_PORT, LOCAL_PORTS } = require('@omega/service');
const { createPromiseClient } = require('@omega/runtime');

const calls = Number(args.calls);
const rounds = Number(args.rounds);
const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-gateway-'));
const stack = new LocalStack({
  root,
  stateDir: dataDir,
  portOffset: 1000 + Math.floor(Math.random() * 1900),
  services: ['trust', 'orchestrator', 'gateway'],
  out: () => undefined,
  readyTimeoutMs: 90_000,
  nodeBin: process.execPath,
  // The per-caller limits (200 calls/s by default) would measure themselves, not the hop.
  serviceEnv: {
    gateway: {
      OMEGA_GATEWAY_LIMITS_CALLS_PER_SECOND: '1000000',
      OMEGA_GATEWAY_LIMITS_BURST: '1000000',
    },
  },
});

/** `calls` ListPlaybooks calls, `inFlight` at a time: calls/s and latency percentiles in ms. */
async function measure(client, inFlight = Number(args['in-flight'])) {
  const request = ListPlaybooksRequest.fromPartial({});
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) {
        next++;
        const t = performance.now();
        await client.listPlaybooks(request);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond: calls / seconds, p50: at(0.5), p99: at(0.99) };
}

const fmt = (r) =>
  `${Math.round(r.perSecond).toLocaleString('en')} calls/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;

/**
 * ListPlaybooks on the gateway's web port: Connect binary with connect-node's client, authenticated
 * by an admin token the operator's certificate creates on the gRPC port. Over HTTP/1.1 (keep-alive):
 * Node 24.20+'s HTTP/2 client intermittently reports a complete response as a premature close
 * (nodejs/node#65677), which fails connect-node's HTTP/2 unary calls under load.
 */
async function webClient(gatewayAddress) {
  const gateway = createPromiseClient(GatewayServiceClient, gatewayAddress, {
    credentials: await cliChannelCredentials(dataDir, 'gateway'),
    timeoutMs: 30_000,
  });
  const { secret } = await gateway.createToken(
    CreateTokenRequest.fromPartial({ description: 'bench/gateway' }),
  );
  gateway.close();
  const registry = createFileRegistry(
    fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
  );
  const port = GATEWAY_WEB_PORT - LOCAL_PORTS.gateway.grpcPort + stack.portsOf('gateway').grpcPort;
  const transport = createConnectTransport({
    baseUrl: `https://localhost:${port}`,
    httpVersion: '1.1',
    useBinaryFormat: true,
    nodeOptions: { ca: readFileSync(join(dataDir, 'operator', 'ca.pem')) },
    interceptors: [
      (next) => (request) => {
        request.header.set('authorization', `Bearer ${secret}`);
        return next(request);
      },
    ],
  });
  const client = createClient(registry.getService('omega.v1.OrchestratorService'), transport);
  return {
    listPlaybooks: () => client.listPlaybooks({}, { timeoutMs: 30_000 }),
    close: () => undefined,
  };
}

try {
  await stack.start();
  const address = (name) => `127.0.0.1:${stack.portsOf(name).grpcPort}`;
  const clientOf = async (name, via) =>
    createPromiseClient(OrchestratorServiceClient, address(via), {
      credentials: await cliChannelCredentials(dataDir, name),
      timeoutMs: 30_000,
    });
  const direct = await clientOf('orchestrator', 'orchestrator');
  const gateway = await clientOf('gateway', 'gateway');
  const web = await webClient(address('gateway'));
  // Warm-up: connections, handshakes, JIT, on every path.
  await measure(direct);
  await measure(gateway);
  await measure(web);
  const results = { direct: [], gateway: [], web: [] };
  // One call at a time: the latency a hop adds, without queueing behind other calls.
  const alone = { direct: [], gateway: [], web: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const [name, client] of [
      ['direct', direct],
      ['gateway', gateway],
      ['web', web],
    ]) {
      const result = await measure(client);
      results[name].push(result);
      console.log(`round ${round} ${name.padEnd(7)} ${fmt(result)}`);
      const single = await measure(client, 1);
      alone[name].push(single);
      console.log(`round ${round} ${name.padEnd(7)} one at a time: ${fmt(single)}`);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const directRate = median(results.direct.map((r) => r.perSecond));
  const gatewayRate = median(results.gateway.map((r) => r.perSecond));
  const webRate = median(results.web.map((r) => r.perSecond));
  const addedP50 = median(alone.gateway.map((r) => r.p50)) - median(alone.direct.map((r) => r.p50));
  const webAddedP50 = median(alone.web.map((r) => r.p50)) - median(alone.direct.map((r) => r.p50));
  console.log(
    `\nListPlaybooks, ${calls} calls × ${rounds} rounds, ${args['in-flight']} in flight, mutual TLS on every hop (medians):`,
  );
  console.log(
    `  straight to the orchestrator  ${Math.round(directRate).toLocaleString('en')} calls/s`,
  );
  console.log(
    `  through the gateway           ${Math.round(gatewayRate).toLocaleString('en')} calls/s`,
  );
  console.log(
    `  through the web port (Connect) ${Math.round(webRate).toLocaleString('en')} calls/s`,
  );
  console.log(
    `  gateway/direct ${((100 * gatewayRate) / directRate).toFixed(0)}% (target ≥ 80%); p50 added one call at a time ${addedP50.toFixed(2)} ms (target < 1 ms)`,
  );
  console.log(
    `  web/direct ${((100 * webRate) / directRate).toFixed(0)}%, web/gateway ${((100 * webRate) / gatewayRate).toFixed(0)}%; p50 added one call at a time ${webAddedP50.toFixed(2)} ms`,
  );
  direct.close();
  gateway.close();
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
