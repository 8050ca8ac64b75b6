#!/usr/bin/env node
// Issue 19's check of the digital twin at 10,000 pods: bench/twin's generated cluster (cluster.mjs,
// realistic RBAC) plus 1,000 seeded NetworkPolicies (policies.mjs). Times, in one run: the graph's
// ingest, full pod-to-pod reachability (@omega/netpol bit matrices, one per declared port, behind
// implicit network edges), the top attack paths with network steps, one object change applied
// incrementally (graph and matrices), and the heap held; each beside its anchor or target timed or
// quoted in the same run: KubeHound's published ingest time, a from-scratch recompute, and
// cyclonus's offline probe of the same pods and policies (on a slice: it prints an n×n table).
//
//   npx node bench/twin/reach.mjs [--pods 10000] [--policies 1000] [--rounds 3] [--changes 10]
//     [--cyclonus-namespaces 3] [--json] [--no-build]
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
import { cyclonusAnchor } from './cyclonus-anchor.mjs';
import { policiesFor } from './policies.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    policies: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    changes: { type: 'string', default: '10' },
    'cyclonus-namespaces': { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/attack-graph'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const lib = require(join(root, 'libs', 'attack-graph', 'dist', 'index.js'));
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc');
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
/** Wall time, the result, and this process's CPU time (all threads, GC helpers included). */
const time = (fn) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const wall = performance.now() - t0;
  const { user, system } = process.cpuUsage(c0);
  return [wall, result, (user + system) / 1000];
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const KUBEHOUND_MS = 15 * 60 * 1000; // published: ~15 min to ingest 10,000 pods (issue 19)

const loadBefore = load();
const cluster = generateCluster({ pods: Number(args.pods) });
const objects = [...cluster, ...policiesFor(cluster, Number(args.policies))];
const ingestSamples = [];
const ingestCpu = [];
const baseline = heapMiB(); // the objects alone
let graph;
for (let r = 0; r < Number(args.rounds); r++) {
  graph = undefined;
  const [ms, built, cpu] = time(() => lib.AttackGraph.build(objects));
  ingestSamples.push(ms);
  ingestCpu.push(cpu);
  graph = built;
}
const graphHeap = heapMiB() - baseline;
const ingestMs = median(ingestSamples);
const ingestCpuMs = median(ingestCpu);
const view = new lib.ImplicitNetworkView(graph);
const held = [...graph.objects()];
const heldPods = held.filter((o) => o.kind === 'Pod');
const ref = (pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;
const probe = heldPods[heldPods.length - 1];
const beforeReach = heapMiB();
const [reachMs, reach, reachCpuMs] = time(() => {
  const r = view.implicitNetwork();
  r.neighbours(ref(probe)); // builds every matrix
  return r;
});
const reachHeap = heapMiB() - beforeReach;
const [pathsMs, paths, pathsCpuMs] = time(() => lib.findAttackPaths(view, { maxPaths: 10 }));
const podSource = `pod/${ref(heldPods[Math.floor(heldPods.length / 2)])}`;
const podTarget = `pod/${ref(probe)}`;
const [podPathsMs, podPaths] = time(() =>
  lib.findAttackPaths(view, { sources: [podSource], targets: [podTarget], maxPaths: 10 }),
);
const networkSteps = (ps) =>
  ps.reduce((n, p) => n + p.steps.filter((s) => s.attack === 'NETWORK_REACH').length, 0);
let pairs = 0;
for (let i = 0; i < heldPods.length; i += 100) pairs += reach.edgesFrom(heldPods[i]).length;
pairs = Math.round((pairs * heldPods.length) / Math.ceil(heldPods.length / 100));

// Anchor for one change: what it cost before, a recompile and rebuild of every matrix.
const [recomputeMs] = time(() => lib.NetworkReach.of(held).neighbours(ref(probe)));

// One change, applied then reverted, each timed to the matrices being current (graph.apply, then
// the view catching up): `changes` rounds, each on other objects.
const policies = held.filter((o) => o.kind === 'NetworkPolicy');
const aggregated = held.find(
  (o) => o.kind === 'ClusterRole' && o.metadata.name === 'system:aggregate-to-view',
);
const del = (o) => ({
  type: 'delete',
  kind: o.kind,
  namespace: o.metadata.namespace,
  name: o.metadata.name,
});
const up = (object) => ({ type: 'upsert', object });
const kinds = {
  'pod relabelled (and back)': (i) => {
    const pod = heldPods[(i * 997 + 13) % heldPods.length];
    const labels = { ...pod.metadata.labels, app: 'moved' };
    return [up({ ...pod, metadata: { ...pod.metadata, labels } }), up(pod)];
  },
  'pod deleted (and re-added)': (i) => {
    const pod = heldPods[(i * 991 + 7) % heldPods.length];
    return [del(pod), up(pod)];
  },
  'NetworkPolicy deleted (and re-added)': (i) => {
    const np = policies[(i * 97 + 3) % policies.length];
    return [del(np), up(np)];
  },
  'NetworkPolicy edited: selects another app (and back)': (i) => {
    const np = policies[(i * 89 + 5) % policies.length];
    const spec = { ...np.spec, podSelector: { matchLabels: { app: 'app-0' } } };
    return [up({ ...np, spec }), up(np)];
  },
  'aggregated ClusterRole edited (view, edit, admin change)': () => {
    const rule = { apiGroups: [''], resources: ['secrets'], verbs: ['list'] };
    return [up({ ...aggregated, rules: [...aggregated.rules, rule] }), up(aggregated)];
  },
};
const changeMs = {};
for (const [what, make] of Object.entries(kinds)) {
  const samples = [];
  const cpu = [];
  for (let i = 0; i < Number(args.changes); i++) {
    for (const change of make(i)) {
      const [ms, , cpuMs] = time(() => {
        graph.apply(change);
        view.implicitNetwork();
      });
      samples.push(ms);
      cpu.push(cpuMs);
    }
  }
  changeMs[what] = { median: median(samples), max: Math.max(...samples), cpu: median(cpu) };
}
// After every change was reverted, the kept matrices answer as a fresh build (sampled rows).
const fresh = lib.NetworkReach.of(graph.objects());
const kept = view.implicitNetwork();
let rowsChecked = 0;
let rowsDiffering = 0;
for (let i = 0; i < heldPods.length; i += 50) {
  rowsChecked++;
  const id = ref(heldPods[i]);
  if (JSON.stringify(kept.neighbours(id)) !== JSON.stringify(fresh.neighbours(id))) rowsDiffering++;
}

const cyclonusNamespaces = Number(args['cyclonus-namespaces']);
const cyclonus =
  cyclonusNamespaces > 0
    ? cyclonusAnchor(root, objects, { namespaces: cyclonusNamespaces })
    : undefined;

const result = {
  pods: heldPods.length,
  policies: policies.length,
  portGroups: reach.portGroups,
  ingestMs,
  ingestSamples,
  ingestCpuMs,
  reachMs,
  reachCpuMs,
  pathsMs,
  pathsCpuMs,
  pathsNetworkSteps: networkSteps(paths),
  totalMs: ingestMs + reachMs + pathsMs,
  totalCpuMs: ingestCpuMs + reachCpuMs + pathsCpuMs,
  podPathsMs,
  podPathsNetworkSteps: networkSteps(podPaths),
  perPairEdgesEstimate: pairs,
  recomputeMs,
  changeMs,
  rowsChecked,
  rowsDiffering,
  graphHeapMiB: graphHeap,
  reachHeapMiB: reachHeap,
  cyclonus,
  load: { before: loadBefore, after: load() },
  cores: cpus().length,
  node: process.version,
};
if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (ms) => ms.toLocaleString('en-US', { maximumFractionDigits: ms < 10 ? 1 : 0 });
  const verdict = (ms, target) => (ms < target ? 'met' : `missed by ${f(ms - target)} ms`);
  console.log(
    `${result.pods} pods, ${result.policies} NetworkPolicies, ${result.portGroups} declared (port, protocol); Node ${process.version}, ${result.cores} cores, load ${loadBefore} before, ${result.load.after} after`,
  );
  console.log(
    '| what | this run: wall (CPU of this process) | anchor / target (same run) |\n|---|---:|---|',
  );
  console.log(
    `| ingest (graph, no network edges), median of ${ingestSamples.length} | ${f(ingestMs)} ms (${f(ingestCpuMs)}) | KubeHound ~15 min for 10,000 pods (published, not measured here): ${Math.round(KUBEHOUND_MS / ingestMs)}× |`,
  );
  console.log(
    `| full reachability: compile + every matrix | ${f(reachMs)} ms (${f(reachCpuMs)}) | — |`,
  );
  console.log(
    `| top 10 paths external → crown jewels, implicit network edges | ${f(pathsMs)} ms (${f(pathsCpuMs)}); ${result.pathsNetworkSteps} network steps | — |`,
  );
  console.log(
    `| ingest + full reachability + top 10 paths | ${f(result.totalMs)} ms (${f(result.totalCpuMs)}) | issue 19: < 2,000 ms: ${verdict(result.totalMs, 2000)} |`,
  );
  console.log(
    `| top 10 paths ${podSource} → ${podTarget} | ${f(podPathsMs)} ms (${result.podPathsNetworkSteps} network steps) | — |`,
  );
  for (const [what, { median: m, max, cpu }] of Object.entries(changeMs)) {
    console.log(
      `| one change: ${what}, median of ${2 * Number(args.changes)} | ${f(m)} ms (${f(cpu)}), max ${f(max)} ms | issue 19: < 50 ms: ${verdict(m, 50)}; recompute of every matrix ${f(recomputeMs)} ms, full ingest ${f(ingestMs)} ms |`,
    );
  }
  console.log(
    `| kept matrices = fresh build after all changes (every 50th pod's row) | ${rowsChecked - rowsDiffering} of ${rowsChecked} rows | — |`,
  );
  if (cyclonus) {
    console.log(
      `| reachability of ${cyclonus.pods} pods, ${cyclonus.policies} policies (a slice): netpol matrices | ${f(cyclonus.oursMs)} ms | cyclonus probe ${f(cyclonus.cyclonusMs)} ms; ${cyclonus.cells - cyclonus.disagreements} of ${cyclonus.cells} cells agree |`,
    );
  }
  console.log(
    `| NETWORK_REACH edges one per allowed pair would store (every 100th pod sampled) | ~${pairs.toLocaleString('en-US')} | — |`,
  );
  console.log(
    `| heap: graph (objects excluded) / matrices and compiled policies | ${graphHeap.toFixed(0)} MiB / ${reachHeap.toFixed(0)} MiB | — |`,
  );
}
