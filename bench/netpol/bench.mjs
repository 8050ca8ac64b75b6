#!/usr/bin/env node
// libs/netpol: the time and memory to parse, compile and compute the whole-cluster reachability
// matrix of a generated cluster (default 10,000 pods, 1,000 NetworkPolicies), beside two anchors
// measured in the same run: a naive evaluator written here (every policy scanned per pair; timed on
// a sample of sources and extrapolated, said so in its row) and cyclonus's own probe simulation
// (`cyclonus analyze --mode probe`) on the largest input it finishes here, with libs/netpol timed on
// that same input. Both anchors' verdicts are also compared with the matrix, cell for cell.
//
//   npx node bench/netpol/bench.mjs [--pods 10000] [--policies 1000] [--sample 100]
//       [--cyclonus-pods 1000] [--cyclonus-policies 100] [--no-cyclonus] [--no-build]
//
// Builds libs/netpol first (incremental) unless --no-build is given, then imports its dist/ output.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateCluster } from './generate-cluster.mjs';
import { naiveEvaluator } from './naive-evaluator.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    policies: { type: 'string', default: '1000' },
    sample: { type: 'string', default: '100' },
    'cyclonus-pods': { type: 'string', default: '1000' },
    'cyclonus-policies': { type: 'string', default: '100' },
    'no-cyclonus': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/netpol'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const netpol = require(join(root, 'libs', 'netpol', 'dist', 'index.js'));
