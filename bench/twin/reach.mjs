#!/usr/bin/env node
// NetworkPolicy reachability for the attack graph at 10,000 pods: bench/twin's generated cluster
// (cluster.mjs, realistic RBAC) plus 1,000 seeded NetworkPolicies over its namespaces and apps,
// held as netpol bit matrices (NetworkReach) instead of one NETWORK_REACH edge per allowed pair.
// Times the graph's ingest (no network edges, as bench.mjs), the reachability beside it, a pod's
// network edges read from its rows, a pod change and a policy change (each recomputes the
// matrices), and the heap the matrices hold; prints the pairs the old per-pair edges would need.
//
//   npx node bench/twin/reach.mjs [--pods 10000] [--policies 1000] [--json] [--no-build]
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

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    policies: { type: 'string', default: '1000' },
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
const time = (fn) => {
  const t0 = performance.now();
  const result = fn();
  return [performance.now() - t0, result];
};

/** Seeded NetworkPolicies of the shapes clusters carry, over the cluster's namespaces and apps. */
function policiesFor(objects, count, seed = 1) {
  let a = seed >>> 0;
  const random = () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 2 ** 32;
  };
  const apps = new Map();
  for (const o of objects) {
    if (o.kind !== 'Pod' || !o.metadata.labels?.app) continue;
    const ns = o.metadata.namespace;
    if (!apps.has(ns)) apps.set(ns, new Set());
    apps.get(ns).add(o.metadata.labels.app);
  }
  const namespaces = [...apps.keys()].filter((ns) => ns !== 'kube-system');
  const out = [];
  for (let i = 0; i < count; i++) {
    const ns = namespaces[i % namespaces.length];
    const nsApps = [...apps.get(ns)];
    const app = nsApps[Math.floor(random() * nsApps.length)];
    const other = nsApps[Math.floor(random() * nsApps.length)];
    const kind = random();
    const spec =
      kind < 0.1
        ? { podSelector: {}, policyTypes: ['Ingress'] }
        : kind < 0.6
          ? {
              podSelector: { matchLabels: { app } },
              ingress: [
                {
                  from: [{ podSelector: { matchLabels: { app: other } } }],
                  ports: [{ port: 'http' }],
                },
              ],
            }
          : kind < 0.85
            ? {
                podSelector: { matchLabels: { app } },
                ingress: [
                  {
                    from: [
                      {
                        namespaceSelector: {
                          matchLabels: {
                            'kubernetes.io/metadata.name':
                              namespaces[Math.floor(random() * namespaces.length)],
                          },
                        },
                      },
                    ],
                    ports: [{ port: 8080 }],
                  },
                ],
              }
            : {
                podSelector: { matchLabels: { app } },
                policyTypes: ['Egress'],
                egress: [
                  {
                    to: [
                      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
                    ],
                  },
                ],
              };
    out.push({ kind: 'NetworkPolicy', metadata: { namespace: ns, name: `np-${i}` }, spec });
  }
  return out;
}

const cluster = generateCluster({ pods: Number(args.pods) });
const objects = [...cluster, ...policiesFor(cluster, Number(args.policies))];
const pods = objects.filter((o) => o.kind === 'Pod');
const [ingestMs, graph] = time(() => lib.AttackGraph.build(objects));
const held = [...graph.objects()];
const before = heapMiB();
const [reachMs, reach] = time(() => {
  const r = lib.NetworkReach.of(held);
  r.neighbours(`${pods[0].metadata.namespace}/${pods[0].metadata.name}`); // builds every matrix
  return r;
});
const reachHeap = heapMiB() - before;
const heldPods = held.filter((o) => o.kind === 'Pod');
const probe = heldPods[heldPods.length - 1];
const [edgesMs, edges] = time(() => reach.edgesFrom(probe));
const [pathsMs, paths] = time(() => lib.findAttackPaths(graph, { maxPaths: 10 }));
const view = new lib.ImplicitNetworkView(graph);
view.implicitNetwork = () => reach; // the matrices timed above, at this graph version
const [netPathsMs, netPaths] = time(() => lib.findAttackPaths(view, { maxPaths: 10 }));
const idOf = (pod) => `pod/${pod.metadata.namespace}/${pod.metadata.name}`;
const podSource = idOf(heldPods[Math.floor(heldPods.length / 2)]);
const podTarget = idOf(probe);
const [podPathsMs, podPaths] = time(() =>
  lib.findAttackPaths(view, { sources: [podSource], targets: [podTarget], maxPaths: 10 }),
);
const networkSteps = (ps) =>
  ps.reduce((n, p) => n + p.steps.filter((s) => s.attack === 'NETWORK_REACH').length, 0);
