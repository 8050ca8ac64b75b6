#!/usr/bin/env node
// The twin's analyses on the generated cluster (cluster.mjs), each printed beside an anchor timed
// in the same run: what-if (fork + change + paths before and after) against a full rebuild of the
// graph, which is what a what-if without a fork would cost; Monte-Carlo propagation against one
// shortest-path tree over the same arcs (a run is one such tree plus random draws); chokepoints
// and verified remediation against the top-paths query.
//
//   npx node bench/twin/what-if.mjs [--pods 10000] [--net-pods 300] [--runs 5] [--iterations 200] [--json] [--no-build]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCluster } from './cluster.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    'net-pods': { type: 'string', default: '300' },
    runs: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/attack-graph'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const lib = require(join(root, 'libs', 'attack-graph', 'dist', 'index.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t0 = performance.now();
  const result = fn();
  return [performance.now() - t0, result];
};
const timed = (fn, runs = RUNS) => {
  const ms = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const [t, r] = time(fn);
    ms.push(t);
    result = r;
  }
  return [median(ms), result];
};
const f = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const rows = [];
const row = (what, figure, anchor) => {
  rows.push({ what, figure, anchor });
  if (!args.json) console.error(`${what}: ${figure} (${anchor})`);
};

// --- 10,000 pods, no network edges (a default-allow cluster would have 10⁸ of them).
const objects = generateCluster({ pods: Number(args.pods) });
const [rebuildMs, graph] = timed(() => lib.AttackGraph.build(objects), 3);
const pods = objects.filter((o) => o.kind === 'Pod');
const target = pods[Math.floor(pods.length / 2)];
const targetId = `pod/${target.metadata.namespace}/${target.metadata.name}`;
const binding = objects.find((o) => o.kind === 'RoleBinding');
const bindingId = `rolebinding/${binding.metadata.namespace}/${binding.metadata.name}`;
const query = { maxPaths: 10 };
const [forkMs] = timed(() => graph.fork());
const [pathsMs] = timed(() => lib.findAttackPaths(graph, query));
const flows = pods.slice(0, 20_000).map((p, i) => ({
  from: `pod/${p.metadata.namespace}/${p.metadata.name}`,
  to: `pod/${pods[(i * 7919) % pods.length].metadata.namespace}/${pods[(i * 7919) % pods.length].metadata.name}`,
  port: 8080,
  protocol: 'TCP',
  count: 1,
  lastSeenNs: 0n,
}));
const [isolateMs, isolate] = timed(() =>
  lib.simulateWhatIf(graph, [{ kind: 'ISOLATE', targetNodeId: targetId }], {
    query,
    observedFlows: flows,
  }),
);
const [revokeMs] = timed(() =>
  lib.simulateWhatIf(graph, [{ kind: 'REVOKE_BINDING', targetNodeId: bindingId }], { query }),
);
const policy = JSON.stringify({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny-ingress', namespace: target.metadata.namespace },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
});
const [policyMs, policyResult] = timed(() =>
  lib.simulateWhatIf(graph, [{ kind: 'APPLY_NETWORK_POLICY', manifestYaml: policy }], {
    query,
    observedFlows: flows,
  }),
);
const rebuild = `full rebuild ${f(rebuildMs)} ms`;
row(`fork() of the ${pods.length.toLocaleString('en')}-pod graph`, `${f(forkMs)} ms`, rebuild);
row(
  'what-if ISOLATE one pod (20,000 observed flows; top-10 paths before and after)',
  `${f(isolateMs)} ms (${isolate.brokenFlows.length} flows broken)`,
  `${rebuild}; one top-10 query ${f(pathsMs)} ms`,
);
row(
  'what-if REVOKE_BINDING (fork + incremental RBAC change + paths)',
  `${f(revokeMs)} ms`,
  rebuild,
);
row(
  'what-if APPLY_NETWORK_POLICY (netpol compile before/after, 20,000 flows re-decided; no network edges drawn)',
  `${f(policyMs)} ms (${policyResult.brokenFlows.length} flows broken)`,
  rebuild,
);

