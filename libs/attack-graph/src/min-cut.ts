// Minimum cuts by max-flow (Dinic) on a node-split network: each vertex v becomes v_in → v_out,
// each arc u → w becomes u_out → w_in. Cutting arcs: the arcs carry their cost and the split arcs
// are uncuttable; cutting vertices: the split arcs carry the cost. By max-flow/min-cut the flow's
// value is the cheapest cut, and the saturated arcs leaving the residual graph's source side are it.
import type { CompactGraph } from './compact-graph';

export interface CutOptions {
  /** Cut vertices instead of arcs (sources and targets are never cut). */
  readonly vertices?: boolean;
  /** Cost of cutting an arc (or a vertex); Infinity = cannot be cut. Default 1. */
  readonly cost?: (index: number) => number;
}

export interface Cut {
  /** Total cost of the cut; Infinity when no finite cut separates them (a source is a target). */
  readonly value: number;
  /** Arc indexes (or vertex indexes with `vertices`) whose removal cuts every path. */
  readonly cut: number[];
}

class FlowNetwork {
  readonly head: number[];
  readonly to: number[] = [];
  readonly next: number[] = [];
  readonly cap: number[] = [];

  constructor(readonly n: number) {
    this.head = new Array<number>(n).fill(-1);
  }

  add(u: number, v: number, capacity: number): number {
    const id = this.to.length;
    this.to.push(v, u);
    this.cap.push(capacity, 0);
    this.next.push(this.head[u]!, this.head[v]!);
    this.head[u] = id;
    this.head[v] = id + 1;
    return id;
  }

  private levels(s: number, t: number, level: Int32Array): boolean {
    level.fill(-1);
    level[s] = 0;
    const queue = [s];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q]!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        if (this.cap[e]! > 0 && level[this.to[e]!] === -1) {
          level[this.to[e]!] = level[u]! + 1;
          queue.push(this.to[e]!);
        }
      }
    }
    return level[t] !== -1;
  }

  private push(u: number, t: number, limit: number, level: Int32Array, it: number[]): number {
    if (u === t) return limit;
    for (; it[u] !== -1; it[u] = this.next[it[u]!]!) {
      const e = it[u]!;
      const v = this.to[e]!;
      if (this.cap[e]! <= 0 || level[v] !== level[u]! + 1) continue;
      const pushed = this.push(v, t, Math.min(limit, this.cap[e]!), level, it);
      if (pushed > 0) {
        this.cap[e]! -= pushed;
        this.cap[e ^ 1]! += pushed;
        return pushed;
      }
    }
    return 0;
  }

  maxFlow(s: number, t: number): number {
    let flow = 0;
    const level = new Int32Array(this.n);
    while (this.levels(s, t, level)) {
      const it = [...this.head];
      for (
        let f = this.push(s, t, Infinity, level, it);
        f > 0;
        f = this.push(s, t, Infinity, level, it)
      ) {
        flow += f;
        if (flow === Infinity) return Infinity;
      }
    }
    return flow;
  }

  /** Vertices reachable from s in the residual network. */
  sourceSide(s: number): Uint8Array {
    const seen = new Uint8Array(this.n);
    seen[s] = 1;
    const queue = [s];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q]!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        if (this.cap[e]! > 0 && !seen[this.to[e]!]) {
          seen[this.to[e]!] = 1;
          queue.push(this.to[e]!);
        }
      }
    }
    return seen;
  }
}

/** The cheapest set of arcs (or vertices) whose removal leaves no path from any source to any target. */
export function minCut<T>(
  graph: CompactGraph<T>,
  sources: readonly number[],
  targets: readonly number[],
  options: CutOptions = {},
): Cut {
  const n = graph.size;
  const cost = options.cost ?? (() => 1);
  const terminals = new Set([...sources, ...targets]);
  const net = new FlowNetwork(2 * n + 2);
  const S = 2 * n;
  const T = 2 * n + 1;
  for (let v = 0; v < n; v++) {
    net.add(2 * v, 2 * v + 1, options.vertices && !terminals.has(v) ? cost(v) : Infinity);
  }
  const arcs = graph.target.length;
  for (let a = 0; a < arcs; a++) {
    net.add(2 * graph.source[a]! + 1, 2 * graph.target[a]!, options.vertices ? Infinity : cost(a));
  }
  for (const s of sources) net.add(S, 2 * s, Infinity);
  for (const t of targets) net.add(2 * t + 1, T, Infinity);
  const value = net.maxFlow(S, T);
  if (value === Infinity) return { value, cut: [] };
  const side = net.sourceSide(S);
  const cut: number[] = [];
  if (options.vertices) {
    for (let v = 0; v < n; v++) if (side[2 * v] && !side[2 * v + 1]) cut.push(v);
  } else {
    for (let a = 0; a < arcs; a++) {
      if (side[2 * graph.source[a]! + 1] && !side[2 * graph.target[a]!]) cut.push(a);
    }
  }
  return { value, cut };
}
