// Attack paths over the graph: ranked k-shortest paths (Yen) from entry points to crown jewels,
// each step explained with its evidence and ATT&CK technique, and the minimum cut of attack edges
// whose removal closes every path to the targets.
import { Code, OmegaError } from '@omega/errors';
import { ATTACKS, type AttackKind } from './attacks';
import type { AttackGraph } from './attack-graph';
import { CompactGraph, type ArcInput } from './compact-graph';
import { CROWN_JEWEL_LABEL, EXTERNAL_ID, type Edge } from './graph-model';
import { kShortestPaths } from './k-shortest-paths';
import { minCut } from './min-cut';

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
export function crownJewels(graph: AttackGraph): string[] {
  const out = new Set<string>();
  graph.forEachVertex((v) => {
    const label = v.labels[CROWN_JEWEL_LABEL];
    if (label !== undefined && label !== 'false') out.add(v.id);
    if (v.id.startsWith('secret/') || v.namespace === 'kube-system') out.add(v.id);
  });
  for (const id of ['namespace/kube-system', 'clusterrole/cluster-admin']) {
    if (graph.hasVertex(id)) out.add(id);
  }
  for (const e of graph.edges()) {
    if (
      e.toNodeId === 'clusterrole/cluster-admin' &&
      e.sourceObject.startsWith('clusterrolebinding/')
    ) {
      out.add(e.fromNodeId);
    }
  }
  return [...out].sort();
}

const SOURCE = '\u0000source';
const TARGET = '\u0000target';

function attackArcs(
  graph: AttackGraph,
  allowed?: ReadonlySet<AttackKind>,
): ArcInput<Edge | undefined>[] {
  const arcs: ArcInput<Edge | undefined>[] = [];
  for (const e of graph.edges()) {
    if (!e.attack || (allowed && !allowed.has(e.attack)) || e.exploitability <= 0) continue;
    arcs.push({
      from: e.fromNodeId,
      to: e.toNodeId,
      weight: -Math.log(e.exploitability),
      payload: e,
    });
  }
  return arcs;
}

function checkVertices(graph: AttackGraph, ids: readonly string[], what: string): void {
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
  graph: AttackGraph,
  options: PathQueryOptions = {},
): AttackPathResult[] {
  const maxPaths = bounded(options.maxPaths, 10, PATH_LIMITS.maxPaths, 'maxPaths');
  const maxDepth = bounded(options.maxDepth, 8, PATH_LIMITS.maxDepth, 'maxDepth');
  const sources = options.sources ?? [EXTERNAL_ID];
  const targets = options.targets ?? crownJewels(graph);
  checkVertices(graph, sources, 'source');
  checkVertices(graph, targets, 'target');
  const arcs = attackArcs(graph, options.attacks && new Set(options.attacks));
  for (const s of sources) arcs.push({ from: SOURCE, to: s, weight: 0, payload: undefined });
  for (const t of targets) {
    const criticality = graph.vertex(t)?.criticality ?? 0;
    if (criticality > 0)
      arcs.push({ from: t, to: TARGET, weight: -Math.log(criticality), payload: undefined });
  }
  const compact = new CompactGraph([SOURCE, TARGET], arcs);
  const paths = kShortestPaths(
    compact,
    compact.index.get(SOURCE)!,
    compact.index.get(TARGET)!,
    maxPaths,
  );
  const out: AttackPathResult[] = [];
  for (const p of paths) {
    const edges = p.arcs.map((a) => compact.payload[a]).filter((e): e is Edge => e !== undefined);
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
  graph: AttackGraph,
  options: Pick<PathQueryOptions, 'sources' | 'targets' | 'attacks'> & {
    readonly vertices?: boolean;
  } = {},
): AttackCut {
  const sources = options.sources ?? [EXTERNAL_ID];
  const targets = options.targets ?? crownJewels(graph);
  checkVertices(graph, sources, 'source');
  checkVertices(graph, targets, 'target');
  const compact = new CompactGraph(
    [...sources, ...targets],
    attackArcs(graph, options.attacks && new Set(options.attacks)),
  );
  const index = (id: string) => compact.index.get(id)!;
  const cut = minCut(compact, sources.map(index), targets.map(index), {
    vertices: options.vertices,
  });
  return {
    size: cut.value,
    edges: options.vertices ? [] : cut.cut.map((a) => compact.payload[a]!),
    vertexIds: options.vertices ? cut.cut.map((v) => compact.ids[v]!) : [],
  };
}
