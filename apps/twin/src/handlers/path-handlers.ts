// FindAttackPaths: ranked attack paths over a snapshot, each step an attack edge with its ATT&CK
// technique and evidence. Defaults as twin.proto's PathQuery says: sources `external` plus every
// vertex an open alert names; targets every secret and node plus the crown jewels (label
// omega.io/crown-jewel, kube-system, cluster-admin); depth and count the server's defaults.
import {
  ATTACKS,
  PATH_LIMITS,
  crownJewels,
  findAttackPaths,
  type AttackKind,
} from '@omega/attack-graph';
import {
  GraphEdgeKind,
  GraphNodeKind,
  type FindAttackPathsRequest,
  type FindAttackPathsResponse,
  type PathQuery,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { TwinGraphSource, TwinSnapshot } from '../graph-source';
import type { TwinHandlers } from '../twin-grpc';
import { toAttackPath } from './graph-shapes';

export interface PathDefaults {
  readonly maxPaths: number;
  readonly maxDepth: number;
}

const MAX_IDS = 10_000;

/** A request without a query: every default. */
export const EMPTY_QUERY: PathQuery = {
  sourceNodeIds: [],
  targetNodeIds: [],
  targetKinds: [],
  maxDepth: 0,
  maxPaths: 0,
  edgeKinds: [],
};

export function pathHandlers(defaults: PathDefaults) {
  return (source: TwinGraphSource): TwinHandlers => ({
    findAttackPaths: (request) => findPaths(source, defaults, request),
  });
}

function bounded(
  value: number,
  fallback: number,
  max: number,
  field: string,
  method: string,
): number {
  if (value === 0) return fallback;
  if (value > max) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${method}: query.${field}: ${value} is more than ${max}`,
    );
  }
  return value;
}

/** The attacks whose edges travel as one of `kinds`; undefined for every attack. */
function attacksOf(kinds: readonly GraphEdgeKind[]): AttackKind[] | undefined {
  if (kinds.length === 0) return undefined;
  const wanted = new Set(kinds);
  return (Object.keys(ATTACKS) as AttackKind[]).filter((a) => wanted.has(ATTACKS[a].protoKind));
}

/** Sources, targets and options of a PathQuery on a snapshot, defaults filled in. */
export function resolvePathQuery(
  snapshot: TwinSnapshot,
  query: PathQuery,
  defaults: PathDefaults,
  method = 'FindAttackPaths',
) {
  for (const [field, list] of [
    ['source_node_ids', query.sourceNodeIds],
    ['target_node_ids', query.targetNodeIds],
  ] as const) {
    if (list.length > MAX_IDS) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${method}: query.${field}: ${list.length} ids, more than ${MAX_IDS}`,
      );
    }
  }
  const graph = snapshot.graph();
  const sources =
    query.sourceNodeIds.length > 0
      ? query.sourceNodeIds
      : ['external', ...[...snapshot.alertedNodeIds].filter((id) => graph.hasVertex(id)).sort()];
  let targets = query.targetNodeIds;
  if (targets.length === 0) {
    const out = new Set<string>();
    const kinds = new Set(query.targetKinds);
    if (kinds.size === 0) {
      for (const id of crownJewels(graph)) out.add(id);
      kinds.add(GraphNodeKind.GRAPH_NODE_KIND_NODE);
    }
    graph.forEachVertex((v) => {
      if (kinds.has(v.kind)) out.add(v.id);
    });
    targets = [...out].sort();
  }
  return {
    graph,
    sources,
    targets,
    maxPaths: bounded(query.maxPaths, defaults.maxPaths, PATH_LIMITS.maxPaths, 'max_paths', method),
    maxDepth: bounded(query.maxDepth, defaults.maxDepth, PATH_LIMITS.maxDepth, 'max_depth', method),
    attacks: attacksOf(query.edgeKinds),
  };
}

function findPaths(
  source: TwinGraphSource,
  defaults: PathDefaults,
  request: FindAttackPathsRequest,
): FindAttackPathsResponse {
  const snapshot = source.snapshot(request.snapshotId);
  const { graph, ...options } = resolvePathQuery(snapshot, request.query ?? EMPTY_QUERY, defaults);
  if (options.targets.length === 0) return { paths: [], snapshotId: snapshot.id };
  const paths = findAttackPaths(source.pathView?.(graph) ?? graph, options);
  return { paths: paths.map(toAttackPath), snapshotId: snapshot.id };
}
