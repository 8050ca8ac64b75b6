// The graph's edges, kept per bucket (the unit recomputed on a change): an edge id may come from
// several buckets, and the copy from the smallest bucket key is the one shown, so what is shown
// never depends on the order changes arrived in.
import type { Edge } from './graph-model';

export class EdgeStore {
  private readonly buckets = new Map<string, Edge[]>();
  /** Edge id → bucket key → that bucket's copy. */
  private readonly contributions = new Map<string, Map<string, Edge>>();
  /** From-vertex → edge id → the copy shown. */
  private readonly shown = new Map<string, Map<string, Edge>>();

  /** A copy that changes apart from this one (edges and bucket arrays are immutable and shared). */
  clone(): EdgeStore {
    const copy = new EdgeStore();
    for (const [k, v] of this.buckets) copy.buckets.set(k, v);
    for (const [id, c] of this.contributions) copy.contributions.set(id, new Map(c));
    for (const [from, m] of this.shown) copy.shown.set(from, new Map(m));
    return copy;
  }

  bucket(key: string): readonly Edge[] {
    return this.buckets.get(key) ?? [];
  }

  /** Vertex ids with at least one edge leaving them. */
  sources(): Iterable<string> {
    return this.shown.keys();
  }

  /** The shown edges leaving a vertex. */
  outgoing(from: string): Iterable<Edge> {
    return this.shown.get(from)?.values() ?? [];
  }

  /** Replaces a bucket's edges; returns them as stored (one per id, sorted). */
  replace(key: string, computed: Edge[]): Edge[] {
    const edges = canonical(computed);
    const touched = new Map<string, string>();
    for (const e of this.buckets.get(key) ?? []) {
      this.contributions.get(e.id)!.delete(key);
      touched.set(e.id, e.fromNodeId);
    }
    if (edges.length === 0) this.buckets.delete(key);
    else this.buckets.set(key, edges);
    for (const e of edges) {
      let c = this.contributions.get(e.id);
      if (!c) this.contributions.set(e.id, (c = new Map()));
      c.set(key, e);
      touched.set(e.id, e.fromNodeId);
    }
    for (const [id, from] of touched) this.show(id, from);
    return edges;
  }

  /** Re-picks the copy shown for an edge: the smallest bucket key's, or none. */
  private show(id: string, from: string): void {
    const c = this.contributions.get(id)!;
    let out = this.shown.get(from);
    if (c.size === 0) {
      this.contributions.delete(id);
      out?.delete(id);
      if (out?.size === 0) this.shown.delete(from);
      return;
    }
    let best: string | undefined;
    for (const key of c.keys()) if (best === undefined || key < best) best = key;
    if (!out) this.shown.set(from, (out = new Map()));
    out.set(id, c.get(best!)!);
  }
}

/** One edge per id (the smallest evidence), sorted: a bucket's content never depends on input order. */
export function canonical(edges: Edge[]): Edge[] {
  const sorted = [...edges].sort((a, b) =>
    a.id < b.id
      ? -1
      : a.id > b.id
        ? 1
        : a.sourceObject < b.sourceObject
          ? -1
          : a.sourceObject > b.sourceObject
            ? 1
            : 0,
  );
  return sorted.filter((e, i) => i === 0 || sorted[i - 1]!.id !== e.id);
}
