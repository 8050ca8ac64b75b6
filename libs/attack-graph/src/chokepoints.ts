// Chokepoints of the attack graph, offered to deception as decoy placements: betweenness
// centrality (Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2),
// 2001) over the directed attack edges, all pairs or only attacker sources to targets, and the
// cut vertices (articulation points, Hopcroft–Tarjan) of the graph with directions dropped.
import { Code, OmegaError } from '@omega/errors';
import type { GraphView } from './attack-paths';

export interface ChokepointOptions {
  /** With `targets`: count only shortest paths from these to those (attacker view). */
  readonly sources?: readonly string[];
  readonly targets?: readonly string[];
  /** How many placements to return; default 20, at most 1,000. */
  readonly limit?: number;
}

export interface Chokepoint {
  readonly id: string;
  /** All pairs: normalized as networkx does for directed graphs (÷ (n−1)(n−2)); sources to targets: raw. */
  readonly betweenness: number;
  /** Removing it disconnects the graph (directions dropped). */
  readonly cutVertex: boolean;
}

/** Brandes costs a breadth-first search per source: at most `work` source × arc steps. */
export const CHOKEPOINT_LIMITS = { vertices: 200_000, limit: 1_000, work: 2e9 } as const;

/** A simple directed graph (parallel arcs and self-loops dropped) in adjacency arrays. */
export class SimpleDigraph {
  readonly ids: string[] = [];
  readonly index = new Map<string, number>();
  readonly out: number[][] = [];

  constructor(arcs: Iterable<readonly [string, string]>, vertices: Iterable<string> = []) {
    for (const v of vertices) this.at(v);
    const seen = new Set<string>();
    for (const [a, b] of arcs) {
      const u = this.at(a);
      const w = this.at(b);
      if (u === w || seen.has(`${u},${w}`)) continue;
      seen.add(`${u},${w}`);
      this.out[u]!.push(w);
    }
  }

  private at(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
      this.out.push([]);
    }
    return i;
  }

  static ofAttackEdges(graph: GraphView): SimpleDigraph {
    const arcs: [string, string][] = [];
    graph.forEachEdge((e) => {
      if (e.attack && e.exploitability > 0) arcs.push([e.fromNodeId, e.toNodeId]);
    });
    return new SimpleDigraph(arcs);
  }
}

/** Betweenness of every vertex; with sources and targets, only their pairs count (not normalized). */
export function betweenness(
  g: SimpleDigraph,
  sources?: readonly string[],
  targets?: readonly string[],
): Float64Array {
  const n = g.ids.length;
  const bc = new Float64Array(n);
  const from = sources
    ? sources.map((s) => g.index.get(s)).filter((s): s is number => s !== undefined)
    : [...Array(n).keys()];
  const isTarget = new Uint8Array(n);
  if (targets) for (const t of targets) if (g.index.has(t)) isTarget[g.index.get(t)!] = 1;
  const sigma = new Float64Array(n);
  const dist = new Int32Array(n);
  const delta = new Float64Array(n);
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (const s of from) {
    sigma.fill(0);
    dist.fill(-1);
    delta.fill(0);
    for (const p of preds) p.length = 0;
    sigma[s] = 1;
    dist[s] = 0;
    const order: number[] = [s];
    for (let q = 0; q < order.length; q++) {
      const v = order[q]!;
      for (const w of g.out[v]!) {
        if (dist[w] === -1) {
          dist[w] = dist[v]! + 1;
          order.push(w);
        }
        if (dist[w] === dist[v]! + 1) {
          sigma[w]! += sigma[v]!;
          preds[w]!.push(v);
        }
      }
    }
    for (let q = order.length - 1; q > 0; q--) {
      const w = order[q]!;
      const coeff = ((targets ? isTarget[w]! : 1) + delta[w]!) / sigma[w]!;
      for (const v of preds[w]!) delta[v]! += sigma[v]! * coeff;
      bc[w]! += delta[w]!;
    }
  }
  if (!targets && n > 2) for (let v = 0; v < n; v++) bc[v]! /= (n - 1) * (n - 2);
  return bc;
}

/** Vertices whose removal disconnects their component, directions dropped (iterative DFS). */
export function cutVertices(g: SimpleDigraph): Uint8Array {
  const n = g.ids.length;
  const adj: number[][] = Array.from({ length: n }, () => []);
  g.out.forEach((ws, u) => ws.forEach((w) => (adj[u]!.push(w), adj[w]!.push(u))));
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  const cut = new Uint8Array(n);
  let time = 0;
  for (let root = 0; root < n; root++) {
    if (disc[root] !== -1) continue;
    let children = 0;
    const stack = [root];
    disc[root] = low[root] = time++;
    while (stack.length > 0) {
      const u = stack[stack.length - 1]!;
      if (next[u]! < adj[u]!.length) {
        const w = adj[u]![next[u]!++]!;
        if (disc[w] === -1) {
          parent[w] = u;
          disc[w] = low[w] = time++;
          if (u === root) children++;
          stack.push(w);
        } else if (w !== parent[u]) low[u] = Math.min(low[u]!, disc[w]!);
      } else {
        stack.pop();
        const p = parent[u]!;
        if (p !== -1) {
          low[p] = Math.min(low[p]!, low[u]!);
          if (p !== root && low[u]! >= disc[p]!) cut[p] = 1;
        }
      }
    }
    if (children > 1) cut[root] = 1;
  }
  return cut;
}

/** Decoy placements: the vertices most shortest attack paths cross, cut vertices first among equals. */
export function findChokepoints(graph: GraphView, options: ChokepointOptions = {}): Chokepoint[] {
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > CHOKEPOINT_LIMITS.limit) {
    throw new OmegaError(
      Code.InvalidArgument,
      `chokepoints: limit must be an integer in 1..${CHOKEPOINT_LIMITS.limit}, got ${limit}`,
    );
  }
  if ((options.sources === undefined) !== (options.targets === undefined)) {
    throw new OmegaError(
      Code.InvalidArgument,
      'chokepoints: give both sources and targets, or neither',
    );
  }
  const g = SimpleDigraph.ofAttackEdges(graph);
  if (g.ids.length > CHOKEPOINT_LIMITS.vertices) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `chokepoints: ${g.ids.length} vertices, more than the ${CHOKEPOINT_LIMITS.vertices} allowed`,
    );
  }
  const arcs = g.out.reduce((n, ws) => n + ws.length, 0);
  const searches = options.sources?.length ?? g.ids.length;
  if (searches * arcs > CHOKEPOINT_LIMITS.work) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `chokepoints: ${searches} searches over ${arcs} arcs is more than the ${CHOKEPOINT_LIMITS.work} steps allowed; give fewer sources (and targets)`,
    );
  }
  const bc = betweenness(g, options.sources, options.targets);
  const cut = cutVertices(g);
  const ends = new Set([...(options.sources ?? []), ...(options.targets ?? [])]);
  return g.ids
    .map((id, v) => ({ id, betweenness: bc[v]!, cutVertex: cut[v] === 1 }))
    .filter((c) => !ends.has(c.id) && (c.betweenness > 0 || c.cutVertex))
    .sort(
      (a, b) =>
        b.betweenness - a.betweenness ||
        Number(b.cutVertex) - Number(a.cutVertex) ||
        (a.id < b.id ? -1 : 1),
    )
    .slice(0, limit);
}
