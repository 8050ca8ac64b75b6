#!/usr/bin/env node
// libs/attack-graph on a generated cluster of 10,000 pods with realistic RBAC (cluster.mjs): time
// to ingest every object into the attack graph, time to the top attack paths from outside to the
// crown jewels, time to apply one object change incrementally, and the heap the graph holds. Also
// times the two path engines considered (the lib's flat adjacency arrays and graphology with
// graphology-shortest-path) on the same arcs. The anchor is KubeHound's published ingest time for
// 10,000 pods (about 15 minutes, quoted in issue 19), printed beside; it is not measured here.
//
//   npx node bench/twin/bench.mjs [--pods 10000] [--rounds 3] [--changes 20] [--json] [--no-build]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateCluster } from './cluster.mjs';
import { compareEngines } from './engines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    changes: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const PODS = Number(args.pods);
const ROUNDS = Number(args.rounds);
const CHANGES = Number(args.changes);
const KUBEHOUND_MS = 15 * 60 * 1000; // published: ~15 min to ingest 10,000 pods (issue 19)

if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/attack-graph'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const lib = require(join(root, 'libs', 'attack-graph', 'dist', 'index.js'));
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t0 = performance.now();
  const result = fn();
  return [performance.now() - t0, result];
};
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const objects = generateCluster({ pods: PODS });
const count = (kind) => objects.filter((o) => o.kind === kind).length;
const shape = Object.fromEntries(
  [
    'Pod',
    'Node',
    'Namespace',
    'ServiceAccount',
    'Secret',
    'Service',
    'Ingress',
    'Role',
    'ClusterRole',
    'RoleBinding',
    'ClusterRoleBinding',
  ].map((k) => [k, count(k)]),
);

// Ingest: every object validated and every edge bucket computed. Heap measured on the last round.
const ingestMs = [];
const heapBeforeMiB = heapMiB();
for (let r = 0; r < ROUNDS; r++) ingestMs.push(time(() => lib.AttackGraph.build(objects))[0]);
const [, graph] = time(() => lib.AttackGraph.build(objects));
const heapGraphMiB = heapMiB() - heapBeforeMiB;
const edges = graph.edges();
const attackEdges = edges.filter((e) => e.attack !== undefined);
const vertices = graph.vertices();

// Top attack paths, external → crown jewels (the crown-jewel list is part of the query).
// The first query collects the attack edges into arrays; later ones at the same graph version
// reuse them (the cache is keyed on graph.version, which every change bumps).
const [firstPathMs, paths] = time(() => lib.findAttackPaths(graph, { maxPaths: 10 }));
const pathMs = [];
for (let r = 0; r < ROUNDS; r++)
  pathMs.push(time(() => lib.findAttackPaths(graph, { maxPaths: 10 }))[0]);
const [cutMs, cut] = time(() =>
  lib.cutAttackPaths(graph, { targets: ['clusterrole/cluster-admin'] }),
);

