// NetworkPolicy reachability as @omega/netpol's bit matrices, one per (port, protocol) some pod
// declares, built on first use and kept current after (LiveReachability): the store behind implicit
// network edges (README, "Network edges at scale"). A pod's NETWORK_REACH out-neighbours are read
// from its matrix rows when asked, and an Edge object is made only for the neighbours a caller takes.
import {
  CompiledCluster,
  LiveReachability,
  parseCluster,
  type LiveMatrix,
  type Protocol,
} from '@omega/netpol';
import type { Edge } from './graph-model';
import type { KubeObject, PodObject } from './kube-objects';
import { netpolCluster } from './netpol-bridge';
import { networkEdges, type PodReachability, type PortRef } from './network-edges';

/** The pods declaring one (port, protocol), by slot, with their PortRefs. */
export interface PortGroup {
  readonly port: number;
  readonly protocol: Protocol;
  readonly targets: { readonly index: number; readonly pod: PodObject; readonly ref: PortRef }[];
}

/** One object before and after a change (undefined: absent); kinds reachability does not read are ignored. */
export interface NetworkChange {
  readonly before: KubeObject | undefined;
  readonly after: KubeObject | undefined;
}

/** The kinds pod-to-pod reachability reads. */
export const REACH_KINDS: ReadonlySet<string> = new Set(['Namespace', 'Pod', 'NetworkPolicy']);

export class NetworkReach {
  readonly live: LiveReachability;
  private groups = new Map<string, PortGroup>();
  private readonly byId = new Map<string, PodObject>();
  private generation = 0;
  /** Pods by slot (netpol's index; a free slot holds none). */
  pods: (PodObject | undefined)[] = [];

  /** `pods`: the graph's pods the compiled cluster holds (others are left out). */
  constructor(compiled: CompiledCluster, pods: Iterable<PodObject>) {
    this.live = new LiveReachability(compiled);
    for (const pod of pods) {
      if (this.live.slotOf(podRef(pod)) !== undefined) this.byId.set(podRef(pod), pod);
    }
    this.reindex();
  }

  /** Reachability over a graph's objects (Namespaces, Pods, NetworkPolicies). */
  static of(objects: Iterable<KubeObject>): NetworkReach {
    const held = [...objects];
    const pods = held.filter((o): o is PodObject => o.kind === 'Pod');
    return new NetworkReach(new CompiledCluster(netpolCluster(held)), pods);
  }

  /**
   * Applies one object change in place: a pod's row and column, or the rows of the pods a policy
   * selects, are recomputed (netpol's LiveReachability). Throws InvalidArgument when netpol
   * refuses the object, as NetworkReach.of would.
   */
  apply(change: NetworkChange): void {
    const object = change.after ?? change.before;
    if (!object || !REACH_KINDS.has(object.kind)) return;
    const namespace = object.metadata.namespace;
    if (object.kind === 'Namespace') {
      // A namespace pods still name stays, unlabelled, as netpolCluster would add it.
      this.live.setNamespace(object.metadata.name, change.after?.metadata.labels ?? {});
      this.reindex();
      return;
    }
    const id = `${namespace}/${object.metadata.name}`;
    if (change.after && namespace && !this.live.hasNamespace(namespace)) {
      this.live.setNamespace(namespace, {});
    }
    const parsed = change.after && parseOne(change.after);
    if (object.kind !== 'Pod') {
      this.live.setPolicy(id, parsed?.networkPolicies[0]);
      if (this.live.generation !== this.generation) this.reindex();
      return;
    }
    const oldSlot = this.live.slotOf(id);
    if (parsed) this.live.upsertPod(parsed.pods[0]!);
    else this.live.deletePod(id);
    if (change.after) this.byId.set(id, change.after as PodObject);
    else this.byId.delete(id);
    if (this.live.generation !== this.generation) {
      this.reindex();
      return;
    }
    // Slots held still: only this pod's slot and the groups it declared or declares move.
    if (oldSlot !== undefined) {
      const was = this.pods[oldSlot];
      this.pods[oldSlot] = undefined;
      for (const key of declared(was)) {
        const group = this.groups.get(key)!;
        const at = group.targets.findIndex((t) => t.index === oldSlot);
        group.targets.splice(at, countIn(was, key));
        if (group.targets.length === 0) this.groups.delete(key);
      }
    }
    const slot = this.live.slotOf(id);
    if (slot !== undefined && change.after) this.place(slot, change.after as PodObject);
  }

