#!/usr/bin/env node
// The trust audit log (apps/trust) on a real nats-server: batched appends/s and append-to-checkpoint
// latency through AuditLog (JetStream publish with expected sequence + dedupe id, tiles in KV, one
// hybrid-signed checkpoint per batch), then restart time and inclusion-proof latency at 1M entries.
// Over 400 lines on purpose: one driver whose measures share the log and the trust process it starts.
//
//   npx tsc -b apps/trust && npx node bench/trust/bench.mjs [--appends 20000] [--concurrency 2000]
//     [--size 1000000] [--no-build] [--leaf-messages packed|atomic|single]
//     [--service-appends 80000] [--service-warmup 20000] [--call-size 128] [--calls-in-flight 32]
//     [--client-window omega|default] [--service-only [--runs N]]
//     [--zero-trust compare|plain|secure]
//
// Through the service, `--zero-trust compare` (the default) runs the same appends twice: on a
// plaintext bus with an insecure gRPC channel, and with zero trust on (the bus with TLS 1.3 and
// NATS auth, trust's gRPC over mutual TLS, the caller enrolled as service/intelligence, one of the
// identities the method table lets call AppendAuditBatch), and prints the cost.
//
// The 1M-entry tree is built in memory (CompactRange + TileBuilder) and its tiles, partial entry
// bundle and checkpoint are written where the service keeps them; restart then does exactly what
// it does for a real log (last checkpoint from the stream + right edge from tiles, no entries
// read), and proofs go through the service's TileStore (KV, then its in-memory tile cache).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { cpuSecondsOf, startZeroTrust, zeroTrustCost, zeroTrustModes } from '../zero-trust.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    appends: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '2000' },
    size: { type: 'string', default: '1000000' },
    proofs: { type: 'string', default: '2000' },
    // Through the service: appends measured after a warm-up under the same load, entries per
    // AppendAuditBatch call, and calls in flight.
    'service-appends': { type: 'string', default: '80000' },
    'service-warmup': { type: 'string', default: '20000' },
    'client-window': { type: 'string', default: 'omega' },
    'call-size': { type: 'string', default: '128' },
    'calls-in-flight': { type: 'string', default: '32' },
    // The service's trust.maxBatchEntries (OMEGA_TRUST_MAX_BATCH_ENTRIES); default: its default.
    'service-max-batch': { type: 'string' },
    // Write the trust process's CPU profile (node --cpu-prof) into this directory.
    'trust-cpu-prof': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    // How leaves go into AUDIT: packed (the default), atomic batches or one publish per leaf.
    'leaf-messages': { type: 'string', default: 'packed' },
    // Only the through-the-service measure, repeated --runs times (each on a fresh trust and
    // nats-server): the one figure that scatters most from run to run.
    'service-only': { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    // Through the service: plaintext, zero trust (TLS + NATS auth + gRPC mTLS), or both.
    'zero-trust': { type: 'string', default: 'compare' },
  },
});
const MODES = zeroTrustModes(args['zero-trust']);
/** The caller enrolls as an identity the method table lets call AppendAuditBatch. */
const CALLER = 'service/intelligence';
if (!args['no-build'])
  execFileSync('npx', ['tsc', '-b', 'apps/trust', 'libs/testkit', 'libs/trust-client'], {
    cwd: root,
    stdio: 'inherit',
  });

const trustDist = join(root, 'apps', 'trust', 'dist', 'audit');
const { startNatsServer, startTrust } = require('@omega/testkit');
const { connectBus, provision, publish, subjects } = require('@omega/bus');
const {
  HybridSigner,
  HybridVerifier,
  generateHybridSecretKey,
  loadMlDsaBackend,
} = require('@omega/crypto');
const {
  CompactRange,
  TileBuilder,
  hashLeaf,
  signCheckpoint,
  encodeEntryBundle,
  partialEntryBundle,
  checkpointToMessage,
} = require('@omega/auditlog');
const { AuditEntry, AuditEntryKind, TrustServiceClient } = require('@omega/proto');
const { trustServiceClient } = require('@omega/trust-client');
const { createLogger, createPromiseClient } = require('@omega/runtime');
const { AuditLog, LEAF_SEQ_HEADER } = require(join(trustDist, 'audit-log.js'));
const { INDEX_HEADER } = require(join(trustDist, 'audit-stream.js'));
const { headers: natsHeaders } = require('@nats-io/transport-node');
const { TileStore } = require(join(trustDist, 'tile-store.js'));
const { logNoteSigners, logCheckpointPolicy } = require(join(trustDist, 'log-keys.js'));
const { Checkpoint } = require('@omega/proto');

