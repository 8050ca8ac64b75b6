// The graph's edges, kept per bucket (the unit recomputed on a change): an edge id may come from
// several buckets, and the copy from the smallest bucket key is the one shown, so what is shown
// never depends on the order changes arrived in.
import type { Edge } from './graph-model';

export class EdgeStore {
  private readonly buckets = new Map<string, Edge[]>();
  private readonly contributions = new Map<string, Map<string, Edge>>();
  private readonly outIndex = new Map<string, Set<string>>();

  bucket(key: string): readonly Edge[] {
    return this.buckets.get(key) ?? [];
  }

  /** Vertex ids with at least one edge leaving them. */
  sources(): Iterable<string> {
    return this.outIndex.keys();
  }

  /** The shown edges leaving a vertex. */
  *outgoing(from: string): Iterable<Edge> {
    for (const id of this.outIndex.get(from) ?? []) yield this.visible(id)!;
  }

  visible(id: string): Edge | undefined {
    const c = this.contributions.get(id);
    if (!c) return undefined;
    if (c.size === 1) return c.values().next().value;
    let best: string | undefined;
    for (const key of c.keys()) if (best === undefined || key < best) best = key;
    return c.get(best!);
  }

  /** Replaces a bucket's edges; returns them as stored (one per id, sorted). */
  replace(key: string, computed: Edge[]): Edge[] {
    const edges = canonical(computed);
    for (const e of this.buckets.get(key) ?? []) {
      const c = this.contributions.get(e.id)!;
      c.delete(key);
      if (c.size === 0) {
        this.contributions.delete(e.id);
        const out = this.outIndex.get(e.fromNodeId)!;
        out.delete(e.id);
        if (out.size === 0) this.outIndex.delete(e.fromNodeId);
      }
    }
    if (edges.length === 0) this.buckets.delete(key);
    else this.buckets.set(key, edges);
    for (const e of edges) {
      let c = this.contributions.get(e.id);
      if (!c) {
        this.contributions.set(e.id, (c = new Map()));
        let out = this.outIndex.get(e.fromNodeId);
        if (!out) this.outIndex.set(e.fromNodeId, (out = new Set()));
        out.add(e.id);
      }
      c.set(key, e);
    }
    return edges;
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