const PORT = 8080;

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (t) => `${t.toFixed(0)} ms`;
const num = (n) => n.toLocaleString('en-US');
function memory() {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Parse, compile and matrix for one cluster; returns the timings, memory and the matrix. */
function runLibrary(manifests) {
  const before = memory();
  let t = performance.now();
  const cluster = netpol.clusterFromManifests(manifests);
  const parseMs = performance.now() - t;
  t = performance.now();
  const compiled = new netpol.CompiledCluster(cluster);
  const compileMs = performance.now() - t;
  const afterCompile = memory();
  t = performance.now();
  const matrix = netpol.reachabilityMatrix(compiled, { port: PORT, protocol: 'TCP' });
  const matrixMs = performance.now() - t;
  const afterMatrix = memory();
  return {
    cluster,
    compiled,
    matrix,
    parseMs,
    compileMs,
    matrixMs,
    compileBytes: afterCompile - before,
    matrixBytes: afterMatrix - afterCompile,
  };
}

function naiveInputs(generated) {
  const namespaceLabels = Object.fromEntries(
    generated.namespaces.map((ns) => [
      ns.name,
      { team: ns.team, env: ns.env, 'kubernetes.io/metadata.name': ns.name },
    ]),
  );
  const pods = generated.manifests
    .filter((m) => m.kind === 'Pod')
    .map((p) => ({
      namespace: p.metadata.namespace,
      labels: p.metadata.labels,
      ip: p.status.podIP,
      namedPorts: { http: 8080, metrics: 9090 },
    }));
  return { namespaceLabels, pods };
}

const rows = [];
const row = (what, figure, note = '') => rows.push([what, figure, note]);

// The full-size run.
const PODS = Number(args.pods);
const POLICIES = Number(args.policies);
const generated = generateCluster({ pods: PODS, policies: POLICIES, seed: 1 });
const lib = runLibrary(generated.manifests);
const pairs = PODS * PODS;
const allowedPairs = lib.matrix.countAllowed();
row('parse + validate (zod)', ms(lib.parseMs));
row(
  'compile: selector index, peer sets, selecting policies',
  ms(lib.compileMs),
  `+${mib(lib.compileBytes)}`,
);
row(
  `reachability matrix, ${num(pairs)} pairs, TCP ${PORT}`,
  ms(lib.matrixMs),
  `+${mib(lib.matrixBytes)}`,
);
row(
  'total (parse + compile + matrix)',
  ms(lib.parseMs + lib.compileMs + lib.matrixMs),
  `RSS ${mib(process.memoryUsage().rss)}`,
);
row('allowed pairs', num(allowedPairs), `${((100 * allowedPairs) / pairs).toFixed(1)}%`);

// Anchor 1: the naive evaluator on a sample of sources, extrapolated; its cells cross-check the matrix.
const SAMPLE = Math.min(Number(args.sample), PODS);
const naive = naiveInputs(generated);
const allowed = naiveEvaluator(generated.policies, naive.namespaceLabels, PORT, 'TCP');
let disagreements = 0;
const t0 = performance.now();
for (let s = 0; s < SAMPLE; s++) {
  const from = naive.pods[s];
  for (let d = 0; d < PODS; d++) {
    if (allowed(from, naive.pods[d]) !== lib.matrix.allowed(s, d)) disagreements++;
  }
}
const naiveMs = performance.now() - t0;
const perPairNs = (naiveMs * 1e6) / (SAMPLE * PODS);
row(
  `anchor: naive evaluator (this bench; every policy scanned per pair), ${num(SAMPLE)} sources × ${num(PODS)}`,
  ms(naiveMs),
  `${perPairNs.toFixed(0)} ns/pair → full matrix extrapolated ${((perPairNs * pairs) / 1e9).toFixed(0)} s`,
);
row(
  'naive evaluator vs libs/netpol matrix, sampled cells',
  `${disagreements} disagreements`,
  `of ${num(SAMPLE * PODS)}`,
);

// Anchor 2: cyclonus's probe simulation on a smaller cluster, libs/netpol on the same input.
if (!args['no-cyclonus']) {
  const binary = join(homedir(), '.cache', 'omega', 'cyclonus-v0.5.6', 'cyclonus');
  if (!existsSync(binary)) {
    row(
      'anchor: cyclonus',
      'not run',
      `no binary at ${binary} (the netpol specs build it with go install)`,
    );
  } else {
    const small = generateCluster({
      pods: Number(args['cyclonus-pods']),
      policies: Number(args['cyclonus-policies']),
      seed: 1,
    });
    const smallLib = runLibrary(small.manifests);
    const dir = mkdtempSync(join(tmpdir(), 'bench-netpol-'));
    try {
      mkdirSync(join(dir, 'policies'));
      // JSON, one policy per file: cyclonus reads one YAML 1.1 document per file.
      small.policies.forEach((p, i) =>
        writeFileSync(join(dir, 'policies', `p-${i}.yaml`), JSON.stringify(p)),
      );
      const inputs = naiveInputs(small);
      writeFileSync(
        join(dir, 'probe.json'),
        JSON.stringify({
          Probes: [{ Protocol: 'TCP', Port: PORT }],
          Resources: {
            Namespaces: inputs.namespaceLabels,
            Pods: small.manifests
              .filter((m) => m.kind === 'Pod')
              .map((p) => ({
                Namespace: p.metadata.namespace,
                Name: p.metadata.name,
                Labels: p.metadata.labels,
                IP: p.status.podIP,
                Containers: [
                  { Name: 'main-http', Port: 8080, Protocol: 'TCP', PortName: 'http' },
                  { Name: 'main-metrics', Port: 9090, Protocol: 'TCP', PortName: 'metrics' },
                ],
              })),
          },
        }),
      );
      const t = performance.now();
      const out = execFileSync(
        binary,
        [
          'analyze',
          '--mode',
          'probe',
          '--policy-path',
          join(dir, 'policies'),
          '--probe-path',
          join(dir, 'probe.json'),
        ],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          maxBuffer: 2 ** 30,
          timeout: 1_800_000,
        },
      );
      const cyclonusMs = performance.now() - t;
      const combined = out.split('\nCombined:\n')[1] ?? '';
      const lines = combined.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('|  '));
      const header = combined
        .split('\n')
        .find((l) => l.startsWith('|  '))
        .split('|')
        .slice(2, -1)
        .map((c) => c.trim().toLowerCase());
      const index = new Map(smallLib.matrix.pods.map((id, i) => [id, i]));
      let cells = 0;
      let differ = 0;
      for (const line of lines) {
        const cellsOfRow = line
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim());
        const from = index.get(cellsOfRow[0]);
        cellsOfRow.slice(1).forEach((cell, k) => {
          cells++;
          if ((cell === '.') !== smallLib.matrix.allowed(from, index.get(header[k]))) differ++;
        });
      }
      const n = small.pods.length;
      row(
        `anchor: cyclonus v0.5.6 analyze --mode probe, ${num(n)} pods / ${num(small.policies.length)} policies (TCP ${PORT})`,
        ms(cyclonusMs),
        'whole process: parse, simulate, print',
      );
      row(
        `libs/netpol on that input (parse + compile + matrix)`,
        ms(smallLib.parseMs + smallLib.compileMs + smallLib.matrixMs),
        `matrix alone ${ms(smallLib.matrixMs)}`,
      );
      row(
        'cyclonus vs libs/netpol, combined table',
        `${differ} disagreements`,
        `of ${num(cells)} cells`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

console.log(
  `bench/netpol: ${num(PODS)} pods in ${num(generated.namespaces.length)} namespaces, ${num(POLICIES)} NetworkPolicies; ` +
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0].model}), load ${loadavg()[0].toFixed(1)}\n`,
);
console.log('| what | figure | note |\n|---|---:|---|');
for (const [what, figure, note] of rows) console.log(`| ${what} | ${figure} | ${note} |`);
