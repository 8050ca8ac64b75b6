// The twin's vertices and edges as twin.proto messages: the lib's extra `attack` field dropped,
// the alerted flag set from the snapshot's open alerts.
import type { Edge, Vertex } from '@omega/attack-graph';
import type { AttackPath, GraphEdge, GraphNode } from '@omega/proto';
import type { AttackPathResult } from '@omega/attack-graph';

export function toGraphNode(vertex: Vertex, alerted: ReadonlySet<string>): GraphNode {
  return { ...vertex, alerted: vertex.alerted || alerted.has(vertex.id) };
}

export function toGraphEdge(edge: Edge): GraphEdge {
  const { attack: _typed, ...message } = edge;
  return message;
}

export function toAttackPath(path: AttackPathResult): AttackPath {
  return {
    nodeIds: path.nodeIds,
    edges: path.edges.map(toGraphEdge),
    risk: path.risk,
    attackTechniqueIds: path.attackTechniqueIds,
  };
}
