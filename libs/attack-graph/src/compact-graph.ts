// A directed graph in flat arrays (compressed sparse rows) with Dijkstra on a binary heap: the
// plain-adjacency option the bench measured against a graph library and kept (bench/twin).

export interface ArcInput<T> {
  readonly from: string;
  readonly to: string;
  /** Non-negative. */
  readonly weight: number;
  readonly payload: T;
}

/**
 * Arcs not stored in the arrays, produced when their source vertex is expanded (implicit network
 * edges): arc numbers at or above `CompactGraph.arcCount`, decoded by the provider.
 */
export interface ImplicitArcs<T> {
  /**
   * State for one Dijkstra run. Implicit arcs all weigh the same, so once an unblocked one has
   * been relaxed into a vertex, no later one (popped at no smaller distance) improves it.
   */
  begin(): unknown;
  /**
   * Calls `visit` with implicit arcs leaving `v` and their target vertices, skipping targets an
   * earlier visit of this run took (`visit` returned true).
   */
  forEach(v: number, run: unknown, visit: (arc: number, to: number) => boolean): void;
  source(arc: number): number;
  target(arc: number): number;
  weight(arc: number): number;
  payload(arc: number): T;
}

export class CompactGraph<T> {
  readonly ids: string[] = [];
  readonly index = new Map<string, number>();
  /** Arcs of vertex v are start[v] .. start[v + 1] - 1. */
  readonly start: Int32Array;
  readonly target: Int32Array;
  readonly weight: Float64Array;
  readonly payload: T[];
  readonly source: Int32Array;

  /** Set after construction (vertex indexes are known then); see ImplicitArcs. */
  implicit: ImplicitArcs<T> | undefined;

  constructor(vertexIds: Iterable<string>, arcs: readonly ArcInput<T>[]) {
    for (const id of vertexIds) this.vertexOf(id);
    for (const a of arcs) {
      this.vertexOf(a.from);
      this.vertexOf(a.to);
    }
    const n = this.ids.length;
    this.start = new Int32Array(n + 1);
    for (const a of arcs) this.start[this.index.get(a.from)! + 1]!++;
    for (let v = 0; v < n; v++) this.start[v + 1]! += this.start[v]!;
    const fill = this.start.slice(0, n);
    this.target = new Int32Array(arcs.length);
    this.source = new Int32Array(arcs.length);
    this.weight = new Float64Array(arcs.length);
    this.payload = new Array<T>(arcs.length);
    for (const a of arcs) {
      const from = this.index.get(a.from)!;
      const slot = fill[from]!++;
      this.source[slot] = from;
      this.target[slot] = this.index.get(a.to)!;
      this.weight[slot] = a.weight;
      this.payload[slot] = a.payload;
    }
  }

  private vertexOf(id: string): number {
    let v = this.index.get(id);
    if (v === undefined) {
      v = this.ids.length;
      this.ids.push(id);
      this.index.set(id, v);
    }
    return v;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Arcs stored in the arrays; implicit arcs are numbered from here. */
  get arcCount(): number {
    return this.target.length;
  }

  sourceOf(arc: number): number {
    return arc < this.target.length ? this.source[arc]! : this.implicit!.source(arc);
  }

  targetOf(arc: number): number {
    return arc < this.target.length ? this.target[arc]! : this.implicit!.target(arc);
  }

  weightOf(arc: number): number {
    return arc < this.target.length ? this.weight[arc]! : this.implicit!.weight(arc);
  }

  payloadOf(arc: number): T {
    return arc < this.target.length ? this.payload[arc]! : this.implicit!.payload(arc);
  }

  /**
   * The cheapest path from `from` to `to` as arc indexes, avoiding the blocked vertices and arcs;
   * undefined when there is none. Stops as soon as `to` is settled.
   */
  shortestPath(
    from: number,
    to: number,
    blockedVertices?: ReadonlySet<number>,
    blockedArcs?: ReadonlySet<number>,
  ): { arcs: number[]; cost: number } | undefined {
    const n = this.size;
    const dist = new Float64Array(n).fill(Infinity);
    const via = new Int32Array(n).fill(-1);
    const heap = new MinHeap();
    dist[from] = 0;
    heap.push(from, 0);
    const relax = (a: number, w: number, d: number, weight: number): boolean => {
      if (blockedArcs?.has(a) || blockedVertices?.has(w)) return false;
      const nd = d + weight;
      if (nd < dist[w]!) {
        dist[w] = nd;
        via[w] = a;
        heap.push(w, nd);
      }
      return true;
    };
    const implicit = this.implicit;
    const run = implicit?.begin();
    while (heap.size > 0) {
      const [v, d] = heap.pop();
      if (d > dist[v]!) continue;
      if (v === to) break;
      for (let a = this.start[v]!; a < this.start[v + 1]!; a++) {
        relax(a, this.target[a]!, d, this.weight[a]!);
      }
      implicit?.forEach(v, run, (a, w) => relax(a, w, d, implicit.weight(a)));
    }
    if (dist[to] === Infinity) return undefined;
    const arcs: number[] = [];
    for (let v = to; v !== from; v = this.sourceOf(via[v]!)) arcs.push(via[v]!);
    return { arcs: arcs.reverse(), cost: dist[to]! };
  }
}

/** A binary min-heap of (vertex, priority) with lazy deletion (stale entries are skipped by the caller). */
class MinHeap {
  private readonly vertices: number[] = [];
  private readonly priorities: number[] = [];

  get size(): number {
    return this.vertices.length;
  }

  push(vertex: number, priority: number): void {
    const vs = this.vertices;
    const ps = this.priorities;
    let i = vs.length;
    vs.push(vertex);
    ps.push(priority);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ps[parent]! <= priority) break;
      vs[i] = vs[parent]!;
      ps[i] = ps[parent]!;
      i = parent;
    }
    vs[i] = vertex;
    ps[i] = priority;
  }

  pop(): [number, number] {
    const vs = this.vertices;
    const ps = this.priorities;
    const top: [number, number] = [vs[0]!, ps[0]!];
    const lastV = vs.pop()!;
    const lastP = ps.pop()!;
    const n = vs.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && ps[r]! < ps[l]! ? r : l;
        if (ps[c]! >= lastP) break;
        vs[i] = vs[c]!;
        ps[i] = ps[c]!;
        i = c;
      }
      vs[i] = lastV;
      ps[i] = lastP;
    }
    return top;
  }
}
