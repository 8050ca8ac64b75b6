// A what-if view over a graph: some edges hidden, some added, the graph itself untouched. Path
// queries read it as they read the graph (GraphView), so a change is tried without copying it.
import type { GraphView, PathBase } from './attack-paths';
import type { Edge, Vertex } from './graph-model';

export class GraphOverlay implements GraphView {
  private readonly hidden = new Set<string>();
  private readonly added = new Map<string, Edge>();

  constructor(readonly base: GraphView & { outEdges(from: string): Edge[] }) {}

  /** The base's version: path caches are kept per overlay object, never shared with the base. */
  get version(): number {
    return this.base.version;
  }

  hide(edgeId: string): void {
    this.hidden.add(edgeId);
    this.added.delete(edgeId);
  }

  add(edge: Edge): void {
    this.hidden.delete(edge.id);
    this.added.set(edge.id, edge);
  }

  /**
   * While it adds no attack edge (structural edges are not on paths, and an attack edge whose
   * evidence alone changed is shown in its place), path queries reuse the base's arrays with the
   * hidden arcs closed.
   */
  pathBase(): PathBase | undefined {
    const replaced = new Map<string, Edge>();
    for (const e of this.added.values()) {
      if (!e.attack || e.exploitability <= 0) continue;
      const was = this.base.outEdges(e.fromNodeId).find((b) => b.id === e.id);
      if (!was || was.toNodeId !== e.toNodeId || was.exploitability !== e.exploitability)
        return undefined;
      replaced.set(e.id, e);
    }
    return { base: this.base, hidden: this.hidden, replaced };
  }

  /** Edge ids hidden (whether the base had them or not). */
  hiddenIds(): ReadonlySet<string> {
    return this.hidden;
  }

  forEachEdge(visit: (edge: Edge) => void): void {
    this.base.forEachEdge((e) => {
      if (!this.hidden.has(e.id) && !this.added.has(e.id)) visit(e);
    });
    for (const e of this.added.values()) {
      if (this.hasVertex(e.fromNodeId) && this.hasVertex(e.toNodeId)) visit(e);
    }
  }

  edges(): Edge[] {
    const out: Edge[] = [];
    this.forEachEdge((e) => out.push(e));
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  outEdges(from: string): Edge[] {
    const out = this.base.outEdges(from).filter((e) => !this.hidden.has(e.id));
    const ids = new Set(out.map((e) => e.id));
    for (const e of this.added.values()) {
      if (e.fromNodeId === from && !ids.has(e.id) && this.hasVertex(e.toNodeId)) out.push(e);
    }
    return out;
  }

  /** Whether the view holds this edge (by id, between the same vertices). */
  hasEdge(edge: Pick<Edge, 'id' | 'fromNodeId'>): boolean {
    if (this.hidden.has(edge.id)) return false;
    if (this.added.has(edge.id)) return true;
    return this.base.outEdges(edge.fromNodeId).some((e) => e.id === edge.id);
  }

  forEachVertex(visit: (vertex: Vertex) => void): void {
    this.base.forEachVertex(visit);
  }

  vertex(id: string): Vertex | undefined {
    return this.base.vertex(id);
  }

  hasVertex(id: string): boolean {
    return this.base.hasVertex(id);
  }
}
