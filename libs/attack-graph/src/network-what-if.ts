// NetworkPolicy changes in a what-if: the policy set after the changes, compiled with netpol, and
// the network edges of the pods the changed policies select (into them and out of them) redrawn;
// every other pair keeps its verdict, since a policy only bears on the pods it selects.
import { Code, OmegaError } from '@omega/errors';
import { CompiledCluster, evaluateConnection, matchesSelector } from '@omega/netpol';
import type { AttackGraph } from './attack-graph';
import type { GraphOverlay } from './graph-overlay';
import type { KubeObject, PodObject } from './kube-objects';
import { netpolCluster, netpolReachability } from './netpol-bridge';
import { networkEdges } from './network-edges';
import { flowEndpoint, type ObservedFlow } from './observed-flows';

type PolicyObject = Extract<KubeObject, { kind: 'NetworkPolicy' }>;

/** Pod pairs (both directions) a NetworkPolicy what-if re-decides at most. */
export const MAX_REDRAWN_PAIRS = 20_000_000;

export interface PolicyEdit {
  readonly index: number;
  /** The policy to put (replacing one of the same namespace and name), or undefined to delete. */
  readonly policy?: KubeObject;
  /** For deletes: `<ns>/<name>`. */
  readonly id: string;
}

const policyId = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;

/** The policies after the edits; throws NotFound for a delete of a policy that is not there. */
export function policiesAfter(
  graph: AttackGraph,
  edits: readonly PolicyEdit[],
): {
  before: Map<string, KubeObject>;
  after: Map<string, KubeObject>;
} {
  const before = new Map<string, KubeObject>();
  for (const o of graph.objects()) if (o.kind === 'NetworkPolicy') before.set(policyId(o), o);
  const after = new Map(before);
  for (const edit of edits) {
    if (edit.policy) after.set(edit.id, edit.policy);
    else if (!after.delete(edit.id)) {
      throw new OmegaError(
        Code.NotFound,
        `changes[${edit.index}].targetNodeId: no NetworkPolicy 'networkpolicy/${edit.id}' in the graph`,
      );
    }
  }
  return { before, after };
}

/** Pods a policy selects (its podSelector, in its namespace). */
function selectedPods(policy: KubeObject, pods: readonly PodObject[]): PodObject[] {
  const selector =
    (policy as PolicyObject & { spec?: { podSelector?: object } }).spec?.podSelector ?? {};
  return pods.filter(
    (p) =>
      p.metadata.namespace === policy.metadata.namespace &&
      matchesSelector(selector, p.metadata.labels ?? {}),
  );
}

export interface PolicyWhatIf {
  readonly compiledBefore: CompiledCluster;
  readonly compiledAfter: CompiledCluster;
  /** Pods whose network edges were redrawn. */
  readonly affectedPods: number;
}

/** Applies the edits to the overlay's network edges (when the graph draws them). */
export function applyPolicyEdits(
  graph: AttackGraph,
  overlay: GraphOverlay,
  edits: readonly PolicyEdit[],
): PolicyWhatIf {
  const { before, after } = policiesAfter(graph, edits);
  const objects = [...graph.objects()];
  const compiledBefore = new CompiledCluster(netpolCluster(objects));
  const compiledAfter = new CompiledCluster(netpolCluster(objects, [...after.values()]));
  const pods = objects.filter((o): o is PodObject => o.kind === 'Pod');
  const affected = new Map<string, PodObject>();
  for (const edit of edits) {
    for (const version of [before.get(edit.id), after.get(edit.id)]) {
      if (!version) continue;
      for (const p of selectedPods(version, pods))
        affected.set(`pod/${p.metadata.namespace}/${p.metadata.name}`, p);
    }
  }
  const pairs = 2 * affected.size * pods.length;
  if (graph.drawsNetworkEdges && pairs > MAX_REDRAWN_PAIRS) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `changes[${edits[0]!.index}]: the changed policies select ${affected.size} pods; redrawing their network edges asks ${pairs} pod pairs, more than the ${MAX_REDRAWN_PAIRS} allowed`,
    );
  }
  if (graph.drawsNetworkEdges && affected.size > 0) {
    overlay.base.forEachEdge((e) => {
      if (
        e.attack === 'NETWORK_REACH' &&
        (affected.has(e.fromNodeId) || affected.has(e.toNodeId))
      ) {
        overlay.hide(e.id);
      }
    });
    const reachable = netpolReachability(compiledAfter);
    const state = undefined as never;
    for (const pod of affected.values()) {
      for (const e of networkEdges(state, pod, pods, reachable)) overlay.add(e);
      for (const source of pods) {
        for (const e of networkEdges(state, source, [pod], reachable)) overlay.add(e);
      }
    }
  }
  return { compiledBefore, compiledAfter, affectedPods: affected.size };
}

/** Whether netpol allows a flow on a compiled cluster; undefined when an end is not a pod or address of it. */
export function flowAllowed(compiled: CompiledCluster, flow: ObservedFlow): boolean | undefined {
  const from = flowEndpoint(flow.from);
  const to = flowEndpoint(flow.to);
  if (!from || !to) return undefined;
  for (const end of [from, to]) {
    if ('pod' in end && !compiled.index.podIndex.has(end.pod)) return undefined;
  }
  return evaluateConnection(compiled, { from, to, port: flow.port, protocol: flow.protocol })
    .allowed;
}
