// The graph's edges, kept per bucket (the unit recomputed on a change): an edge id may come from
// several buckets, and the copy from the smallest bucket key is the one shown, so what is shown
// never depends on the order changes arrived in.
import type { Edge } from './graph-model';

/** An edge id that one bucket contributes (most edges): no map of its own. */
interface Sole {
  readonly key: string;
  readonly edge: Edge;
}

/** An edge id several buckets contribute: each bucket's copy, and the one shown. */
interface Shared {
  readonly copies: ReadonlyMap<string, Edge>;
  readonly edge: Edge;
}

/** Entries are immutable (replaced whole on a change), so a clone may share them. */
type Entry = Sole | Shared;

export class EdgeStore {
  private readonly buckets = new Map<string, Edge[]>();
  /** From-vertex → edge id → its copies and the one shown. */
  private readonly entries = new Map<string, Map<string, Entry>>();

  /** Inner maps this store may change in place; others are shared with the store it was cloned from. */
  private owned = new WeakSet<Map<string, Entry>>();

  /** A copy that changes apart from this one: maps are copied on first write (copy-on-write). */
  clone(): EdgeStore {
    const copy = new EdgeStore();
    for (const [k, v] of this.buckets) copy.buckets.set(k, v);
    for (const [k, v] of this.entries) copy.entries.set(k, v);
    this.owned = new WeakSet();
    return copy;
  }

  /** The entries of one from-vertex, copied first when shared. */
  private writable(from: string): Map<string, Entry> {
    let m = this.entries.get(from);
    if (!m) {
      m = new Map();
    } else if (!this.owned.has(m)) {
      m = new Map(m);
    } else {
      return m;
    }
    this.owned.add(m);
    this.entries.set(from, m);
    return m;
  }

  /** The copy shown for an edge id leaving `from`, if any. */
  private shownEdge(from: string, id: string): Edge | undefined {
    return this.entries.get(from)?.get(id)?.edge;
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
      const now = this.shownEdge(from, id);
      const was = base.shownEdge(from, id);
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
    return this.entries.keys();
  }

  /** Calls `visit` with each shown edge leaving a vertex. */
  forEachOutgoing(from: string, visit: (edge: Edge) => void): void {
    const m = this.entries.get(from);
    if (m) for (const entry of m.values()) visit(entry.edge);
  }

  /** Replaces a bucket's edges; returns them as stored (one per id, sorted). */
  replace(key: string, computed: Edge[]): Edge[] {
    const edges = canonical(computed);
    const old = this.buckets.get(key);
    if (edges.length === 0) this.buckets.delete(key);
    else this.buckets.set(key, edges);
    if (old === undefined) {
      // A new bucket (every bucket of a build): nothing to withdraw. Its edges mostly leave one
      // vertex, whose map is looked up once per run of that vertex.
      let from: string | undefined;
      let out: Map<string, Entry> | undefined;
      for (const e of edges) {
        if (e.fromNodeId !== from) {
          from = e.fromNodeId;
          out = this.writable(from);
        }
        const current = out!.get(e.id);
        if (current === undefined) out!.set(e.id, { key, edge: e });
        else this.contribute(e, key);
      }
      return edges;
    }
    const kept = new Set<string>();
    for (const e of edges) {
      kept.add(e.id);
      this.contribute(e, key);
    }
    for (const e of old) if (!kept.has(e.id)) this.withdraw(e, key);
    return edges;
  }

  /** Adds or replaces bucket `key`'s copy of `edge`. */
  private contribute(edge: Edge, key: string): void {
    const current = this.entries.get(edge.fromNodeId)?.get(edge.id);
    let next: Entry;
    if (current === undefined || ('key' in current && current.key === key)) {
      if (current?.edge === edge) return;
      next = { key, edge };
    } else {
      const copies = new Map('key' in current ? [[current.key, current.edge]] : current.copies);
      copies.set(key, edge);
      next = shared(copies);
    }
    this.writable(edge.fromNodeId).set(edge.id, next);
  }

  /** Drops bucket `key`'s copy of `edge`'s id. */
  private withdraw(edge: Edge, key: string): void {
    const current = this.entries.get(edge.fromNodeId)?.get(edge.id);
    if (current === undefined) return;
    if ('key' in current) {
      if (current.key !== key) return;
      const out = this.writable(edge.fromNodeId);
      out.delete(edge.id);
      if (out.size === 0) this.entries.delete(edge.fromNodeId);
      return;
    }
    if (!current.copies.has(key)) return;
    const copies = new Map(current.copies);
    copies.delete(key);
    const next: Entry =
      copies.size === 1
        ? (([k, e]) => ({ key: k, edge: e }))(copies.entries().next().value!)
        : shared(copies);
    this.writable(edge.fromNodeId).set(edge.id, next);
  }
}

/** Several buckets' copies: the smallest bucket key's is shown. */
function shared(copies: Map<string, Edge>): Shared {
  let best: string | undefined;
  for (const key of copies.keys()) if (best === undefined || key < best) best = key;
  return { copies, edge: copies.get(best!)! };
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
