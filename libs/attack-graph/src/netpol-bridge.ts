// The seam between the graph and @omega/netpol: the graph's objects as a NetworkPolicy cluster
// (namespaces named only by their objects are added, as the API server would have them), and a
// PodReachability answered by exact NetworkPolicy evaluation.
import { CompiledCluster, evaluateConnection, parseCluster, type Cluster } from '@omega/netpol';
import type { KubeObject } from './kube-objects';
import type { PodReachability } from './network-edges';

const NETWORK_KINDS = new Set(['Namespace', 'Pod', 'Service', 'NetworkPolicy']);

/**
 * The objects reachability depends on, as a netpol Cluster; `networkPolicies` replaces the
 * objects' NetworkPolicies when given (what-if).
 */
export function netpolCluster(
  objects: Iterable<KubeObject>,
  networkPolicies?: readonly unknown[],
): Cluster {
  const grouped = { namespaces: [] as unknown[], pods: [] as unknown[], services: [] as unknown[] };
  const policies: unknown[] = [];
  const named = new Set<string>();
  const used = new Set<string>();
  for (const o of objects) {
    if (!NETWORK_KINDS.has(o.kind)) continue;
    if (o.kind === 'Namespace') named.add(o.metadata.name);
    else if (o.metadata.namespace) used.add(o.metadata.namespace);
    if (o.kind === 'Namespace') grouped.namespaces.push(o);
    else if (o.kind === 'Pod') grouped.pods.push(o);
    else if (o.kind === 'Service') grouped.services.push(o);
    else policies.push(o);
  }
  for (const ns of used) if (!named.has(ns)) grouped.namespaces.push({ metadata: { name: ns } });
  for (const p of networkPolicies ?? []) {
    const ns = (p as { metadata?: { namespace?: unknown } }).metadata?.namespace;
    if (typeof ns === 'string' && !named.has(ns) && !used.has(ns)) {
      used.add(ns);
      grouped.namespaces.push({ metadata: { name: ns } });
    }
  }
  return parseCluster({ ...grouped, networkPolicies: networkPolicies ?? policies });
}

/** Reachability decided by NetworkPolicy (and admin policies) on a compiled cluster. */
export function netpolReachability(compiled: CompiledCluster): PodReachability {
  return (from, to, port) =>
    evaluateConnection(compiled, {
      from: { pod: `${from.metadata.namespace}/${from.metadata.name}` },
      to: { pod: `${to.metadata.namespace}/${to.metadata.name}` },
      port: port.port,
      protocol: port.protocol,
    }).allowed;
}
