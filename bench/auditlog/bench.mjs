#!/usr/bin/env node
// libs/auditlog at log scale: appends through the compact range (+ tile building, the service's
// path), inclusion and consistency proofs served from an in-memory tile store at 1M entries, and
// restoring the compact range from tiles. The anchor, measured in the same run, is the cost of the
// SHA-256 calls underneath (node:crypto one-shot hash), which bounds every figure here.
//
//   npx node bench/auditlog/bench.mjs [--entries 1000000] [--proofs 20000] [--batch 1000]
//     [--entry-bytes 256] [--json] [--no-build]
//
// Builds libs/auditlog first (incremental, a no-op when fresh) unless --no-build is given, then
// imports its dist/ output.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    proofs: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    'entry-bytes': { type: 'string', default: '256' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const N = Number(args.entries);
const PROOFS = Number(args.proofs);
const BATCH = Number(args.batch);
const ENTRY_BYTES = Number(args['entry-bytes']);
const PROOF_TARGET_MS = 1; // issue 3: inclusion-proof p99 at 1M entries < 1 ms

if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/auditlog'], {
    cwd: root,
    stdio: 'inherit',
  });
}

const log = require('@omega/auditlog');

/** mulberry32: the same indices every run. */
function random(seed) {
  let s = seed;
  return (below) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

// One scratch entry, rewritten per index: hashLeaf copies its input, and allocating a fresh
// 256-byte array per entry would cost more than the append itself (it is off the V8 heap).
const scratchEntry = new Uint8Array(ENTRY_BYTES).fill(0x61);
const scratchView = new DataView(scratchEntry.buffer);
function entry(i) {
  scratchView.setFloat64(0, i);
  return scratchEntry;
}

function percentiles(samplesMs) {
  const sorted = Float64Array.from(samplesMs).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/**
 * Times fn(i) for each i, after `warmup` untimed calls, in milliseconds per call: wall time, and
 * the process's CPU time (user + system), which leaves out the time the 2 shared cores spent on
 * other processes, so the two together separate this code's cost from the machine's load.
 */
function timeEach(count, warmup, fn) {
  for (let i = 0; i < warmup; i++) fn(i);
  const wall = new Float64Array(count);
  const cpu = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    fn(i);
    wall[i] = performance.now() - start;
    const used = process.cpuUsage(cpuStart);
    cpu[i] = (used.user + used.system) / 1000;
  }
  return { ...percentiles(wall), cpu: percentiles(cpu) };
}

function perSecond(count, fn) {
  const start = performance.now();
  fn();
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: count / seconds, seconds };
}

const results = {};

// ---- Anchor: the SHA-256 calls everything is made of. ----
{
  const node = new Uint8Array(65);
  const leaf = new Uint8Array(ENTRY_BYTES + 1);
  const reps = 500_000;
  const rate = (input, encoding) => {
    for (let i = 0; i < 50_000; i++) hash('sha256', input, encoding);
    return perSecond(reps, () => {
      for (let i = 0; i < reps; i++) hash('sha256', input, encoding);
    }).perSecond;
  };
  // node:crypto's default digest is a Buffer with its own ArrayBuffer; the lib asks for a latin1
  // ('binary') string instead and copies it into pooled memory, which is cheaper than the Buffer.
  results.sha256NodeBufferPerSecond = rate(node, 'buffer');
  results.sha256NodePerSecond = rate(node, 'binary');
  results.sha256LeafPerSecond = rate(leaf, 'binary');
  // Each leaf costs one leaf hash and, amortised, one node hash: the ceiling for appends.
  results.appendCeilingPerSecond =
    1 / (1 / results.sha256LeafPerSecond + 1 / results.sha256NodePerSecond);
}

// ---- Appends. ----
const leafHashes = [];
{
  const range = new log.CompactRange();
  results.appendSingle = perSecond(N, () => {
    for (let i = 0; i < N; i++) {
      const leafHash = log.hashLeaf(entry(i));
      range.append(leafHash);
      leafHashes.push(leafHash);
    }
  });
  results.appendSingle.root = Buffer.from(range.root()).toString('hex');
}

{
  const range = new log.CompactRange();
  results.appendBatch = perSecond(N, () => {
    for (let start = 0; start < N; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(N, start + BATCH); i++) batch.push(log.hashLeaf(entry(i)));
      range.appendBatch(batch);
    }
  });
}

