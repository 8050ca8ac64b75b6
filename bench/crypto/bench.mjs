#!/usr/bin/env node
// Hybrid (Ed25519 + ML-DSA-65) sign and verify ops/s through libs/crypto with each ML-DSA backend
// (liboqs WebAssembly, noble pure JS, node:crypto / OpenSSL 3.5) in one run, interleaved rounds,
// medians. Anchors in the same run: each backend's bare ML-DSA-65 sign/verify and node:crypto
// Ed25519 alone, i.e. the two halves a hybrid operation is made of.
//
//   npx node bench/crypto/bench.mjs [--seconds 1] [--rounds 5] [--payload 1024] [--json]
//
// Builds libs/crypto first (incremental, a no-op when fresh) unless --no-build is given, then
// imports its dist/ output, so what is measured is what services run.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
    payload: { type: 'string', default: '1024' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const PAYLOAD_BYTES = Number(args.payload);
const PURPOSE = 'event-batch';

if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/crypto'], {
    cwd: root,
    stdio: 'inherit',
  });
}

const {
  CRYPTO_BACKENDS,
  HybridSigner,
  HybridVerifier,
  generateHybridSecretKey,
  loadMlDsaBackend,
  signedMessage,
} = require('@omega/crypto');

/** Runs `operation` for about SECONDS; returns ops per wall second and per CPU second. */
function measure(operation) {
  for (let i = 0; i < 3; i++) operation(); // warm up (JIT, WebAssembly tiers, key caches)
  const budgetMs = SECONDS * 1000;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let ops = 0;
  let elapsedMs = 0;
  do {
    for (let i = 0; i < 4; i++) operation();
    ops += 4;
    elapsedMs = performance.now() - start;
  } while (elapsedMs < budgetMs);
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { perSecond: ops / (elapsedMs / 1000), perCpuSecond: ops / cpuSeconds };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// One key pair (made by liboqs, as in production) signed and verified through every backend.
const backends = {};
for (const name of CRYPTO_BACKENDS) backends[name] = await loadMlDsaBackend(name);
const secretKey = generateHybridSecretKey(backends.liboqs);
const publicKey = secretKey.publicKey;
const payload = randomBytes(PAYLOAD_BYTES);
const message = signedMessage(PURPOSE, payload);
const mlDsaSecretKey = secretKey.mlDsa.exposeBytes();
const ed25519Private = createPrivateKey({
  key: Buffer.from(secretKey.ed25519.exposeBytes()),
  format: 'raw-private',
  asymmetricKeyType: 'ed25519',
});
const ed25519Public = createPublicKey(ed25519Private);
const ed25519Signature = sign(null, message, ed25519Private);

/** Each row: a label and, per backend (or once for backend-independent anchors), an operation. */
const rows = [];
for (const name of CRYPTO_BACKENDS) {
  const mlDsa = backends[name];
  const signer = new HybridSigner(secretKey, mlDsa);
  const verifier = new HybridVerifier(mlDsa);
  const signature = signer.sign(PURPOSE, payload);
  verifier.verify(publicKey, PURPOSE, payload, signature); // throws if the setup is wrong
  const mlDsaSignature = mlDsa.sign(message, mlDsaSecretKey);
  rows.push(
    { row: 'hybrid sign', backend: name, op: () => signer.sign(PURPOSE, payload) },
    {
      row: 'hybrid verify',
      backend: name,
      op: () => verifier.verify(publicKey, PURPOSE, payload, signature),
    },
    { row: 'ml-dsa-65 sign alone', backend: name, op: () => mlDsa.sign(message, mlDsaSecretKey) },
    {
      row: 'ml-dsa-65 verify alone',
      backend: name,
      op: () => mlDsa.verify(message, mlDsaSignature, publicKey.mlDsa),
    },
  );
}
rows.push(
  { row: 'ed25519 sign alone', backend: 'node', op: () => sign(null, message, ed25519Private) },
  {
    row: 'ed25519 verify alone',
    backend: 'node',
    op: () => verify(null, message, ed25519Public, ed25519Signature),
  },
);

// Interleaved rounds, rotating the order, so a busy moment on the shared machine hits every
// variant rather than one.
const samples = new Map(rows.map((r) => [r, { perSecond: [], perCpuSecond: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  const order = rows.map((_, i) => rows[(i + round * 7) % rows.length]);
  for (const r of order) {
    const { perSecond, perCpuSecond } = measure(r.op);
    samples.get(r).perSecond.push(perSecond);
    samples.get(r).perCpuSecond.push(perCpuSecond);
  }
  if (!args.json) process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}

const results = rows.map((r) => ({
  operation: r.row,
  backend: r.backend,
  opsPerSecond: Math.round(median(samples.get(r).perSecond)),
  opsPerCpuSecond: Math.round(median(samples.get(r).perCpuSecond)),
}));

const environment = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  openssl: process.versions.openssl,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  seconds: SECONDS,
  rounds: ROUNDS,
  payloadBytes: PAYLOAD_BYTES,
};

if (args.json) {
  process.stdout.write(`${JSON.stringify({ environment, results }, null, 2)}\n`);
} else {
  const fmt = (n) => (n === undefined ? '—' : n.toLocaleString('en-US'));
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
  const printTable = (title, field) => {
    const lookup = (operation, backend) =>
      results.find((r) => r.operation === operation && r.backend === backend)?.[field];
    const header = [title, 'liboqs', 'noble', 'node', 'liboqs/noble', 'liboqs/node'];
    const table = [...new Set(results.map((r) => r.operation))].map((operation) => {
      const [liboqs, noble, node] = CRYPTO_BACKENDS.map((b) => lookup(operation, b));
      return [
        operation,
        fmt(liboqs),
        fmt(noble),
        fmt(node),
        ratio(liboqs, noble),
        ratio(liboqs, node),
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    const line = (cells) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of table) console.log(line(row));
  };
  console.log(
    `${environment.date}, Node ${environment.node}, OpenSSL ${environment.openssl}, ${environment.cpus}; ` +
      `${PAYLOAD_BYTES}-byte payload, purpose '${PURPOSE}', ${ROUNDS} rounds of ${SECONDS} s per cell`,
  );
  console.log('');
  printTable('ops per second (median)', 'opsPerSecond');
  console.log('');
  printTable('ops per CPU second (median)', 'opsPerCpuSecond');
  console.log('');
  console.log(
    'Ed25519 rows run on node:crypto for every backend (the node column); a hybrid operation costs ' +
      'about one Ed25519 plus one ML-DSA-65 operation.',
  );
}
