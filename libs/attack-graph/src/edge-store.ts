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

  /** Inner maps this store may change in place; others are shared with the store it was cloned from. */
  private owned = new WeakSet<Map<string, Edge>>();

  /** A copy that changes apart from this one: maps are copied on first write (copy-on-write). */
  clone(): EdgeStore {
    const copy = new EdgeStore();
    for (const [k, v] of this.buckets) copy.buckets.set(k, v);
    for (const [k, v] of this.contributions) copy.contributions.set(k, v);
    for (const [k, v] of this.shown) copy.shown.set(k, v);
    this.owned = new WeakSet();
    return copy;
  }

  /** An inner map of `outer` this store may write, copied first when shared. */
  private writable(outer: Map<string, Map<string, Edge>>, key: string): Map<string, Edge> {
    let m = outer.get(key);
    if (!m) {
      m = new Map();
    } else if (!this.owned.has(m)) {
      m = new Map(m);
    } else {
      return m;
    }
    this.owned.add(m);
    outer.set(key, m);
    return m;
  }

  /** Edges shown here and not in `base` (added, or changed in evidence) and edge ids shown in `base` only. */
  changesSince(base: EdgeStore): { added: Edge[]; removed: { id: string; from: string }[] } {
    const touched = new Map<string, string>();
    for (const key of new Set([...this.buckets.keys(), ...base.buckets.keys()])) {
      const mine = this.buckets.get(key);
      const theirs = base.buckets.get(key);
      if (mine === theirs) continue;
      for (const e of [...(mine ?? []), ...(theirs ?? [])]) touched.set(e.id, e.fromNodeId);
    }
    const added: Edge[] = [];
    const removed: { id: string; from: string }[] = [];
    for (const [id, from] of touched) {
      const now = this.shown.get(from)?.get(id);
      const was = base.shown.get(from)?.get(id);
      const same =
        now !== undefined &&
        was !== undefined &&
        (now === was ||
          (now.toNodeId === was.toNodeId &&
            now.sourceObject === was.sourceObject &&
            now.exploitability === was.exploitability));
      if (now && !same) added.push(now);
      else if (!now && was) removed.push({ id, from });
    }
    return { added, removed };
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
      this.writable(this.contributions, e.id).delete(key);
      touched.set(e.id, e.fromNodeId);
    }
    if (edges.length === 0) this.buckets.delete(key);
    else this.buckets.set(key, edges);
    for (const e of edges) {
      this.writable(this.contributions, e.id).set(key, e);
      touched.set(e.id, e.fromNodeId);
    }
    for (const [id, from] of touched) this.show(id, from);
    return edges;
  }

  /** Re-picks the copy shown for an edge: the smallest bucket key's, or none. */
  private show(id: string, from: string): void {
    const c = this.contributions.get(id)!;
    if (c.size === 0) {
      this.contributions.delete(id);
      if (!this.shown.has(from)) return;
      const out = this.writable(this.shown, from);
      out.delete(id);
      if (out.size === 0) this.shown.delete(from);
      return;
    }
    let best: string | undefined;
    for (const key of c.keys()) if (best === undefined || key < best) best = key;
    this.writable(this.shown, from).set(id, c.get(best!)!);
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
