// The twin's graph as the RPC handlers read it: the live attack graph kept current from
// Kubernetes watches, plus immutable snapshots (with observed flows, alerted pods and decoys)
// that later calls name by id for consistent answers. Handler factories (graph, paths, what-if,
// RL environment) each take a TwinGraphSource and never see how it is kept current.
import type {
  AttackGraph,
  AttackGraphOptions,
  Edge,
  GraphView,
  KubeObject,
  Vertex,
} from '@omega/attack-graph';

/** One state of the twin, frozen: nothing in it changes after it is taken. */
export interface TwinSnapshot {
  /** Names the snapshot in GetGraph / FindAttackPaths / SimulateWhatIf / ResetEnv requests. */
  readonly id: string;
  readonly timeNs: bigint;
  /** The validated Kubernetes objects the graph is made of (to build changed copies from). */
  readonly objects: readonly KubeObject[];
  /** NETWORK_OBSERVED edges from TELEMETRY flows (count and last seen on each). */
  readonly observedFlows: readonly Edge[];
  /** Vertex ids an open alert names (pods, or `external`). */
  readonly alertedNodeIds: ReadonlySet<string>;
  /** DECOY vertices (deception's decoys), not part of the attack graph's own vertices. */
  readonly decoys: readonly Vertex[];
  /**
   * The attack graph of `objects`, built with the twin's options. While the cluster has not
   * changed since the snapshot this is the live graph itself (no copy): read it within one call,
   * never `apply` to it (build a copy from `objects` to change it), and call `graph()` again
   * rather than keeping it; once the cluster moved on, it is built from `objects` once and cached.
   */
  graph(): AttackGraph;
}

export interface TwinGraphSource {
  /**
   * The snapshot `id`; without an id (or ''), the current state (a new snapshot only when
   * something changed since the last). An unknown or expired id throws NOT_FOUND naming it.
   */
  snapshot(id?: string): TwinSnapshot;
  /**
   * The options to build a graph of `objects` with, as the twin builds its own: its limits and
   * NetworkPolicy reachability (libs/netpol) over those objects' Namespaces, Pods and policies.
   */
  graphOptions(objects: readonly KubeObject[]): AttackGraphOptions;
  /**
   * What path queries read of a snapshot's graph: the graph, or (above reachabilityMaxPods, where
   * no NETWORK_REACH edges are stored) a view reading them from NetworkPolicy matrices.
   */
  pathView?(graph: AttackGraph): GraphView;
}
