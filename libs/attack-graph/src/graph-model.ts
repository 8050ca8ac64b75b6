// The graph's vertices and edges, shaped as twin.proto's GraphNode and GraphEdge (so they are
// assignable to them) plus, on attack edges, the attack and its ATT&CK technique.
import { GraphEdgeKind, GraphNodeKind, IpProtocol } from '@omega/proto';
import type { GraphEdge, GraphNode } from '@omega/proto';
import { ATTACKS, type AttackKind } from './attacks';

export type Vertex = GraphNode;

export interface Edge extends GraphEdge {
  /** The attack this edge is; undefined for structural edges (scheduled on, selects, bound to). */
  readonly attack: AttackKind | undefined;
  /** ATT&CK technique id of the attack, '' for structural edges. */
  readonly techniqueId: string;
}

/** Whether the label marks a crown jewel (`omega.io/crown-jewel`, any value but "false"). */
export const CROWN_JEWEL_LABEL = 'omega.io/crown-jewel';

export function attackEdge(
  from: string,
  to: string,
  attack: AttackKind,
  sourceObject: string,
  port = 0,
): Edge {
  const info = ATTACKS[attack];
  return {
    id: `${from}->${to}:${attack}:${port}`,
    fromNodeId: from,
    toNodeId: to,
    kind: info.protoKind,
    port,
    protocol: port === 0 ? IpProtocol.IP_PROTOCOL_UNSPECIFIED : IpProtocol.IP_PROTOCOL_TCP,
    lastObservedTimeNs: 0n,
    observedCount: 0n,
    exploitability: info.exploitability,
    sourceObject,
    attack,
    attackKind: attack,
    techniqueId: info.techniqueId,
    attackMeaning: info.meaning,
  };
}

const STRUCTURAL_NAMES: Partial<Record<GraphEdgeKind, string>> = {
  [GraphEdgeKind.GRAPH_EDGE_KIND_SCHEDULED_ON]: 'SCHEDULED_ON',
  [GraphEdgeKind.GRAPH_EDGE_KIND_SELECTS]: 'SELECTS',
  [GraphEdgeKind.GRAPH_EDGE_KIND_BOUND_TO]: 'BOUND_TO',
  [GraphEdgeKind.GRAPH_EDGE_KIND_RUNS_AS]: 'RUNS_AS',
};

/** An edge that records a fact (a pod's node, a Service's backends) rather than an attack. */
export function structuralEdge(
  from: string,
  to: string,
  kind: GraphEdgeKind,
  sourceObject: string,
): Edge {
  return {
    id: `${from}->${to}:${STRUCTURAL_NAMES[kind] ?? String(kind)}:0`,
    fromNodeId: from,
    toNodeId: to,
    kind,
    port: 0,
    protocol: IpProtocol.IP_PROTOCOL_UNSPECIFIED,
    lastObservedTimeNs: 0n,
    observedCount: 0n,
    exploitability: 0,
    sourceObject,
    attack: undefined,
    attackKind: '',
    techniqueId: '',
    attackMeaning: '',
  };
}

export function vertex(
  id: string,
  kind: GraphNodeKind,
  name: string,
  namespace: string,
  labels: Readonly<Record<string, string>> | undefined,
  attributes: Record<string, string>,
  criticality: number,
): Vertex {
  const jewel = labels?.[CROWN_JEWEL_LABEL] !== undefined && labels[CROWN_JEWEL_LABEL] !== 'false';
  return {
    id,
    kind,
    name,
    namespace,
    labels: { ...labels },
    attributes,
    criticality: jewel ? 1 : criticality,
    alerted: false,
  };
}

export const EXTERNAL_ID = 'external';

export const NODE_KIND = GraphNodeKind;