// --- a smaller cluster with every network edge drawn by netpol.
const small = generateCluster({ pods: Number(args['net-pods']) });
const reachability = () => lib.reachabilityOf(lib.AttackGraph.build(small).objects());
const [netRebuildMs, netGraph] = timed(
  () => lib.AttackGraph.build(small, { reachability: reachability() }),
  3,
);
const netPods = small.filter((o) => o.kind === 'Pod');
const ns = netPods[0].metadata.namespace;
const netPolicy = JSON.stringify({
  ...JSON.parse(policy),
  metadata: { name: 'deny-ingress', namespace: ns },
});
const [netPolicyMs, netResult] = timed(() =>
  lib.simulateWhatIf(netGraph, [{ kind: 'APPLY_NETWORK_POLICY', manifestYaml: netPolicy }], {
    query,
  }),
);
let netEdges = 0;
netGraph.forEachEdge((e) => (netEdges += e.attack === 'NETWORK_REACH' ? 1 : 0));
row(
  `what-if APPLY_NETWORK_POLICY, ${netPods.length} pods with ${netEdges.toLocaleString('en')} network edges (a namespace's pods' edges redrawn)`,
  `${f(netPolicyMs)} ms (${netResult.closedPaths.length} of the top paths closed)`,
  `full rebuild with netpol reachability ${f(netRebuildMs)} ms`,
);

// --- propagation, chokepoints, remediation on the 10,000-pod graph.
const arcs = lib.attackArcs(graph);
const compact = new lib.CompactGraph(
  ['\u0000unreached'],
  arcs.map((a) => ({ from: a.from, to: a.to, weight: 1, payload: undefined })),
);
const [treeMs] = timed(() =>
  compact.shortestPath(compact.index.get('external'), compact.index.get('\u0000unreached')),
);
const iterations = Number(args.iterations);
const [propMs, risks] = timed(
  () =>
    lib.simulatePropagation(arcs, {
      sources: ['external'],
      iterations,
      random: lib.seededRandom(1),
    }),
  1,
);
const admin = risks.find((r) => r.id === 'clusterrole/cluster-admin');
row(
  `propagation: ${iterations} seeded runs over ${arcs.length.toLocaleString('en')} attack arcs from external`,
  `${f(propMs)} ms (${f(propMs / iterations)} ms a run; P(cluster-admin) ${admin ? admin.probability.toFixed(3) : '0'})`,
  `one shortest-path tree over the same arcs ${f(treeMs)} ms`,
);
const jewels = lib.crownJewels(graph);
const [chokeMs, choke] = timed(
  () => lib.findChokepoints(graph, { sources: ['external'], targets: jewels, limit: 5 }),
  1,
);
row(
  `chokepoints external → ${jewels.length} crown jewels (betweenness + cut vertices)`,
  `${f(chokeMs)} ms (first: ${choke[0]?.id ?? '-'})`,
  `top-10 paths ${f(pathsMs)} ms`,
);
const [remedyMs, remedy] = timed(
  () => lib.proposeRemediation(graph, { targets: ['clusterrole/cluster-admin'] }),
  1,
);
row(
  'verified remediation external → cluster-admin (cut, patches, each re-verified)',
  `${f(remedyMs)} ms (${remedy.patches.length} patches, closes all: ${remedy.closesAllPaths})`,
  rebuild,
);

const header = `${new Date().toISOString()} · ${cpus().length} cores · load ${loadavg()[0].toFixed(1)} · Node ${process.version}`;
if (args.json) console.log(JSON.stringify({ header, rows }, null, 2));
else {
  console.log(header);
  console.log('| what | this run | anchor (same run) |\n|---|---:|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.figure} | ${r.anchor} |`);
}
