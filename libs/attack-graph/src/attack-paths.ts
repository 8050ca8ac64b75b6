// Attack paths over the graph: ranked k-shortest paths (Yen) from entry points to crown jewels,
// each step explained with its evidence and ATT&CK technique, and the minimum cut of attack edges
// whose removal closes every path to the targets.
import { Code, OmegaError } from '@omega/errors';
import { ATTACKS, type AttackKind } from './attacks';
import type { AttackGraph } from './attack-graph';
import { CompactGraph, type ArcInput } from './compact-graph';
import { CROWN_JEWEL_LABEL, EXTERNAL_ID, type Edge } from './graph-model';
import { kShortestPaths, type ArcPath } from './k-shortest-paths';
import { minCut } from './min-cut';
import type { NetworkReach } from './network-reach';
import { implicitNetworkArcs } from './network-paths';

/** What path queries read of a graph: an AttackGraph, or a what-if overlay over one. */
export type GraphView = Pick<
  AttackGraph,
  'version' | 'forEachEdge' | 'forEachVertex' | 'edges' | 'vertex' | 'hasVertex'
> & {
  /** A view that only hides edges of another: queries reuse that one's arrays, the hidden arcs closed. */
  pathBase?(): PathBase | undefined;
  /** Network reachability whose NETWORK_REACH arcs path queries read from matrix rows (implicit). */
  implicitNetwork?(): NetworkReach;
};

export interface PathBase {
  readonly base: GraphView;
  readonly hidden: ReadonlySet<string>;
  /** Edges shown instead of the base's copy (same ends and weight, other evidence). */
  readonly replaced: ReadonlyMap<string, Edge>;
}

export const PATH_LIMITS = { maxPaths: 100, maxDepth: 32 } as const;

export interface PathQueryOptions {
  /** Vertex ids attackers start from; default `external`. */
  readonly sources?: readonly string[];
  /** Vertex ids to reach; default crownJewels(graph). */
  readonly targets?: readonly string[];
  /** Default 10, at most 100. */
  readonly maxPaths?: number;
  /** Longest path in edges (longer ones are dropped); default 8, at most 32. */
  readonly maxDepth?: number;
  /** Attacks an attacker may use; default all. */
  readonly attacks?: readonly AttackKind[];
}

export interface PathStep {
  readonly from: string;
  readonly to: string;
  readonly attack: AttackKind;
  readonly techniqueId: string;
  readonly meaning: string;
  /** The object(s) that make the step possible. */
  readonly evidence: string;
  readonly exploitability: number;
}

export interface AttackPathResult {
  readonly nodeIds: string[];
  readonly edges: Edge[];
  /** Product of the steps' exploitability times the target's criticality, 0..1. */
  readonly risk: number;
  readonly attackTechniqueIds: string[];
  readonly steps: PathStep[];
}

/**
 * The crown jewels: vertices labelled `omega.io/crown-jewel`, every secret, the kube-system
 * namespace and what lives in it, the cluster-admin ClusterRole and whoever a ClusterRoleBinding
 * binds to it.
 */
export function crownJewels(graph: GraphView): string[] {
  const out = new Set<string>();
  graph.forEachVertex((v) => {
    const label = v.labels[CROWN_JEWEL_LABEL];
    if (label !== undefined && label !== 'false') out.add(v.id);
    if (v.id.startsWith('secret/') || v.namespace === 'kube-system') out.add(v.id);
  });
  for (const id of ['namespace/kube-system', 'clusterrole/cluster-admin']) {
    if (graph.hasVertex(id)) out.add(id);
  }
  graph.forEachEdge((e) => {
    if (
      e.toNodeId === 'clusterrole/cluster-admin' &&
      e.sourceObject.startsWith('clusterrolebinding/')
    ) {
      out.add(e.fromNodeId);
    }
  });
  return [...out].sort();
}

const SOURCE = '\u0000source';
const TARGET = '\u0000target';