  /** The distinct (port, protocol) pairs pods declare: one matrix each, at most. */
  get portGroups(): number {
    return this.groups.size;
  }

  /** The (port, protocol) groups, in a fixed order. */
  portGroupList(): PortGroup[] {
    return [...this.groups.values()];
  }

  /** Slots: every pod index is below this. */
  get size(): number {
    return this.live.capacity;
  }

  /** The matrix of one (port, protocol), built on first use. */
  matrix(port: number, protocol: Protocol): LiveMatrix {
    return this.live.matrix(port, protocol);
  }

  /** Whether pod `from` may open a connection to pod `to` on `port` (ids "namespace/name"). */
  allowed(from: string, to: string, port: PortRef): boolean {
    const s = this.live.slotOf(from);
    const d = this.live.slotOf(to);
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
    const s = this.live.slotOf(podRef(source));
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

  /** Pods (ids "namespace/name") `source` reaches on at least one port they declare, sorted. */
  neighbours(source: string): string[] {
    const s = this.live.slotOf(source);
    if (s === undefined) return [];
    const out = new Set<number>();
    for (const group of this.groups.values()) {
      const row = this.matrix(group.port, group.protocol).reachableFrom(s);
      for (const t of group.targets) if (t.index !== s && row.has(t.index)) out.add(t.index);
    }
    return [...out].map((i) => podRef(this.pods[i]!)).sort();
  }

  /** Pods by slot and the port groups, from scratch (netpol renumbers slots when it rebuilds). */
  private reindex(): void {
    this.generation = this.live.generation;
    this.pods = [];
    this.groups = new Map();
    const slots: [number, PodObject][] = [];
    for (const [id, pod] of this.byId) slots.push([this.live.slotOf(id)!, pod]);
    slots.sort((a, b) => a[0] - b[0]);
    for (const [slot, pod] of slots) this.place(slot, pod);
  }

  /** Puts a pod in its slot and its declared ports in their groups, kept in slot order. */
  private place(slot: number, pod: PodObject): void {
    this.pods[slot] = pod;
    for (const c of pod.spec.containers) {
      for (const p of c.ports ?? []) {
        const protocol = p.protocol ?? 'TCP';
        const key = `${p.containerPort}/${protocol}`;
        let group = this.groups.get(key);
        if (!group) {
          group = { port: p.containerPort, protocol, targets: [] };
          this.groups.set(key, group);
        }
        const target = { index: slot, pod, ref: { port: p.containerPort, protocol, name: p.name } };
        const targets = group.targets;
        let at = targets.length;
        while (at > 0 && targets[at - 1]!.index > slot) at--;
        targets.splice(at, 0, target);
      }
    }
  }
}

/** The group keys a pod declares, each once. */
function declared(pod: PodObject | undefined): string[] {
  const keys = new Set<string>();
  for (const c of pod?.spec.containers ?? []) {
    for (const p of c.ports ?? []) keys.add(`${p.containerPort}/${p.protocol ?? 'TCP'}`);
  }
  return [...keys];
}

/** How many of a pod's container ports fall in one group. */
function countIn(pod: PodObject | undefined, key: string): number {
  let count = 0;
  for (const c of pod?.spec.containers ?? []) {
    for (const p of c.ports ?? []) if (`${p.containerPort}/${p.protocol ?? 'TCP'}` === key) count++;
  }
  return count;
}

/** One Pod or NetworkPolicy as netpol validates it (in a namespace of its own name, unlabelled). */
function parseOne(object: KubeObject): ReturnType<typeof parseCluster> {
  const namespaces = [{ metadata: { name: object.metadata.namespace ?? '' } }];
  return object.kind === 'Pod'
    ? parseCluster({ namespaces, pods: [object] })
    : parseCluster({ namespaces, networkPolicies: [object] });
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
