// GetGraph: the snapshot's vertices (the attack graph's, and deception's decoys) and edges,
// filtered by namespace and node kind, with the observed flows when asked; bounded in size.
import { GraphNodeKind, type GetGraphRequest, type GetGraphResponse } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { TwinGraphSource } from '../graph-source';
import type { TwinHandlers } from '../twin-grpc';
import { toGraphEdge, toGraphNode } from './graph-shapes';

export interface GraphLimits {
  /** Most nodes plus edges one GetGraph answers; past it RESOURCE_EXHAUSTED asks for filters. */
  readonly maxGraphElements: number;
}

const MAX_FILTER_ITEMS = 1_000;

export function graphHandlers(limits: GraphLimits) {
  return (source: TwinGraphSource): TwinHandlers => ({
    getGraph: (request) => getGraph(source, limits, request),
  });
}

function checkFilters(request: GetGraphRequest): void {
  for (const [field, list] of [
    ['namespaces', request.namespaces],
    ['node_kinds', request.nodeKinds],
  ] as const) {
    if (list.length > MAX_FILTER_ITEMS) {
      throw new OmegaError(
        Code.InvalidArgument,
        `GetGraph: ${field}: ${list.length} entries, more than ${MAX_FILTER_ITEMS}`,
      );
    }
  }
  request.nodeKinds.forEach((kind, i) => {
    if (!(kind in GraphNodeKind) || kind === GraphNodeKind.GRAPH_NODE_KIND_UNSPECIFIED) {
      throw new OmegaError(
        Code.InvalidArgument,
        `GetGraph: node_kinds[${i}]: ${kind} is not a GraphNodeKind`,
      );
    }
  });
}

function getGraph(
  source: TwinGraphSource,
  limits: GraphLimits,
  request: GetGraphRequest,
): GetGraphResponse {
  checkFilters(request);
  const snapshot = source.snapshot(request.snapshotId);
  const graph = snapshot.graph();
  const namespaces = new Set(request.namespaces);
  const kinds = new Set(request.nodeKinds);
  const keep = (v: { id: string; kind: GraphNodeKind; namespace: string }) =>
    (namespaces.size === 0 ||
      namespaces.has(v.namespace) ||
      (v.kind === GraphNodeKind.GRAPH_NODE_KIND_NAMESPACE && namespaces.has(v.id.slice(10)))) &&
    (kinds.size === 0 || kinds.has(v.kind));
  const nodes = [...graph.vertices(), ...snapshot.decoys]
    .filter(keep)
    .map((v) => toGraphNode(v, snapshot.alertedNodeIds));
  const ids = new Set(nodes.map((n) => n.id));
  const edges = graph.edges().filter((e) => ids.has(e.fromNodeId) && ids.has(e.toNodeId));
  if (request.includeObservedFlows) {
    for (const e of snapshot.observedFlows) {
      if (ids.has(e.fromNodeId) && ids.has(e.toNodeId)) edges.push(e);
    }
  }
  const size = nodes.length + edges.length;
  if (size > limits.maxGraphElements) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `GetGraph: ${nodes.length} nodes and ${edges.length} edges, more than ${limits.maxGraphElements} (twin.maxGraphElements): filter by namespaces or node_kinds`,
    );
  }
  return {
    graph: {
      nodes,
      edges: edges.map(toGraphEdge),
      snapshotId: snapshot.id,
      snapshotTimeNs: snapshot.timeNs,
    },
  };
}