/**
 * The attack edges as a CompactGraph, with a virtual source holding an arc to every vertex and
 * every vertex an arc to a virtual sink, all of weight Infinity (never taken) until a query opens
 * the ones it needs. Built once per graph version and attack filter, and reused.
 */
interface PathArrays {
  readonly version: number;
  readonly filter: string;
  readonly compact: CompactGraph<Edge | undefined>;
  readonly entryArc: Map<number, number>;
  readonly exitArc: Map<number, number>;
  /** Edge id → arc, built on first use. */
  arcOfEdge?: Map<string, number>;
}

const arrays = new WeakMap<GraphView, PathArrays>();

function pathArrays(graph: GraphView, attacks?: readonly AttackKind[]): PathArrays {
  const filter = attacks ? [...attacks].sort().join(',') : '*';
  const cached = arrays.get(graph);
  if (cached && cached.version === graph.version && cached.filter === filter) return cached;
  const allowed = attacks && new Set(attacks);
  const arcs: ArcInput<Edge | undefined>[] = [];
  graph.forEachEdge((e) => {
    if (!e.attack || (allowed && !allowed.has(e.attack)) || e.exploitability <= 0) return;
    arcs.push({
      from: e.fromNodeId,
      to: e.toNodeId,
      weight: -Math.log(e.exploitability),
      payload: e,
    });
  });
  const ids: string[] = [];
  graph.forEachVertex((v) => ids.push(v.id));
  for (const id of ids) {
    arcs.push({ from: SOURCE, to: id, weight: Infinity, payload: undefined });
    arcs.push({ from: id, to: TARGET, weight: Infinity, payload: undefined });
  }
  const compact = new CompactGraph([SOURCE, TARGET, ...ids], arcs);
  const entryArc = new Map<number, number>();
  const exitArc = new Map<number, number>();
  const source = compact.index.get(SOURCE)!;
  const sink = compact.index.get(TARGET)!;
  for (let a = 0; a < compact.target.length; a++) {
    if (compact.source[a] === source) entryArc.set(compact.target[a]!, a);
    if (compact.target[a] === sink) exitArc.set(compact.source[a]!, a);
  }
  if (graph.implicitNetwork && (!allowed || allowed.has('NETWORK_REACH'))) {
    compact.implicit = implicitNetworkArcs(compact, graph.implicitNetwork());
  }
  const built = { version: graph.version, filter, compact, entryArc, exitArc };
  arrays.set(graph, built);
  return built;
}

function checkVertices(graph: GraphView, ids: readonly string[], what: string): void {
  for (const id of ids) {
    if (!graph.hasVertex(id)) {
      throw new OmegaError(
        Code.NotFound,
        `attack paths: ${what} '${id}' is not a vertex of the graph`,
      );
    }
  }
}

function bounded(value: number | undefined, fallback: number, max: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new OmegaError(
      Code.InvalidArgument,
      `attack paths: ${what} must be an integer in 1..${max}, got ${v}`,
    );
  }
  return v;
}

