// The workloads of the labelled scenarios: how a pod is named, addressed and placed on a node, so
// the base generator and the richer benign and attack traffic built around it agree on every pod.

export interface ScenarioPod {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly node: string;
  /** `namespace/pod@serviceAccount`, as telemetry-events.ts's endpoints take it. */
  readonly workload: string;
}

/** Pod number `i` (1-based for benign pods, from 10 000 for attackers) of `nodes` nodes. */
export function scenarioPod(
  namespace: string,
  name: string,
  i: number,
  nodes: number,
): ScenarioPod {
  return {
    namespace,
    name,
    ip: `10.1.${(i >> 8) & 255}.${i & 255}`,
    node: `node-${i % nodes}`,
    workload: `${namespace}/${name}@${name.replace(/-\d+$/, '')}`,
  };
}

/** The base scenario's benign workloads: `team-<i % 12>/app-<i>`. */
export function benignPods(pods: number, nodes: number): ScenarioPod[] {
  return Array.from({ length: pods }, (_, i) =>
    scenarioPod(`team-${i % 12}`, `app-${i}`, i + 1, nodes),
  );
}

/** The entity key detectors and alerts use for a pod. */
export function podKey(pod: Pick<ScenarioPod, 'namespace' | 'name'>): string {
  return `pod:${pod.namespace}/${pod.name}`;
}

/** A node's address (the kubelet, chrony and node-level agents act from it). */
export function nodeIp(node: number): string {
  return `10.0.0.${node + 1}`;
}
