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
 * The part of the graph reachable from `external` over attack edges. When it is larger than
 * maxNodes, the vertices kept are those on the shortest attack paths to a crown jewel, shortest
 * first (ranked by d(external, v) + d(v, nearest jewel), then by d(external, v)), so the board
 * never loses its targets to dead ends; at most maxEdges edges. Node kinds that can be isolated
 * are pods and nodes; credentials (secrets, service accounts) can be rotated.
 */
/** The last board drawn from each graph, kept while the graph's version stays (boards are immutable). */
const boards = new WeakMap<AttackGraph, { key: string; result: WorldFromGraphResult }>();

export function worldFromGraph(
  graph: AttackGraph,
  maxNodes: number = ENV_LIMITS.maxNodes,
  maxEdges: number = ENV_LIMITS.maxEdges,
): WorldFromGraphResult {
  const key = `${graph.version}/${maxNodes}/${maxEdges}`;
  const cached = boards.get(graph);
  if (cached?.key === key) return cached.result;
  const result = drawWorld(graph, maxNodes, maxEdges);
  boards.set(graph, { key, result });
  return result;
}

function drawWorld(graph: AttackGraph, maxNodes: number, maxEdges: number): WorldFromGraphResult {
  if (!graph.hasVertex(EXTERNAL_ID)) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `snapshot: no '${EXTERNAL_ID}' vertex to start the attacker from`,
    );
  }
  const order: string[] = [EXTERNAL_ID];
  const fromExternal = new Map([[EXTERNAL_ID, 0]]);
  const into = new Map<string, string[]>();
  for (let i = 0; i < order.length; i += 1) {
    const id = order[i]!;
    for (const e of graph.outEdges(id)) {
      if (e.attack === undefined) continue;
      const sources = into.get(e.toNodeId) ?? [];
      sources.push(id);
      into.set(e.toNodeId, sources);
      if (fromExternal.has(e.toNodeId)) continue;
      fromExternal.set(e.toNodeId, fromExternal.get(id)! + 1);
      order.push(e.toNodeId);
    }
  }
  if (order.length < 2) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `snapshot: no attack edge leaves '${EXTERNAL_ID}' (nothing is exposed)`,
    );
  }
  const jewels = new Set(crownJewels(graph));
  const kept =
    order.length <= maxNodes ? order : onShortestPaths(order, fromExternal, into, jewels, maxNodes);
  const index = new Map(kept.map((id, i) => [id, i]));
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

/** The maxNodes vertices on the shortest paths from external to the crown jewels, in BFS order. */
function onShortestPaths(
  order: readonly string[],
  fromExternal: ReadonlyMap<string, number>,
  into: ReadonlyMap<string, readonly string[]>,
  jewels: ReadonlySet<string>,
  maxNodes: number,
): string[] {
  const toJewel = new Map<string, number>();
  const queue = order.filter((id) => jewels.has(id));
  for (const id of queue) toJewel.set(id, 0);
  for (let i = 0; i < queue.length; i += 1) {
    const id = queue[i]!;
    for (const source of into.get(id) ?? []) {
      if (toJewel.has(source)) continue;
      toJewel.set(source, toJewel.get(id)! + 1);
      queue.push(source);
    }
  }
  const rank = new Map(order.map((id, i) => [id, i]));
  const length = (id: string) => fromExternal.get(id)! + toJewel.get(id)!;
  return order
    .filter((id) => toJewel.has(id))
    .sort((a, b) => length(a) - length(b) || rank.get(a)! - rank.get(b)!)
    .slice(0, maxNodes)
    .sort((a, b) => rank.get(a)! - rank.get(b)!);
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
