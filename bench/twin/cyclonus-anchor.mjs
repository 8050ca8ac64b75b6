// The reachability anchor timed in the same run: cyclonus (github.com/mattfenwick/cyclonus, the
// simulator Kubernetes' network-policy e2e tooling grew from) probing the same cluster's pods and
// NetworkPolicies offline (`analyze --mode probe`), against @omega/netpol's matrices over the same
// objects; every cell of cyclonus's combined table is compared with ours. cyclonus prints an n×n
// table per probe, so it is run on the first `namespaces` team namespaces (a slice of the cluster).
// The pods' named port `http` is written `serve-8080-tcp` on both sides: cyclonus's probe model
// names container ports that way (libs/testkit cyclonus.ts).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const PORT_NAME = 'serve-8080-tcp';

/** Times cyclonus and our matrices on a slice of `objects`; returns times and disagreeing cells. */
export function cyclonusAnchor(root, objects, { namespaces }) {
  const require = createRequire(join(root, 'package.json'));
  const testkit = require(join(root, 'libs', 'testkit', 'dist', 'cyclonus.js'));
  const lib = require(join(root, 'libs', 'attack-graph', 'dist', 'index.js'));
  const kept = new Set(Array.from({ length: namespaces }, (_, i) => `team-${i}`));
  const renamed = (port) => (port === 'http' ? PORT_NAME : port);
  const slice = [];
  for (const o of objects) {
    const ns = o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace;
    if (!kept.has(ns)) continue;
    if (o.kind === 'Namespace') slice.push(o);
    if (o.kind === 'Pod') {
      const containers = o.spec.containers.map((c) => ({
        ...c,
        ports: (c.ports ?? []).map((p) => ({ ...p, name: renamed(p.name) })),
      }));
      slice.push({ ...o, spec: { ...o.spec, containers } });
    }
    if (o.kind === 'NetworkPolicy') {
      const ports = (rules) =>
        rules?.map((r) => ({
          ...r,
          ports: r.ports?.map((p) => ({ ...p, port: renamed(p.port) })),
        }));
      const spec = { ...o.spec, ingress: ports(o.spec.ingress), egress: ports(o.spec.egress) };
      for (const k of ['ingress', 'egress']) if (spec[k] === undefined) delete spec[k];
      // cyclonus refuses a policy without policyTypes; these are the API server's defaults.
      spec.policyTypes ??= ['Ingress', ...(spec.egress ? ['Egress'] : [])];
      slice.push({ ...o, apiVersion: 'networking.k8s.io/v1', spec });
    }
  }
  const pods = slice.filter((o) => o.kind === 'Pod');
  const policies = slice.filter((o) => o.kind === 'NetworkPolicy');
  const model = {
    namespaces: Object.fromEntries(
      slice.filter((o) => o.kind === 'Namespace').map((n) => [n.metadata.name, n.metadata.labels]),
    ),
    pods: pods.map((p, i) => ({
      namespace: p.metadata.namespace,
      name: p.metadata.name,
      labels: p.metadata.labels,
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      containers: [{ port: 8080, protocol: 'TCP' }],
    })),
  };
  const binary = testkit.cyclonusBinary();
  const t0 = performance.now();
  const [theirs] = testkit.cyclonusProbe(binary, policies, model, [
    { port: 8080, protocol: 'TCP' },
  ]);
  const cyclonusMs = performance.now() - t0;
  const t1 = performance.now();
  const reach = lib.NetworkReach.of(slice);
  const matrix = reach.matrix(8080, 'TCP');
  const oursMs = performance.now() - t1;
  let cells = 0;
  let disagreements = 0;
  for (const from of pods) {
    for (const to of pods) {
      const a = `${from.metadata.namespace}/${from.metadata.name}`;
      const b = `${to.metadata.namespace}/${to.metadata.name}`;
      const cell = theirs.combined.get(`${a}>${b}`);
      const ours = matrix.allowed(reach.live.slotOf(a), reach.live.slotOf(b));
      cells++;
      if (cell !== (ours ? '.' : 'X')) disagreements++;
    }
  }
  return { pods: pods.length, policies: policies.length, cyclonusMs, oursMs, cells, disagreements };
}
