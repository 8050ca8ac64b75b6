// Implicit network edges for path queries: a view of an AttackGraph whose pods' NETWORK_REACH
// arcs are read from NetworkReach's matrix rows when Dijkstra expands a pod, and made into Edge
// objects only for the steps a path returns. The graph itself draws no network edges.
import type { AttackGraph } from './attack-graph';
import { ATTACKS } from './attacks';
import type { CompactGraph, ImplicitArcs } from './compact-graph';
import type { Edge } from './graph-model';
import type { KubeObject } from './kube-objects';
import { networkEdges } from './network-edges';
import { NetworkReach, REACH_KINDS, type NetworkChange } from './network-reach';
import type { LoggedChange } from './object-log';

type ViewMethods = 'version' | 'forEachEdge' | 'forEachVertex' | 'edges' | 'vertex' | 'hasVertex';

/** An AttackGraph (built without `reachability`) whose path queries take network steps. */
export class ImplicitNetworkView implements Pick<AttackGraph, ViewMethods> {
  private cached: { version: number; reach: NetworkReach } | undefined;

  /**
   * `reachOf`: the reachability of the graph's objects (default NetworkReach.of, whose result is
   * then kept current change by change). One given may leave objects out that NetworkReach.apply
   * would take in, so it is asked again after every network change unless `admit` says what of a
   * change its reachability takes in (undefined: ask reachOf again).
   */
  constructor(
    readonly graph: AttackGraph,
    private readonly reachOf?: (objects: KubeObject[]) => NetworkReach,
    private readonly admit?: (
      change: LoggedChange,
      reach: NetworkReach,
    ) => NetworkChange | undefined,
  ) {}

  get version(): number {
    return this.graph.version;
  }
  forEachEdge(visit: (edge: Edge) => void): void {
    this.graph.forEachEdge(visit);
  }
  forEachVertex(visit: Parameters<AttackGraph['forEachVertex']>[0]): void {
    this.graph.forEachVertex(visit);
  }
  edges(): Edge[] {
    return this.graph.edges();
  }
  vertex(id: string): ReturnType<AttackGraph['vertex']> {
    return this.graph.vertex(id);
  }
  hasVertex(id: string): boolean {
    return this.graph.hasVertex(id);
  }

  /**
   * Reachability over the graph's objects at its current version: after changes to Namespaces,
   * Pods or NetworkPolicies the matrices are updated in place, one logged change at a time
   * (NetworkReach.apply), or recompiled when more than REACH_CHANGES_MAX changed or the graph's
   * log no longer reaches back; kept across any other change.
   */
  implicitNetwork(): NetworkReach {
    const cached = this.cached;
    if (cached?.version === this.graph.version) return cached.reach;
    let reach: NetworkReach | undefined;
    const logged = cached && this.graph.changesSince(cached.version);
    if (logged) {
      const changes = logged.filter((c) => REACH_KINDS.has((c.after ?? c.before)!.kind));
      const admit = this.admit ?? (this.reachOf ? () => undefined : (c: NetworkChange) => c);
      const admitted =
        changes.length <= REACH_CHANGES_MAX ? changes.map((c) => admit(c, cached.reach)) : [];
      if (changes.length === 0) reach = cached.reach;
      else if (admitted.length > 0 && admitted.every((c) => c !== undefined)) {
        reach = cached.reach;
        for (const change of admitted) reach.apply(change!);
      }
    }
    reach ??= this.reachOf
      ? this.reachOf([...this.graph.objects()])
      : NetworkReach.of(this.graph.objects());
    this.cached = { version: this.graph.version, reach };
    return reach;
  }
}

/** More object changes than this between two queries recompile the reachability instead. */
export const REACH_CHANGES_MAX = 256;

const NETWORK_WEIGHT = -Math.log(ATTACKS.NETWORK_REACH.exploitability);

/** NETWORK_REACH arcs of a CompactGraph's pod vertices, numbered from its arcCount. */
export function implicitNetworkArcs(
  compact: CompactGraph<Edge | undefined>,
  reach: NetworkReach,
): ImplicitArcs<Edge | undefined> {
  const n = reach.size;
  const groups = reach.portGroupList();
  const g = groups.length;
  const toCompact = new Int32Array(n).fill(-1);
  const toPod = new Int32Array(compact.size).fill(-1);
  reach.pods.forEach((pod, i) => {
    if (!pod) return;
    const v = compact.index.get(`pod/${pod.metadata.namespace}/${pod.metadata.name}`);
    if (v === undefined) return;
    toCompact[i] = v;
    toPod[v] = i;
  });
  const declaring = groups.map((group) => {
    const words = new Uint32Array((n + 31) >>> 5);
    for (const t of group.targets) words[t.index >>> 5]! |= 1 << (t.index & 31);
    return words;
  });
  const base = compact.arcCount;
  const words = (n + 31) >>> 5;
  const matrices = groups.map((group) => reach.matrix(group.port, group.protocol));
  const rows = groups.map(() => new Array<Uint32Array>(n));
  const decode = (arc: number) => {
    const k = arc - base;
    const group = k % g;
    const pair = (k - group) / g;
    return { s: Math.floor(pair / n), t: pair % n, group };
  };
  const made = new Map<number, Edge>();
  return {
    begin: () => new Uint32Array(words).fill(0xffffffff),
    forEach(v, run, visit) {
      const s = toPod[v]!;
      if (s < 0) return;
      const open = run as Uint32Array;
      for (let gi = 0; gi < g; gi++) {
        const row = rows[gi]![s] ?? (rows[gi]![s] = matrices[gi]!.reachableFrom(s).words);
        const mask = declaring[gi]!;
        for (let w = 0; w < words; w++) {
          let bits = row[w]! & mask[w]! & open[w]!;
          while (bits !== 0) {
            const low = bits & -bits;
            const t = (w << 5) + 31 - Math.clz32(low);
            bits ^= low;
            if (t === s || toCompact[t]! < 0) continue;
            if (visit(base + (s * n + t) * g + gi, toCompact[t]!)) open[w]! &= ~low;
          }
        }
      }
    },
    source: (arc) => toCompact[decode(arc).s]!,
    target: (arc) => toCompact[decode(arc).t]!,
    weight: () => NETWORK_WEIGHT,
    payload(arc) {
      let edge = made.get(arc);
      if (!edge) {
        const { s, t, group } = decode(arc);
        const { port, protocol } = groups[group]!;
        const only = (_f: unknown, _t: unknown, p: { port: number; protocol: string }) =>
          p.port === port && p.protocol === protocol;
        edge = networkEdges(undefined, reach.pods[s]!, [reach.pods[t]!], only)[0]!;
        made.set(arc, edge);
      }
      return edge;
    },
  };
}
