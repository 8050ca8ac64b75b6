// Snapshots of the twin: the last few states (objects, observed flows, alerted vertices, decoys),
// each named by an id, so a caller's second question is answered from the same state as its
// first. A new snapshot is taken only when something changed; at most `keep` are kept, none older
// than `ttlMs`. A snapshot whose graph is still the live one reads it in place; an older one
// builds its own from its objects, once.
import { randomBytes } from 'node:crypto';
import {
  AttackGraph,
  ImplicitNetworkView,
  type AttackGraphOptions,
  type GraphView,
  type Edge,
  type KubeObject,
  type Vertex,
} from '@omega/attack-graph';
import { Code, OmegaError } from '@omega/runtime';
import type { TwinGraphSource, TwinSnapshot } from './graph-source';
import { PolicyReachability } from './kube/policy-reachability';

/** What snapshots are taken of. */
export interface TwinState {
  /** Changes whenever the graph does (a change applied, a rebuild). */
  graphStamp(): string;
  /** Changes whenever anything else a snapshot holds does. */
  observedStamp(): string;
  graph(): AttackGraph;
  objects(): KubeObject[];
  observedFlows(): Edge[];
  alertedNodeIds(): Set<string>;
  decoys(): Vertex[];
}

export interface SnapshotOptions {
  readonly keep: number;
  readonly ttlMs: number;
  /** Limits; reachability is made per graph, over its own objects. */
  readonly graphOptions: Omit<AttackGraphOptions, 'reachability'>;
  /** Whether graphs draw NetworkPolicy edges (as the live graph does). */
  readonly drawsNetworkEdges: () => boolean;
  /** Whether path queries read NetworkPolicy edges from matrices instead (above the pod cap). */
  readonly implicitNetwork?: () => boolean;
  readonly now?: () => number;
}

interface Kept {
  readonly snapshot: TwinSnapshot;
  readonly graphStamp: string;
  readonly observedStamp: string;
  readonly takenMs: number;
}

export class SnapshotStore implements TwinGraphSource {
  private readonly kept: Kept[] = [];
  private readonly now: () => number;

  constructor(
    private readonly state: TwinState,
    private readonly options: SnapshotOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  graphOptions(objects: readonly KubeObject[]): AttackGraphOptions {
    if (!this.options.drawsNetworkEdges()) return this.options.graphOptions;
    return {
      ...this.options.graphOptions,
      reachability: PolicyReachability.of(objects).reachability,
    };
  }

  private readonly views = new WeakMap<AttackGraph, ImplicitNetworkView>();

  pathView(graph: AttackGraph): GraphView {
    if (graph.drawsNetworkEdges || !this.options.implicitNetwork?.()) return graph;
    let view = this.views.get(graph);
    if (!view) {
      view = new ImplicitNetworkView(
        graph,
        (objects) => PolicyReachability.of(objects).networkReach(),
        (change, reach) => PolicyReachability.admit(change, reach),
      );
      this.views.set(graph, view);
    }
    return view;
  }

  /** Snapshots kept now. */
  get size(): number {
    this.expire();
    return this.kept.length;
  }

  snapshot(id?: string): TwinSnapshot {
    this.expire();
    if (id) {
      const found = this.kept.find((k) => k.snapshot.id === id);
      if (!found) {
        throw new OmegaError(
          Code.NotFound,
          `snapshot_id '${id}' is not kept (unknown, or older than the last ${this.options.keep} snapshots or ${this.options.ttlMs} ms): ask again without snapshot_id`,
        );
      }
      return found.snapshot;
    }
    const graphStamp = this.state.graphStamp();
    const observedStamp = this.state.observedStamp();
    const latest = this.kept.at(-1);
    if (latest && latest.graphStamp === graphStamp && latest.observedStamp === observedStamp) {
      return latest.snapshot;
    }
    const kept: Kept = {
      snapshot: this.take(graphStamp),
      graphStamp,
      observedStamp,
      takenMs: this.now(),
    };
    this.kept.push(kept);
    while (this.kept.length > this.options.keep) this.kept.shift();
    return kept.snapshot;
  }

  private take(graphStamp: string): TwinSnapshot {
    const { state } = this;
    const objects = Object.freeze(state.objects());
    let own: AttackGraph | undefined;
    const build = () => AttackGraph.build(objects, this.graphOptions(objects));
    const takenMs = this.now();
    return {
      id: `${takenMs.toString(36)}-${randomBytes(4).toString('hex')}`,
      timeNs: BigInt(takenMs) * 1_000_000n,
      objects,
      observedFlows: Object.freeze(state.observedFlows()),
      alertedNodeIds: state.alertedNodeIds(),
      decoys: Object.freeze(state.decoys()),
      graph(): AttackGraph {
        if (own) return own;
        if (state.graphStamp() === graphStamp) return state.graph();
        return (own = build());
      },
    };
  }

  private expire(): void {
    const oldest = this.now() - this.options.ttlMs;
    while (this.kept.length > 0 && this.kept[0]!.takenMs < oldest) this.kept.shift();
  }
}
