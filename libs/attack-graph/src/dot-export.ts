// The graph in Graphviz DOT, for people: one box per vertex (kind and name, crown jewels bold,
// alerted ones red), attack edges solid and labelled with the attack and ATT&CK technique,
// structural edges grey, observed flows dashed with their count. Every id and label is a quoted
// DOT string with `"`, `\` and line breaks escaped, so any Kubernetes name is safe.
import { GraphEdgeKind, GraphNodeKind } from '@omega/proto';
import type { GraphNode } from '@omega/proto';
import { edgeKindName, nodeKindName, type ExportEdge, type ExportGraph } from './opengraph-export';

/** A DOT quoted string (the DOT language's only escape is `\"`; `\` and newlines are made literal). */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

function nodeLine(node: GraphNode): string {
  const label = `${nodeKindName(node.kind).slice(3)}\n${node.namespace ? `${node.namespace}/` : ''}${node.name}`;
  const attrs = [`label=${dotString(label)}`];
  if (node.criticality >= 1) attrs.push('style="bold"');
  if (node.alerted) attrs.push('color="red"');
  if (node.kind === GraphNodeKind.GRAPH_NODE_KIND_EXTERNAL) attrs.push('shape="ellipse"');
  return `  ${dotString(node.id)} [${attrs.join(', ')}];`;
}

function edgeLine(edge: ExportEdge): string {
  const attrs: string[] = [];
  if (edge.kind === GraphEdgeKind.GRAPH_EDGE_KIND_NETWORK_OBSERVED) {
    attrs.push(
      `label=${dotString(`observed ${edge.port} ×${edge.observedCount}`)}`,
      'style="dashed"',
    );
  } else if (edge.attackKind) {
    attrs.push(`label=${dotString(`${edgeKindName(edge)} ${edge.techniqueId}`)}`);
  } else {
    attrs.push(`label=${dotString(edgeKindName(edge))}`, 'color="grey"', 'fontcolor="grey"');
  }
  attrs.push(`tooltip=${dotString(edge.sourceObject)}`);
  return `  ${dotString(edge.fromNodeId)} -> ${dotString(edge.toNodeId)} [${attrs.join(', ')}];`;
}

/** The graph as a DOT digraph; edges whose ends are not among the nodes are left out. */
export function toDot(graph: ExportGraph, name = 'omega_twin'): string {
  const ids = new Set(graph.nodes.map((n) => n.id));
  return [
    `digraph ${dotString(name)} {`,
    '  rankdir="LR";',
    '  node [shape="box", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize="10"];',
    ...graph.nodes.map(nodeLine),
    ...graph.edges.filter((e) => ids.has(e.fromNodeId) && ids.has(e.toNodeId)).map(edgeLine),
    '}',
    '',
  ].join('\n');
}