const ORIGIN = 'omega.bench/audit';
const logger = createLogger({ service: 'trust', level: 'silent' });
const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const entry = (n) =>
  AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    timeNs: BigInt(n),
    subject: `alert-${n}`,
    summary: `bench alert ${n} on node-a: outbound scan of 10.0.0.0/24`,
  });

async function openLog(bus, key, mlDsa, tiles) {
  return AuditLog.open({
    bus,
    origin: ORIGIN,
    signers: logNoteSigners(ORIGIN, key, mlDsa),
    policy: logCheckpointPolicy(ORIGIN, key.publicKey, mlDsa),
    publicKey: key.publicKey,
    tiles: tiles ?? (await TileStore.open(bus)),
    logger,
    leafMessages: args['leaf-messages'],
  });
}

async function appendBench(url, key, mlDsa) {
  const bus = await connectBus({ servers: url, name: 'bench-trust', logger });
  await provision(bus, { streams: ['AUDIT'] });
  const log = await openLog(bus, key, mlDsa);
  const total = Number(args.appends);
  const concurrency = Number(args.concurrency);
  // Warm-up: JIT, liboqs, the connection.
  await Promise.all(
    Array.from({ length: 2000 }, (_, n) => log.append(entry(n), { requestId: `warm-${n}` })),
  );
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const n = next++;
        const t0 = performance.now();
        await log.append(entry(n), { requestId: `bench-${n}` });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  await log.close();
  await bus.drain();
  return { perSecond: total / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/** Batches and checkpoint time so far, from trust's own metrics. */
async function trustMetrics(trust) {
  const text = await (await fetch(`http://127.0.0.1:${trust.httpPort}/metrics`)).text();
  const metric = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
  return {
    batches: metric('omega_trust_audit_batch_size_count'),
    batchedAppends: metric('omega_trust_audit_batch_size_sum'),
    checkpointSeconds: metric('omega_trust_audit_checkpoint_duration_seconds_sum'),
  };
}

// The same appends through the service as it ships: apps/trust/dist/main.js as its own process
// on its own nats-server, this process the caller, AppendAuditBatch over gRPC; each call resolves
// once a signed checkpoint covers all of its entries, with their offline bundles.
// `mode` secure: the same with zero trust on (see the top of this file).
async function serviceBench(mode = 'plain') {
  const trustEnv = {
    ...(args['trust-cpu-prof']
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${args['trust-cpu-prof']}` }
      : {}),
    ...(args['service-max-batch']
      ? { OMEGA_TRUST_MAX_BATCH_ENTRIES: args['service-max-batch'] }
      : {}),
  };
  let trust;
  let natsPid;
  let credentials;
  let stopServers;
  if (mode === 'secure') {
    const zeroTrust = await startZeroTrust({ identities: [CALLER], trustEnv });
    trust = zeroTrust.trust;
    natsPid = zeroTrust.nats.pid;
    credentials = zeroTrust.grpcCredentials(await zeroTrust.enroll(CALLER));
    stopServers = () => zeroTrust.stop();
  } else {
    const server = await startNatsServer({ jetstream: true });
    trust = await startTrust({ natsUrl: server.url, env: trustEnv });
    natsPid = server.pid;
    stopServers = async () => {
      await trust.stop();
      await server.stop();
    };
  }
  // The client Omega's services use (TRUST_CHANNEL_OPTIONS: reconnect backoff, 8 MiB HTTP/2
  // window); --client-window default gives grpc-js's own 64 KiB window, for comparison.
  const client =
    args['client-window'] === 'default'
      ? createPromiseClient(TrustServiceClient, trust.address, credentials ? { credentials } : {})
      : trustServiceClient(trust.address, credentials);
  const appendBatch = (request) => client.appendAuditBatch(request);
  try {
    const total = Number(args['service-appends']);
    const callSize = Number(args['call-size']);
    const call = (first, count, tag) =>
      appendBatch({
        appends: Array.from({ length: Math.min(callSize, count - first) }, (_, i) => ({
          entry: entry(first + i),
          requestId: `${tag}-${first + i}`,
          commit: false,
        })),
      });
    // `count` appends in calls of callSize, calls-in-flight at a time; latency per call.
    const load = async (count, tag) => {
      const latencies = [];
      let next = 0;
      let bundles = 0;
      await Promise.all(
        Array.from({ length: Number(args['calls-in-flight']) }, async () => {
          while (next < count) {
            const first = next;
            next += callSize;
            const t0 = performance.now();
            const { results, checkpointNotes } = await call(first, count, tag);
            latencies.push(performance.now() - t0);
            if (checkpointNotes.length === 0)
              throw new Error('a batch came back without its checkpoint');
            bundles += results.filter((r) => r.inclusionProof.length > 0).length;
          }
        }),
      );
      if (bundles !== count) throw new Error(`${bundles} bundles for ${count} appends`);
      return latencies;
    };
    // Warm-up under the same load: the connection, and JIT on both sides up to its optimising
    // tier (a short warm-up left trust's hot paths in baseline code for a 20,000-append run).
    await load(Number(args['service-warmup']), 'warm');
    const before = await trustMetrics(trust);
    // CPU per append of trust, nats-server and this process (the caller): what zero trust adds
    // whatever the machine's load, beside the rate.
    const cpu0 = { trust: cpuSecondsOf(trust.pid), nats: cpuSecondsOf(natsPid) };
    const caller0 = process.cpuUsage();
    const started = performance.now();
    const latencies = await load(total, 'svc');
    const seconds = (performance.now() - started) / 1000;
    const caller = process.cpuUsage(caller0);
    const cpuUsPerAppend = {
      trust: ((cpuSecondsOf(trust.pid) - cpu0.trust) * 1e6) / total,
      nats: ((cpuSecondsOf(natsPid) - cpu0.nats) * 1e6) / total,
      caller: (caller.user + caller.system) / total,
    };
    latencies.sort((a, b) => a - b);
    const after = await trustMetrics(trust);
    const batches = after.batches - before.batches;
    return {
      perSecond: total / seconds,
      cpuUsPerAppend,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      batches,
      meanBatch: (after.batchedAppends - before.batchedAppends) / batches,
      meanCheckpointMs: ((after.checkpointSeconds - before.checkpointSeconds) * 1000) / batches,
    };
  } finally {
    client.close();
    await stopServers();
  }
}

async function millionBench(url, key, mlDsa) {
  const size = Number(args.size);
  const bus = await connectBus({ servers: url, name: 'bench-trust-1m', logger });
  await provision(bus, { streams: ['AUDIT'] });
  // A fresh origin's stream state: build the tree in memory, write its tiles where trust keeps them.
  const t0 = performance.now();
  const range = new CompactRange();
  const builder = new TileBuilder();
  const touched = new Map();
  const leaves = [];
  for (let start = 0; start < size; start += 65536) {
    const batch = [];
    for (let i = start; i < Math.min(size, start + 65536); i++) {
      const leaf = AuditEntry.encode(entry(i)).finish();
      if (i >= size - (size % 256)) leaves.push(leaf);
      batch.push(hashLeaf(leaf));
    }
    for (const tile of builder.add(range.appendBatch(batch).completed)) {
      touched.set(`${tile.id.level}/${tile.id.index}`, tile);
    }
  }
  const tiles = await TileStore.open(bus, 0);
  const all = [...touched.values()];
  for (let i = 0; i < all.length; i += 512) await tiles.write(all.slice(i, i + 512), []);
  const bundle = partialEntryBundle(size);
  if (bundle) await tiles.write([], [{ id: bundle, bytes: encodeEntryBundle(leaves) }]);
  const note = await signCheckpoint(
    { origin: ORIGIN, size, rootHash: range.root() },
    logNoteSigners(ORIGIN, key, mlDsa),
  );
  // Restore checks that a checkpoint's leaf-seq header points at the message holding its last
  // leaf: put that one leaf on the stream (the others exist only as tiles in this bench).
  const lastLeafHeaders = natsHeaders();
  lastLeafHeaders.set(INDEX_HEADER, String(size - 1));
  const last = await bus.js.publish(
    subjects.auditLeaves,
    AuditEntry.encode(entry(size - 1)).finish(),
    { headers: lastLeafHeaders },
  );
  await publish(
    bus,
    subjects.auditCheckpoints,
    Checkpoint,
    checkpointToMessage(note, key.publicKey.keyId, 0n),
    {
      headers: { [LEAF_SEQ_HEADER]: String(last.seq) },
    },
  );
  const prepareSeconds = (performance.now() - t0) / 1000;

  const restartStart = performance.now();
  const log = await openLog(bus, key, mlDsa, await TileStore.open(bus));
  const restartMs = performance.now() - restartStart;
  if (log.restored.rebuiltFromEntries || log.size !== size)
    throw new Error(`restart did not restore ${size}`);

  // First pass: tiles come from KV (cold); second pass over the same leaves: tiles are cached.
  const indexes = Array.from({ length: Number(args.proofs) }, () =>
    Math.floor(Math.random() * size),
  );
  const timeProofs = async () => {
    const ms = [];
    for (const index of indexes) {
      const p0 = performance.now();
      await log.inclusionProof(index, size);
      ms.push(performance.now() - p0);
    }
    return ms.sort((a, b) => a - b);
  };
  const coldMs = await timeProofs();
  const proofMs = await timeProofs();
  await log.close();
  await bus.drain();
  return {
    prepareSeconds,
    restartMs,
    restored: log.restored,
    proofP50: pct(proofMs, 50),
    proofP99: pct(proofMs, 99),
    coldP50: pct(coldMs, 50),
    coldP99: pct(coldMs, 99),
  };
}

// Hybrid (Ed25519 + ML-DSA-65) sign and verify per CPU-second with liboqs and with noble, on one
// key, the way trust signs checkpoints (bench/crypto has all three backends and more rounds).
async function signVerifyBench(key) {
  const payload = new Uint8Array(1024).fill(7);
  const perCpuSecond = (operation, seconds = 1) => {
    for (let i = 0; i < 3; i++) operation();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let ops = 0;
    while (performance.now() - t0 < seconds * 1000) {
      operation();
      ops++;
    }
    const cpu = process.cpuUsage(cpu0);
    return ops / ((cpu.user + cpu.system) / 1e6);
  };
  const result = {};
  for (const name of ['liboqs', 'noble']) {
    const backend = await loadMlDsaBackend(name);
    const signer = new HybridSigner(key, backend);
    const verifier = new HybridVerifier(backend);
    const signature = signer.sign('audit-checkpoint', payload);
    result[name] = {
      sign: perCpuSecond(() => signer.sign('audit-checkpoint', payload)),
      verify: perCpuSecond(() =>
        verifier.verify(key.publicKey, 'audit-checkpoint', payload, signature),
      ),
    };
  }
  return result;
}

const MODE_NAMES = {
  plain: 'plaintext',
  secure: 'zero trust (bus TLS + NATS auth, gRPC mTLS)',
};

if (args['service-only']) {
  const f = (n, d = 0) =>
    n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const rates = { plain: [], secure: [] };
  const trustCpu = { plain: [], secure: [] };
  for (let run = 1; run <= Number(args.runs); run++) {
    // Alternate which mode goes first, so drift in machine load does not favour one.
    const order = run % 2 === 1 ? MODES : [...MODES].reverse();
    for (const mode of order) {
      const service = await serviceBench(mode);
      rates[mode].push(service.perSecond);
      trustCpu[mode].push(service.cpuUsPerAppend.trust);
      console.log(
        `run ${run}, ${MODE_NAMES[mode]}: ${f(service.perSecond)} appends/s through the service (${f(Number(args['service-appends']))} appends after ${f(Number(args['service-warmup']))} to warm up, AppendAuditBatch of ${args['call-size']}, ${args['calls-in-flight']} in flight); call → checkpointed p50 / p99 ${f(service.p50, 1)} / ${f(service.p99, 1)} ms; ${f(service.batches)} batches of ${f(service.meanBatch)} on average, ${f(service.meanCheckpointMs, 1)} ms per checkpoint; CPU µs per append: trust ${f(service.cpuUsPerAppend.trust, 1)}, nats-server ${f(service.cpuUsPerAppend.nats, 1)}, caller ${f(service.cpuUsPerAppend.caller, 1)}; load ${loadavg()[0].toFixed(2)}`,
      );
    }
  }
  if (MODES.length === 2) {
    const range = (xs) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `plaintext ${range(rates.plain)} appends/s, zero trust ${range(rates.secure)}; zero-trust cost: ${zeroTrustCost(mean(rates.plain), mean(rates.secure))} (means of ${rates.plain.length} runs each; target ≤ 15%)`,
    );
    // Appends per CPU-second of trust: its capacity, steadier than the rate on a shared machine.
    const capacity = (xs) => 1e6 / mean(xs);
    console.log(
      `trust CPU per append: plaintext ${f(mean(trustCpu.plain), 1)} µs, zero trust ${f(mean(trustCpu.secure), 1)} µs; zero-trust cost in trust's appends per CPU-second: ${zeroTrustCost(capacity(trustCpu.plain), capacity(trustCpu.secure))}`,
    );
  }
  process.exit(0);
}

const server = await startNatsServer({ jetstream: true });
try {
  const mlDsa = await loadMlDsaBackend('liboqs');
  const key = generateHybridSecretKey(mlDsa);
  const appends = await appendBench(server.url, key, mlDsa);
  const million = await millionBench(server.url, key, mlDsa);
  const services = {};
  for (const mode of MODES) services[mode] = await serviceBench(mode);
  const crypto = await signVerifyBench(key);
  const f = (n, d = 0) =>
    n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `trust audit log bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.versions.node}, nats-server in-process`,
  );
  console.log('');
  console.log('| measure | Omega trust | target | anchor |');
  console.log('|---|---|---|---|');
  console.log(
    `| appends/s, batched (${{ packed: 'packed leaf messages', atomic: 'atomic batches', single: 'one publish per leaf' }[args['leaf-messages']]}), ${f(Number(args.appends))} appends, ${args.concurrency} in flight | ${f(appends.perSecond)} | ≥ 20,000 | Tessera ~2,900/s on 12 cores (published figure) |`,
  );
  console.log(
    `| append → signed checkpoint latency p50 / p99 | ${f(appends.p50, 1)} / ${f(appends.p99, 1)} ms | — | — |`,
  );
  for (const [mode, service] of Object.entries(services)) {
    console.log(
      `| appends/s through the service, ${MODE_NAMES[mode]}: trust process, gRPC AppendAuditBatch of ${args['call-size']}, ${args['calls-in-flight']} calls in flight, bundles returned; ${f(Number(args['service-appends']))} appends after ${f(Number(args['service-warmup']))} to warm up | ${f(service.perSecond)} | ≥ 20,000 | Tessera ~2,900/s on 12 cores (published figure) |`,
    );
    console.log(
      `| AppendAuditBatch call → all ${args['call-size']} entries checkpointed, p50 / p99, ${MODE_NAMES[mode]} | ${f(service.p50, 1)} / ${f(service.p99, 1)} ms | — | — |`,
    );
  }
  if (services.plain && services.secure) {
    console.log(
      `| trust CPU per append through the service, plaintext / zero trust | ${f(services.plain.cpuUsPerAppend.trust, 1)} / ${f(services.secure.cpuUsPerAppend.trust, 1)} µs | — | — |`,
    );
    console.log(
      `| zero-trust cost through the service (appends/s, zero trust vs plaintext) | ${zeroTrustCost(services.plain.perSecond, services.secure.perSecond)} | ≤ 15% | — |`,
    );
  }
  console.log(
    `| inclusion proof at ${f(Number(args.size))} entries, p50 / p99, tiles cached | ${f(million.proofP50, 3)} / ${f(million.proofP99, 3)} ms | p99 < 1 ms | — |`,
  );
  console.log(
    `| inclusion proof at ${f(Number(args.size))} entries, p50 / p99, tiles read from KV | ${f(million.coldP50, 3)} / ${f(million.coldP99, 3)} ms | — | — |`,
  );
  console.log(
    `| restart with ${f(Number(args.size))} entries (checkpoint + right edge from tiles) | ${f(million.restartMs, 0)} ms | < 5 s | — |`,
  );
  console.log('');
  for (const [mode, service] of Object.entries(services)) {
    console.log(
      `through the service, ${MODE_NAMES[mode]}: ${f(service.batches)} log batches of ${f(service.meanBatch)} appends on average, ${f(service.meanCheckpointMs, 1)} ms per checkpoint (tiles written, signed, published)`,
    );
  }
  console.log(
    `restart: ${JSON.stringify(million.restored)}; building the 1M tiles in memory and writing them took ${f(million.prepareSeconds, 1)} s`,
  );
  console.log('');
  console.log(
    '| hybrid Ed25519 + ML-DSA-65, per CPU-second | liboqs (WebAssembly) | noble (pure JS) | liboqs / noble |',
  );
  console.log('|---|---:|---:|---:|');
  for (const op of ['sign', 'verify']) {
    console.log(
      `| ${op} | ${f(crypto.liboqs[op])} | ${f(crypto.noble[op])} | ${f(crypto.liboqs[op] / crypto.noble[op], 1)}x |`,
    );
  }
  console.log(
    '(issue #3, measured here before: ML-DSA-65 sign ~1,360/CPU-s with liboqs vs ~104 with noble; more in bench/crypto)',
  );
} finally {
  await server.stop();
}