const tiles = new Map();
const roots = new Map();
{
  const range = new log.CompactRange();
  const builder = new log.TileBuilder();
  results.appendBatchWithTiles = perSecond(N, () => {
    for (let start = 0; start < N; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(N, start + BATCH); i++) batch.push(log.hashLeaf(entry(i)));
      const appended = range.appendBatch(batch);
      for (const tile of builder.add(appended.completed)) {
        tiles.set(log.tilePath(tile.id), tile.hashes);
      }
      roots.set(appended.size, appended.root);
    }
  });
  const root = Buffer.from(range.root()).toString('hex');
  if (root !== results.appendSingle.root) throw new Error('batched and single appends disagree');
}
results.tileBytes = [...tiles.values()].reduce((sum, t) => sum + t.length, 0);
const source = { readTile: (id) => tiles.get(log.tilePath(id)) };
const rootN = roots.get(N);

// ---- Rebuilding a root from scratch (what a restart without tiles costs). ----
results.rootFromScratch = perSecond(N, () => log.rootFromLeafHashes(leafHashes));

// ---- Restoring the compact range from tiles (what a restart with tiles costs). ----
results.restoreFromTiles = timeEach(9, 1, () => {
  const reader = new log.TileHashReader(N, source);
  const restored = new log.CompactRange(N, reader.readHashes(log.compactRangeNodes(N)));
  if (Buffer.compare(Buffer.from(restored.root()), Buffer.from(rootN)) !== 0) {
    throw new Error('restored root differs');
  }
});

// ---- Inclusion proofs at N entries. ----
{
  const rnd = random(1);
  const indices = Array.from({ length: PROOFS + 1000 }, () => rnd(N));
  const sample = (reader) => (i) => log.buildInclusionProof(reader, indices[i], N);
  results.inclusionCold = timeEach(PROOFS, 1000, sample(new log.TileHashReader(N, source)));
  const cache = new log.TileNodeCache(1 << 16);
  const warm = new log.TileHashReader(N, source, cache);
  for (let i = 0; i < indices.length; i++) log.buildInclusionProof(warm, indices[i], N);
  // The hot path: every tile on the proof paths is already expanded in the cache.
  results.inclusionWarm = timeEach(PROOFS, 0, (i) => log.buildInclusionProof(warm, indices[i], N));
  results.cachedTiles = cache.size;
  // A cache a quarter the size of the level-0 tiles: upper tiles stay hot, most leaf tiles miss.
  const partial = new log.TileNodeCache(Math.ceil(N / 256 / 4));
  results.inclusionSmallCache = timeEach(
    PROOFS,
    1000,
    sample(new log.TileHashReader(N, source, partial)),
  );
  results.smallCacheTiles = partial.maxTiles;
  const proofs = indices.slice(0, 2000).map((i) => log.buildInclusionProof(warm, i, N));
  results.inclusionVerify = timeEach(2000, 0, (k) =>
    log.verifyInclusion(leafHashes[indices[k]], indices[k], N, proofs[k], rootN),
  );
  results.inclusionProofHashes = proofs[0].length;
}

// ---- Consistency proofs to N from earlier checkpoint sizes. ----
{
  const rnd = random(2);
  const sizes = [...roots.keys()].filter((s) => s < N);
  const olds = Array.from({ length: PROOFS + 1000 }, () => sizes[rnd(sizes.length)]);
  results.consistencyCold = timeEach(PROOFS, 1000, (i) =>
    log.buildConsistencyProof(new log.TileHashReader(N, source), olds[i], N),
  );
  const warm = new log.TileHashReader(N, source, new log.TileNodeCache(1 << 16));
  for (const old of olds) log.buildConsistencyProof(warm, old, N);
  results.consistencyWarm = timeEach(PROOFS, 0, (i) => log.buildConsistencyProof(warm, olds[i], N));
  const proofs = olds.slice(0, 2000).map((old) => log.buildConsistencyProof(warm, old, N));
  results.consistencyVerify = timeEach(2000, 0, (k) =>
    log.verifyConsistency(olds[k], N, proofs[k], roots.get(olds[k]), rootN),
  );
}