/** The most likely attack paths from the sources to the targets, most likely first. */
export function findAttackPaths(
  graph: GraphView,
  options: PathQueryOptions = {},
): AttackPathResult[] {
  const maxPaths = bounded(options.maxPaths, 10, PATH_LIMITS.maxPaths, 'maxPaths');
  const maxDepth = bounded(options.maxDepth, 8, PATH_LIMITS.maxDepth, 'maxDepth');
  const sources = options.sources ?? [EXTERNAL_ID];
  const targets = options.targets ?? crownJewels(graph);
  checkVertices(graph, sources, 'source');
  checkVertices(graph, targets, 'target');
  const layered = graph.pathBase?.();
  const arrays = pathArrays(layered?.base ?? graph, options.attacks);
  const { compact, entryArc, exitArc } = arrays;
  const opened: [number, number][] = [];
  const open = (arc: number | undefined, weight: number) => {
    if (arc === undefined) return;
    opened.push([arc, compact.weight[arc]!]);
    compact.weight[arc] = weight;
  };
  let paths: ArcPath[];
  try {
    if (layered && layered.hidden.size > 0) {
      if (!arrays.arcOfEdge) {
        arrays.arcOfEdge = new Map();
        compact.payload.forEach((e, a) => e && arrays.arcOfEdge!.set(e.id, a));
      }
      for (const id of layered.hidden) open(arrays.arcOfEdge.get(id), Infinity);
    }
    for (const s of sources) open(entryArc.get(compact.index.get(s)!), 0);
    for (const t of targets) {
      const criticality = graph.vertex(t)?.criticality ?? 0;
      if (criticality > 0) open(exitArc.get(compact.index.get(t)!), -Math.log(criticality));
    }
    paths = kShortestPaths(
      compact,
      compact.index.get(SOURCE)!,
      compact.index.get(TARGET)!,
      maxPaths,
    );
  } finally {
    for (const [arc, weight] of opened.reverse()) compact.weight[arc] = weight;
  }
  const out: AttackPathResult[] = [];
  for (const p of paths) {
    const edges = p.arcs
      .map((a) => compact.payloadOf(a))
      .filter((e): e is Edge => e !== undefined)
      .map((e) => layered?.replaced.get(e.id) ?? e);
    if (edges.length === 0 || edges.length > maxDepth) continue;
    out.push(explain(edges, Math.exp(-p.cost)));
  }
  return out;
}

function explain(edges: Edge[], risk: number): AttackPathResult {
  const steps = edges.map((e) => ({
    from: e.fromNodeId,
    to: e.toNodeId,
    attack: e.attack!,
    techniqueId: e.techniqueId,
    meaning: ATTACKS[e.attack!].meaning,
    evidence: e.sourceObject,
    exploitability: e.exploitability,
  }));
  return {
    nodeIds: [edges[0]!.fromNodeId, ...edges.map((e) => e.toNodeId)],
    edges,
    risk,
    attackTechniqueIds: [...new Set(edges.map((e) => e.techniqueId))],
    steps,
  };
}

export interface AttackCut {
  /** Number of edges (or vertices) in the cut; Infinity when a source is itself a target. */
  readonly size: number;
  readonly edges: Edge[];
  /** With `vertices`: the vertex ids to isolate instead. */
  readonly vertexIds: string[];
}

/** The fewest attack edges (or, with `vertices`, vertices) whose removal closes every path. */
export function cutAttackPaths(
  graph: GraphView,
  options: Pick<PathQueryOptions, 'sources' | 'targets' | 'attacks'> & {
    readonly vertices?: boolean;
    /** Cost of cutting an edge (default 1; Infinity: cannot be cut). Not with `vertices`. */
    readonly edgeCost?: (edge: Edge) => number;
  } = {},
): AttackCut {
  const sources = options.sources ?? [EXTERNAL_ID];
  const targets = options.targets ?? crownJewels(graph);
  checkVertices(graph, sources, 'source');
  checkVertices(graph, targets, 'target');
  const { compact } = pathArrays(graph, options.attacks);
  if (compact.implicit) {
    throw new OmegaError(
      Code.Unimplemented,
      'attack paths: cuts over implicit network edges (ImplicitNetworkView) are not built yet; cut the graph built with reachability',
    );
  }
  const index = (id: string) => compact.index.get(id)!;
  const cut = minCut(compact, sources.map(index), targets.map(index), {
    vertices: options.vertices,
    ...(options.edgeCost && !options.vertices
      ? {
          cost: (arc: number) => {
            const edge = compact.payload[arc];
            return edge ? options.edgeCost!(edge) : 1;
          },
        }
      : {}),
  });
  return {
    size: cut.value,
    edges: options.vertices ? [] : cut.cut.map((a) => compact.payload[a]!),
    vertexIds: options.vertices ? cut.cut.map((v) => compact.ids[v]!) : [],
  };
}