// One object change, applied and then reverted, each timed: the median of `changes` rounds.
const pod = objects.find((o) => o.kind === 'Pod' && o.metadata.namespace === 'team-7');
const privileged = {
  ...pod,
  spec: {
    ...pod.spec,
    containers: [{ ...pod.spec.containers[0], securityContext: { privileged: true } }],
  },
};
const view = objects.find(
  (o) => o.kind === 'ClusterRole' && o.metadata.name === 'system:aggregate-to-view',
);
const changes = {
  'pod made privileged (and back)': [
    { type: 'upsert', object: privileged },
    { type: 'upsert', object: pod },
  ],
  'pod deleted (and re-added)': [
    { type: 'delete', kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name },
    { type: 'upsert', object: pod },
  ],
  'RoleBinding granting secrets (added, removed)': [
    {
      type: 'upsert',
      object: {
        kind: 'RoleBinding',
        metadata: { name: 'bench', namespace: 'team-7' },
        roleRef: { kind: 'ClusterRole', name: 'secrets-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'app-1' }],
      },
    },
    { type: 'delete', kind: 'RoleBinding', namespace: 'team-7', name: 'bench' },
  ],
  'Secret added (removed)': [
    {
      type: 'upsert',
      object: { kind: 'Secret', metadata: { name: 'bench', namespace: 'team-7' } },
    },
    { type: 'delete', kind: 'Secret', namespace: 'team-7', name: 'bench' },
  ],
  'aggregated ClusterRole edited (view, edit, admin change)': [
    {
      type: 'upsert',
      object: {
        ...view,
        rules: [...view.rules, { apiGroups: [''], resources: ['secrets'], verbs: ['list'] }],
      },
    },
    { type: 'upsert', object: view },
  ],
};
const changeMs = {};
for (const [what, [apply, revert]] of Object.entries(changes)) {
  const samples = [];
  for (let r = 0; r < CHANGES; r++) {
    samples.push(time(() => graph.apply(apply))[0]);
    samples.push(time(() => graph.apply(revert))[0]);
  }
  changeMs[what] = { median: median(samples), max: Math.max(...samples) };
}
const edgesAfter = graph.edges().length;

const engines = compareEngines(lib, graph, { rounds: Math.max(ROUNDS, 5) });

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  load: loadavg()[0],
  cluster: shape,
  graph: {
    vertices: vertices.length,
    edges: edges.length,
    attackEdges: attackEdges.length,
    edgesAfterChanges: edgesAfter,
  },
  ingestMs: { median: median(ingestMs), all: ingestMs },
  topPathsMs: { first: firstPathMs, repeatedMedian: median(pathMs), found: paths.length },
  cutToClusterAdmin: { ms: cutMs, size: cut.size },
  ingestPlusPathsMs: median(ingestMs) + firstPathMs,
  heapGraphMiB,
  changeMs,
  engines,
  anchor: {
    kubehoundIngestMs: KUBEHOUND_MS,
    source: 'published figure quoted in issue 19, not measured here',
  },
};
if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
  console.log(
    `bench/twin: ${PODS} pods (${JSON.stringify(shape)}), Node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}`,
  );
  console.log(
    `graph: ${vertices.length} vertices, ${edges.length} edges (${attackEdges.length} attack edges)`,
  );
  console.log('');
  console.log('| what | this run | anchor / target |');
  console.log('|---|---:|---|');
  console.log(
    `| ingest (validate + RBAC + every edge), median of ${ROUNDS} | ${f(median(ingestMs))} ms | KubeHound ~15 min for 10,000 pods (published, not measured here) |`,
  );
  console.log(
    `| top 10 attack paths, external → ${lib.crownJewels(graph).length} crown jewels: first query / repeated at the same version (median of ${ROUNDS}) | ${f(firstPathMs)} ms / ${f(median(pathMs))} ms | — |`,
  );
  console.log(
    `| ingest + first top-paths query | ${f(median(ingestMs) + firstPathMs)} ms | issue 19: < 2 s (with full reachability, not included here) |`,
  );
  console.log(`| min cut external → cluster-admin (${cut.size} edges) | ${f(cutMs)} ms | — |`);
  for (const [what, { median: m, max }] of Object.entries(changeMs)) {
    console.log(
      `| one change: ${what}, median (max) of ${2 * CHANGES} | ${f(m)} ms (${f(max)}) | issue 19: < 50 ms |`,
    );
  }
  console.log(
    `| heap held by the graph (objects themselves excluded) | ${heapGraphMiB.toFixed(0)} MiB | — |`,
  );
  for (const e of engines) {
    console.log(
      `| path engine ${e.engine}: build ${e.arcs} arcs / one shortest path (median of ${e.rounds}) | ${f(e.buildMs)} ms / ${f(e.queryMs)} ms | cost ${e.cost.toFixed(4)} |`,
    );
  }
}
