// NetworkPolicy reachability as @omega/netpol's bit matrices, one per (port, protocol) some pod
// declares, built on first use: the store behind implicit network edges (README, "Network edges at
// scale"). A pod's NETWORK_REACH out-neighbours are read from its matrix rows when asked, and an
// Edge object is made only for the neighbours a caller takes.
import {
  CompiledCluster,
  reachabilityMatrix,
  type Protocol,
  type ReachabilityMatrix,
} from '@omega/netpol';
import type { Edge } from './graph-model';
import type { KubeObject, PodObject } from './kube-objects';
import { netpolCluster } from './netpol-bridge';
import { networkEdges, type PodReachability, type PortRef } from './network-edges';

/** The pods declaring one (port, protocol), by netpol pod index, with their PortRefs. */
export interface PortGroup {
  readonly port: number;
  readonly protocol: Protocol;
  readonly targets: { readonly index: number; readonly pod: PodObject; readonly ref: PortRef }[];
}

export class NetworkReach {
  private readonly matrices = new Map<string, ReachabilityMatrix>();
  private readonly groups = new Map<string, PortGroup>();
  /** Pods by netpol index. */
  readonly pods: PodObject[] = [];

  constructor(
    readonly compiled: CompiledCluster,
    pods: Iterable<PodObject>,
  ) {
    const index = compiled.index.podIndex;
    for (const pod of pods) {
      const i = index.get(podRef(pod));
      if (i === undefined) continue;
      this.pods[i] = pod;
      for (const c of pod.spec.containers) {
        for (const p of c.ports ?? []) {
          const protocol = p.protocol ?? 'TCP';
          const key = `${p.containerPort}/${protocol}`;
          let group = this.groups.get(key);
          if (!group) {
            group = { port: p.containerPort, protocol, targets: [] };
            this.groups.set(key, group);
          }
          group.targets.push({
            index: i,
            pod,
            ref: { port: p.containerPort, protocol, name: p.name },
          });
        }
      }
    }
  }

  /** Reachability over a graph's objects (Namespaces, Pods, Services, NetworkPolicies). */
  static of(objects: Iterable<KubeObject>): NetworkReach {
    const held = [...objects];
    const pods = held.filter((o): o is PodObject => o.kind === 'Pod');
    return new NetworkReach(new CompiledCluster(netpolCluster(held)), pods);
  }

  /** The distinct (port, protocol) pairs pods declare: one matrix each, at most. */
  get portGroups(): number {
    return this.groups.size;
  }

  /** Matrices built so far. */
  get matricesBuilt(): number {
    return this.matrices.size;
  }

  /** The (port, protocol) groups, in a fixed order. */
  portGroupList(): PortGroup[] {
    return [...this.groups.values()];
  }

  /** The matrix of one (port, protocol), built on first use. */
  matrix(port: number, protocol: Protocol): ReachabilityMatrix {
    const key = `${port}/${protocol}`;
    let m = this.matrices.get(key);
    if (!m) this.matrices.set(key, (m = reachabilityMatrix(this.compiled, { port, protocol })));
    return m;
  }

  /** Whether pod `from` may open a connection to pod `to` on `port` (ids "namespace/name"). */
  allowed(from: string, to: string, port: PortRef): boolean {
    const index = this.compiled.index.podIndex;
    const s = index.get(from);
    const d = index.get(to);
    if (s === undefined || d === undefined) return false;
    return this.matrix(port.port, port.protocol).allowed(s, d);
  }

  /** The same answers as a PodReachability, for `AttackGraph.build(objects, { reachability })`. */
  readonly reachability: PodReachability = (from, to, port) =>
    this.allowed(podRef(from), podRef(to), port);

  /**
   * The NETWORK_REACH edges leaving `source`, read from its matrix rows: the same edges as
   * networkEdges over every pod, made only when asked.
   */
  edgesFrom(source: PodObject): Edge[] {
    const s = this.compiled.index.podIndex.get(podRef(source));
    if (s === undefined) return [];
    const targets: PodObject[] = [];
    const seen = new Set<number>();
    for (const group of this.groups.values()) {
      const row = this.matrix(group.port, group.protocol).reachableFrom(s);
      for (const t of group.targets) {
        if (t.index === s || seen.has(t.index) || !row.has(t.index)) continue;
        seen.add(t.index);
        targets.push(t.pod);
      }
    }
    return networkEdges(undefined, source, targets, this.reachability);
  }

  /** Pods (ids "namespace/name") `source` reaches on at least one port they declare. */
  neighbours(source: string): string[] {
    const s = this.compiled.index.podIndex.get(source);
    if (s === undefined) return [];
    const out = new Set<number>();
    for (const group of this.groups.values()) {
      const row = this.matrix(group.port, group.protocol).reachableFrom(s);
      for (const t of group.targets) if (t.index !== s && row.has(t.index)) out.add(t.index);
    }
    return [...out].sort((a, b) => a - b).map((i) => podRef(this.pods[i]!));
  }
}

function podRef(pod: PodObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/**
 * A PodReachability for a graph's objects: `AttackGraph.build(objects, { reachability })`. Exact
 * (netpol's matrices agree with its per-connection verdicts) and answered from matrix rows.
 */
export function reachabilityOf(objects: Iterable<KubeObject>): PodReachability {
  return NetworkReach.of(objects).reachability;
}
