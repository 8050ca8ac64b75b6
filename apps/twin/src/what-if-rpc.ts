// TwinService.SimulateWhatIf: the proto request mapped onto @omega/attack-graph's simulateWhatIf
// over the graph the twin holds now and the flows it observed, and the result mapped back. The
// orchestrator's `simulate` step sends one ISOLATE or BLOCK_SOURCE change and reads
// broken_flows, closed_paths, risk_before and risk_after.
import {
  ATTACKS,
  EXTERNAL_ID,
  simulateWhatIf,
  type AttackGraph,
  type AttackKind,
  type ObservedFlow,
  type PathQueryOptions,
  type WhatIfChange,
  type WhatIfChangeKind,
} from '@omega/attack-graph';
import {
  ChangeKind,
  GraphNodeKind,
  type PathQuery,
  type ProposedChange,
  type TwinServiceService,
} from '@omega/proto';
import { Code, OmegaError, type ServiceHandlers } from '@omega/runtime';
import { toAttackPath } from './handlers/graph-shapes';

/** What the handler reads of the twin: the graph now (and, when kept, a snapshot) and the flows seen. */
export interface WhatIfSource {
  current(): AttackGraph;
  /** A snapshot by id; undefined when unknown. Without it, a request naming a snapshot is refused. */
  snapshot?(id: string): AttackGraph | undefined;
  /** Flows telemetry observed (legitimate traffic a change must not break). */
  observedFlows(): readonly ObservedFlow[];
}

const KINDS: Partial<Record<ChangeKind, WhatIfChangeKind>> = {
  [ChangeKind.CHANGE_KIND_ISOLATE]: 'ISOLATE',
  [ChangeKind.CHANGE_KIND_REMOVE_EDGE]: 'REMOVE_EDGE',
  [ChangeKind.CHANGE_KIND_APPLY_NETWORK_POLICY]: 'APPLY_NETWORK_POLICY',
  [ChangeKind.CHANGE_KIND_DELETE_NETWORK_POLICY]: 'DELETE_NETWORK_POLICY',
  [ChangeKind.CHANGE_KIND_REVOKE_BINDING]: 'REVOKE_BINDING',
  [ChangeKind.CHANGE_KIND_BLOCK_SOURCE]: 'BLOCK_SOURCE',
};

/** twin.proto's default targets when a query names neither nodes nor kinds: secrets and nodes. */
const DEFAULT_TARGET_KINDS = [
  GraphNodeKind.GRAPH_NODE_KIND_SECRET,
  GraphNodeKind.GRAPH_NODE_KIND_NODE,
];

export function whatIfHandlers(
  source: WhatIfSource,
): Pick<ServiceHandlers<typeof TwinServiceService>, 'simulateWhatIf'> {
  return {
    simulateWhatIf: (request) => {
      const graph = graphOf(source, request.snapshotId);
      const changes = request.changes.map((c, i) => changeOf(c, i));
      const result = simulateWhatIf(graph, changes, {
        query: pathQueryOf(graph, request.query),
        observedFlows: source.observedFlows(),
      });
      return {
        closedPaths: result.closedPaths.map(toAttackPath),
        remainingPaths: result.remainingPaths.map(toAttackPath),
        brokenFlows: result.brokenFlows.map((b) => b.edge),
        riskBefore: result.riskBefore,
        riskAfter: result.riskAfter,
        diagnostics: result.diagnostics,
      };
    },
  };
}

function graphOf(source: WhatIfSource, snapshotId: string): AttackGraph {
  if (!snapshotId) return source.current();
  if (!source.snapshot) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `snapshot_id: '${snapshotId}': this twin keeps no snapshots; leave it empty for the current graph`,
    );
  }
  const graph = source.snapshot(snapshotId);
  if (!graph) throw new OmegaError(Code.NotFound, `snapshot_id: no snapshot '${snapshotId}'`);
  return graph;
}

/** A proto change as the lib's; an ISOLATE target may be written `<ns>/<name>` (the orchestrator's alert.pod). */
export function changeOf(c: ProposedChange, index: number): WhatIfChange {
  const kind = KINDS[c.kind];
  if (!kind) {
    throw new OmegaError(
      Code.InvalidArgument,
      `changes[${index}].kind: ${ChangeKind[c.kind] ?? c.kind} is not a change (ISOLATE, REMOVE_EDGE, APPLY_NETWORK_POLICY, DELETE_NETWORK_POLICY, REVOKE_BINDING, BLOCK_SOURCE)`,
    );
  }
  const target =
    kind === 'ISOLATE' && /^[^/]+\/[^/]+$/.test(c.targetNodeId)
      ? `pod/${c.targetNodeId}`
      : c.targetNodeId;
  return {
    kind,
    ...(target ? { targetNodeId: target } : {}),
    ...(c.edgeId ? { edgeId: c.edgeId } : {}),
    ...(c.manifestYaml ? { manifestYaml: c.manifestYaml } : {}),
    ...(c.cidr ? { cidr: c.cidr } : {}),
  };
}

/** twin.proto's PathQuery with its defaults: from `external` and alerted vertices to secrets and nodes. */
export function pathQueryOf(graph: AttackGraph, query: PathQuery | undefined): PathQueryOptions {
  let sources = query?.sourceNodeIds ?? [];
  if (sources.length === 0) {
    sources = [EXTERNAL_ID];
    graph.forEachVertex((v) => {
      if (v.alerted && v.id !== EXTERNAL_ID) sources.push(v.id);
    });
  }
  let targets = query?.targetNodeIds ?? [];
  if (targets.length === 0) {
    const kinds = new Set(query?.targetKinds.length ? query.targetKinds : DEFAULT_TARGET_KINDS);
    graph.forEachVertex((v) => {
      if (kinds.has(v.kind)) targets.push(v.id);
    });
    targets = targets.sort();
  }
  const edgeKinds = new Set(query?.edgeKinds ?? []);
  const attacks = edgeKinds.size
    ? (Object.keys(ATTACKS) as AttackKind[]).filter((a) => edgeKinds.has(ATTACKS[a].protoKind))
    : undefined;
  return {
    sources,
    targets,
    ...(query?.maxDepth ? { maxDepth: query.maxDepth } : {}),
    ...(query?.maxPaths ? { maxPaths: query.maxPaths } : {}),
    ...(attacks ? { attacks } : {}),
  };
}