let pairs = 0;
for (let i = 0; i < heldPods.length; i += 100) pairs += reach.edgesFrom(heldPods[i]).length;
pairs = Math.round((pairs * heldPods.length) / Math.ceil(heldPods.length / 100));
const recompute = (changed) =>
  time(() =>
    lib.NetworkReach.of(changed).neighbours(`${probe.metadata.namespace}/${probe.metadata.name}`),
  )[0];
const moved = { ...probe, metadata: { ...probe.metadata, labels: { app: 'moved' } } };
const podChangeMs = recompute(held.map((o) => (o === probe ? moved : o)));
const policy = held.find((o) => o.kind === 'NetworkPolicy');
const policyChangeMs = recompute(held.filter((o) => o !== policy));

const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
const result = {
  pods: heldPods.length,
  policies: held.filter((o) => o.kind === 'NetworkPolicy').length,
  portGroups: reach.portGroups,
  ingestMs,
  reachMs,
  pathsMs,
  paths: paths.length,
  netPathsMs,
  netPaths: netPaths.length,
  netPathsNetworkSteps: networkSteps(netPaths),
  podPathsMs,
  podPathsNetworkSteps: networkSteps(podPaths),
  edgesFromMs: edgesMs,
  edgesFromOnePod: edges.length,
  perPairEdgesEstimate: pairs,
  podChangeMs,
  policyChangeMs,
  reachHeapMiB: reachHeap,
  load,
  cores: cpus().length,
};
if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (ms) => ms.toLocaleString('en-US', { maximumFractionDigits: ms < 10 ? 2 : 0 });
  console.log(
    `${result.pods} pods, ${result.policies} NetworkPolicies, ${result.portGroups} declared (port, protocol); load ${load}, ${result.cores} cores`,
  );
  console.log('| what | this run | anchor / target |\n|---|---:|---|');
  console.log(
    `| ingest (graph, no network edges) | ${f(ingestMs)} ms | KubeHound ~15 min for 10,000 pods (published, not measured here) |`,
  );
  console.log(`| reachability: compile + every matrix (NetworkReach) | ${f(reachMs)} ms | — |`);
  console.log(
    `| top 10 paths external → crown jewels, no network edges (as bench.mjs) | ${f(pathsMs)} ms | — |`,
  );
  console.log(
    `| top 10 paths external → crown jewels, implicit network edges | ${f(netPathsMs)} ms (${networkSteps(netPaths)} network steps) | — |`,
  );
  console.log(
    `| ingest + reachability + top 10 paths with network edges | ${f(ingestMs + reachMs + netPathsMs)} ms | issue 19: < 2 s |`,
  );
  console.log(
    `| top 10 paths ${podSource} → ${podTarget}, implicit network edges | ${f(podPathsMs)} ms (${networkSteps(podPaths)} network steps) | — |`,
  );
  console.log(
    `| one pod's NETWORK_REACH edges read from its rows | ${f(edgesMs)} ms (${edges.length} edges) | — |`,
  );
  console.log(
    `| NETWORK_REACH edges the per-pair representation would store (sampled every 100th pod) | ~${pairs.toLocaleString('en-US')} | — |`,
  );
  console.log(
    `| one pod change (relabelled): matrices recomputed | ${f(podChangeMs)} ms | issue 19: < 50 ms |`,
  );
  console.log(
    `| one policy change (deleted): matrices recomputed | ${f(policyChangeMs)} ms | issue 19: < 50 ms |`,
  );
  console.log(
    `| heap held by the matrices and compiled policies | ${reachHeap.toFixed(0)} MiB | — |`,
  );
}
