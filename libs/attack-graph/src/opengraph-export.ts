// The graph as BloodHound OpenGraph JSON (generic ingest payload: `metadata.source_kind`, then
// `graph.nodes` with id, kinds and properties, `graph.edges` with start and end matched by id, kind
// and properties), so BloodHound's own pathfinding and UI can be pointed at a cluster. Kinds are
// prefixed `K8s`; an attack edge's kind is its attack (CE_PRIV_MOUNT, TOKEN_STEAL...), any other
// edge's its GraphEdgeKind (SCHEDULED_ON, NETWORK_OBSERVED...). Property names are lowercase, values
// primitives or arrays of strings, as the ingest schema requires.
import { GraphEdgeKind, GraphNodeKind, IpProtocol } from '@omega/proto';
import type { GraphEdge, GraphNode } from '@omega/proto';

export const OPENGRAPH_SOURCE_KIND = 'OmegaTwin';

export type OpenGraphValue = string | number | boolean | string[];

export interface OpenGraphNode {
  readonly id: string;
  readonly kinds: string[];
  readonly properties: Record<string, OpenGraphValue>;
}

export interface OpenGraphEdge {
  readonly start: { readonly match_by: 'id'; readonly value: string };
  readonly end: { readonly match_by: 'id'; readonly value: string };
  readonly kind: string;
  readonly properties: Record<string, OpenGraphValue>;
}

export interface OpenGraphPayload {
  readonly metadata: { readonly source_kind: string };
  readonly graph: { readonly nodes: OpenGraphNode[]; readonly edges: OpenGraphEdge[] };
}

/** The part of GraphEdge this export reads (the twin's edges and GetGraph's both have it). */
export type ExportEdge = Pick<
  GraphEdge,
  | 'id'
  | 'fromNodeId'
  | 'toNodeId'
  | 'kind'
  | 'port'
  | 'protocol'
  | 'lastObservedTimeNs'
  | 'observedCount'
  | 'exploitability'
  | 'sourceObject'
  | 'attackKind'
  | 'techniqueId'
  | 'attackMeaning'
>;

export interface ExportGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly ExportEdge[];
}

/** `GRAPH_NODE_KIND_SERVICE_ACCOUNT` → `K8sServiceAccount`. */
export function nodeKindName(kind: GraphNodeKind): string {
  const name = GraphNodeKind[kind] ?? 'GRAPH_NODE_KIND_UNSPECIFIED';
  const words = name.replace('GRAPH_NODE_KIND_', '').toLowerCase().split('_');
  return `K8s${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`;
}

/** The attack (CE_PRIV_MOUNT) or, for other edges, the GraphEdgeKind (SCHEDULED_ON). */
export function edgeKindName(edge: Pick<ExportEdge, 'attackKind' | 'kind'>): string {
  if (edge.attackKind) return edge.attackKind;
  return (GraphEdgeKind[edge.kind] ?? 'GRAPH_EDGE_KIND_UNSPECIFIED').replace(
    'GRAPH_EDGE_KIND_',
    '',
  );
}

/** A lowercase property name from any key: `app.kubernetes.io/name` → `app_kubernetes_io_name`. */
function propertyName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

function nodeProperties(node: GraphNode): Record<string, OpenGraphValue> {
  const properties: Record<string, OpenGraphValue> = {
    objectid: node.id,
    name: node.name,
    displayname: node.namespace ? `${node.namespace}/${node.name}` : node.name,
    criticality: node.criticality,
    alerted: node.alerted,
  };
  if (node.namespace) properties.namespace = node.namespace;
  const labels = Object.entries(node.labels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) properties.labels = labels.sort();
  for (const [key, value] of Object.entries(node.attributes)) {
    properties[`attr_${propertyName(key)}`] = value;
  }
  return properties;
}

function edgeProperties(edge: ExportEdge): Record<string, OpenGraphValue> {
  const properties: Record<string, OpenGraphValue> = {
    edgeid: edge.id,
    edge_kind: (GraphEdgeKind[edge.kind] ?? '').replace('GRAPH_EDGE_KIND_', ''),
    evidence: edge.sourceObject,
    exploitability: edge.exploitability,
  };
  if (edge.techniqueId) properties.technique_id = edge.techniqueId;
  if (edge.attackMeaning) properties.meaning = edge.attackMeaning;
  if (edge.port) properties.port = edge.port;
  if (edge.protocol !== IpProtocol.IP_PROTOCOL_UNSPECIFIED) {
    properties.protocol = (IpProtocol[edge.protocol] ?? '').replace('IP_PROTOCOL_', '');
  }
  if (edge.observedCount > 0n) {
    properties.observed_count = Number(edge.observedCount);
    properties.last_observed = new Date(Number(edge.lastObservedTimeNs / 1_000_000n)).toISOString();
  }
  return properties;
}

/** The graph as an OpenGraph payload; edges whose ends are not among the nodes are left out. */
export function toOpenGraph(
  graph: ExportGraph,
  sourceKind = OPENGRAPH_SOURCE_KIND,
): OpenGraphPayload {
  const ids = new Set(graph.nodes.map((n) => n.id));
  return {
    metadata: { source_kind: sourceKind },
    graph: {
      nodes: graph.nodes.map((node) => ({
        id: node.id,
        kinds: [nodeKindName(node.kind), sourceKind],
        properties: nodeProperties(node),
      })),
      edges: graph.edges
        .filter((e) => ids.has(e.fromNodeId) && ids.has(e.toNodeId))
        .map((edge) => ({
          start: { match_by: 'id', value: edge.fromNodeId },
          end: { match_by: 'id', value: edge.toNodeId },
          kind: edgeKindName(edge),
          properties: edgeProperties(edge),
        })),
    },
  };
}