// ---- Report. ----
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadAverage1m: loadavg()[0],
  entries: N,
  entryBytes: ENTRY_BYTES,
  batch: BATCH,
  proofs: PROOFS,
};
if (args.json) {
  console.log(JSON.stringify({ machine, results }, null, 2));
} else {
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const ms = (x) => `${x.toFixed(3)} ms`;
  const verdict = (r) =>
    `p99 < ${PROOF_TARGET_MS} ms: wall ${r.p99 < PROOF_TARGET_MS ? 'met' : 'MISSED'}, cpu ${r.cpu.p99 < PROOF_TARGET_MS ? 'met' : 'MISSED'}`;
  const lat = (r) =>
    `p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  max ${ms(r.max)}  (cpu p50 ${ms(r.cpu.p50)} p99 ${ms(r.cpu.p99)})`;
  const rows = [
    [
      'anchor: node:crypto sha256, 65-byte node, Buffer digest',
      `${n(results.sha256NodeBufferPerSecond)} hashes/s`,
      "node:crypto's default output",
    ],
    [
      'anchor: node:crypto sha256, 65-byte node, latin1 digest',
      `${n(results.sha256NodePerSecond)} hashes/s`,
      'what the lib calls',
    ],
    [
      `anchor: node:crypto sha256, ${ENTRY_BYTES + 1}-byte leaf, latin1 digest`,
      `${n(results.sha256LeafPerSecond)} hashes/s`,
      '',
    ],
    [
      'anchor: append ceiling (1 leaf + 1 node hash)',
      `${n(results.appendCeilingPerSecond)} entries/s`,
      '',
    ],
    [
      'append: hashLeaf + CompactRange.append',
      `${n(results.appendSingle.perSecond)} entries/s`,
      `${((results.appendSingle.perSecond / results.appendCeilingPerSecond) * 100).toFixed(0)}% of ceiling`,
    ],
    [
      `append: batches of ${BATCH} (root per batch)`,
      `${n(results.appendBatch.perSecond)} entries/s`,
      `${results.appendBatch.seconds.toFixed(2)} s for ${n(N)}`,
    ],
    [
      `append: batches of ${BATCH} + TileBuilder`,
      `${n(results.appendBatchWithTiles.perSecond)} entries/s`,
      `${results.appendBatchWithTiles.seconds.toFixed(2)} s for ${n(N)}; tiles ${(results.tileBytes / 2 ** 20).toFixed(1)} MiB`,
    ],
    [
      `root from scratch, ${n(N)} leaf hashes`,
      `${results.rootFromScratch.seconds.toFixed(2)} s`,
      'restart without tiles',
    ],
    [
      `restore CompactRange from tiles at ${n(N)}`,
      `p50 ${ms(results.restoreFromTiles.p50)}  max ${ms(results.restoreFromTiles.max)}`,
      'restart with tiles (target < 5 s)',
    ],
    [
      `inclusion proof at ${n(N)}, no cache`,
      lat(results.inclusionCold),
      verdict(results.inclusionCold),
    ],
    [
      `inclusion proof at ${n(N)}, cache of ${n(results.smallCacheTiles)} tiles`,
      lat(results.inclusionSmallCache),
      `3/4 of leaf tiles cold; ${verdict(results.inclusionSmallCache)}`,
    ],
    [
      `inclusion proof at ${n(N)}, warm tile cache`,
      lat(results.inclusionWarm),
      `${n(results.cachedTiles)} tiles cached; ${verdict(results.inclusionWarm)}`,
    ],
    [
      'inclusion proof verify',
      lat(results.inclusionVerify),
      `${results.inclusionProofHashes} hashes`,
    ],
    [
      `consistency proof to ${n(N)}, no cache`,
      lat(results.consistencyCold),
      'from random earlier checkpoints',
    ],
    [`consistency proof to ${n(N)}, warm tile cache`, lat(results.consistencyWarm), ''],
    ['consistency proof verify', lat(results.consistencyVerify), ''],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(
    `bench/auditlog  ${machine.date}  node ${machine.node}  ${machine.cpus} cpus (${machine.cpuModel})  load ${machine.loadAverage1m.toFixed(2)}`,
  );
  console.log(`${n(N)} entries of ${ENTRY_BYTES} bytes, ${n(PROOFS)} proofs per row\n`);
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  |  '));
}
