// The board an episode is played on: the vertices an attacker can reach from outside and the
// attack edges between them, taken from an attack-graph snapshot and bounded in size.
import { AttackGraph, EXTERNAL_ID, crownJewels } from '@omega/attack-graph';
import { Code, OmegaError } from '@omega/errors';
import { GraphNodeKind } from '@omega/proto';

export interface WorldNode {
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** 0..1, from the graph: how much it matters if compromised. */
  readonly criticality: number;
  /** Reaching it ends the episode with the attacker's win. */
  readonly crownJewel: boolean;
  /** Where the attacker starts; never isolated, restored or given a decoy. */
  readonly entry: boolean;
}

export interface WorldEdge {
  readonly id: string;
  readonly from: number;
  readonly to: number;
  /** Chance that one attempt succeeds (the graph's exploitability). */
  readonly probability: number;
  readonly techniqueId: string;
}

export interface World {
  readonly nodes: readonly WorldNode[];
  readonly edges: readonly WorldEdge[];
}

/** Bounds on what one environment holds (nodes, edges, steps) and on how many run at once. */
export const ENV_LIMITS = {
  maxNodes: 256,
  maxEdges: 4096,
  maxSteps: 10_000,
  maxEnvs: 64,
} as const;

export interface WorldFromGraphResult {
  readonly world: World;
  /** Vertices reachable from outside that did not fit under maxNodes (farthest first dropped). */
  readonly droppedNodes: number;
}

/**
 * The part of the graph reachable from `external` over attack edges, breadth first, cut at
 * maxNodes vertices (the nearest kept) and maxEdges edges. Node kinds that can be isolated are
 * pods and nodes; credentials (secrets, service accounts) can be rotated.
 */
export function worldFromGraph(
  graph: AttackGraph,
  maxNodes: number = ENV_LIMITS.maxNodes,
  maxEdges: number = ENV_LIMITS.maxEdges,
): WorldFromGraphResult {
  if (!graph.hasVertex(EXTERNAL_ID)) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `snapshot: no '${EXTERNAL_ID}' vertex to start the attacker from`,
    );
  }
  const order: string[] = [EXTERNAL_ID];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i += 1) {
    for (const e of graph.outEdges(order[i]!)) {
      if (e.attack === undefined || seen.has(e.toNodeId)) continue;
      seen.add(e.toNodeId);
      order.push(e.toNodeId);
    }
  }
  if (order.length < 2) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `snapshot: no attack edge leaves '${EXTERNAL_ID}' (nothing is exposed)`,
    );
  }
  const kept = order.slice(0, maxNodes);
  const index = new Map(kept.map((id, i) => [id, i]));
  const jewels = new Set(crownJewels(graph));
  const nodes = kept.map((id): WorldNode => {
    const v = graph.vertex(id)!;
    return {
      id,
      kind: v.kind,
      criticality: v.criticality,
      crownJewel: jewels.has(id),
      entry: id === EXTERNAL_ID,
    };
  });
  const edges: WorldEdge[] = [];
  for (const id of kept) {
    for (const e of graph.outEdges(id)) {
      const to = index.get(e.toNodeId);
      if (e.attack === undefined || to === undefined || edges.length >= maxEdges) continue;
      edges.push({
        id: e.id,
        from: index.get(id)!,
        to,
        probability: e.exploitability,
        techniqueId: e.techniqueId,
      });
    }
  }
  if (!nodes.some((n) => n.crownJewel)) {
    throw new OmegaError(
      Code.FailedPrecondition,
      'snapshot: no crown jewel (secret, kube-system, omega.io/crown-jewel) is reachable from outside within the node bound',
    );
  }
  return { world: { nodes, edges }, droppedNodes: order.length - kept.length };
}

/** Kinds a defender can cut off the network. */
export function isolatable(node: WorldNode): boolean {
  return (
    !node.entry &&
    (node.kind === GraphNodeKind.GRAPH_NODE_KIND_POD ||
      node.kind === GraphNodeKind.GRAPH_NODE_KIND_NODE)
  );
}

/** Kinds whose credential a defender can rotate (revoking what the attacker took). */
export function rotatable(node: WorldNode): boolean {
  return (
    node.kind === GraphNodeKind.GRAPH_NODE_KIND_SECRET ||
    node.kind === GraphNodeKind.GRAPH_NODE_KIND_SERVICE_ACCOUNT
  );
}
