// Cuts as verified patches: the minimum cut of the attack edges a NetworkPolicy or an RBAC patch
// can remove, each cut edge turned into a concrete patch (a NetworkPolicy that keeps every other
// allowed connection, or a subject removed from a binding), and the patches re-verified through
// netpol and the graph's own RBAC before they are returned: a patch that opens a connection or
// leaves its edge in place is dropped with a diagnostic, never proposed.
import { stringify } from 'yaml';
import { CompiledCluster } from '@omega/netpol';
import { DiagnosticSeverity, type Diagnostic } from '@omega/proto';
import type { AttackGraph } from './attack-graph';
import { crownJewels, cutAttackPaths, type GraphView, type PathQueryOptions } from './attack-paths';
import { EXTERNAL_ID, type Edge } from './graph-model';
import { cutPolicy, type CutConnection, type Protocol } from './cut-policy';
import type { PodObject } from './kube-objects';
import { netpolCluster } from './netpol-bridge';
import type { ObservedFlow } from './observed-flows';
import {
  bindingOfEvidence,
  bindingWithout,
  subjectVertexId,
  type WhatIfChange,
} from './what-if-changes';
import { simulateWhatIf, type BrokenFlow } from './what-if';

export interface NetworkPolicyPatch {
  readonly type: 'NetworkPolicy';
  /** The cut edges it removes. */
  readonly edges: Edge[];
  readonly direction: 'ingress' | 'egress';
  /** Network edges it closes besides `edges` (pods sharing every label of a cut pod: its replicas). */
  readonly alsoCloses: string[];
  readonly manifest: object;
  readonly yaml: string;
}

export interface RbacPatch {
  readonly type: 'RBAC';
  readonly edges: Edge[];
  /** `rolebinding/<ns>/<name>` or `clusterrolebinding/<name>`. */
  readonly binding: string;
  /** RFC 6902 JSON Patch on the binding (a `test` guards each `remove`); empty when `deleted`. */
  readonly jsonPatch: { op: 'test' | 'remove'; path: string; value?: unknown }[];
  /** The binding as it would be; undefined when no subject is left and the binding is deleted. */
  readonly edited: object | undefined;
  readonly deleted: boolean;
}

export type Patch = NetworkPolicyPatch | RbacPatch;

export interface Remediation {
  /** Each verified alone (its edges gone, no connection opened) and all together. */
  readonly patches: Patch[];
  /** Whether the patches together leave no attack path from the sources to the targets. */
  readonly closesAllPaths: boolean;
  /** Observed flows the patches together would break. */
  readonly brokenFlows: BrokenFlow[];
  readonly diagnostics: Diagnostic[];
}

export interface RemediationOptions extends Pick<
  PathQueryOptions,
  'sources' | 'targets' | 'attacks'
> {
  readonly observedFlows?: readonly ObservedFlow[];
}

type Binding = NonNullable<ReturnType<typeof bindingOfEvidence>>;

function note(
  code: string,
  message: string,
  severity = DiagnosticSeverity.DIAGNOSTIC_SEVERITY_WARNING,
): Diagnostic {
  return { severity, message, source: 'remediation', path: '', line: 0, column: 0, code };
}

/** The binding whose subject the edge's principal is (the patch removes it), if any. */
function rbacTarget(graph: AttackGraph, e: Edge): Binding | undefined {
  const b = bindingOfEvidence(graph, e.sourceObject);
  return b && (b.subjects ?? []).some((s) => subjectVertexId(b, s) === e.fromNodeId)
    ? b
    : undefined;
}

/** Whether any attack path leads from the sources to the targets (breadth-first, no depth limit). */
export function anyPath(
  view: GraphView & { outEdges(from: string): Edge[] },
  sources: readonly string[],
  targets: readonly string[],
): boolean {
  const goal = new Set(targets);
  const seen = new Set(sources);
  const queue = [...sources];
  for (let i = 0; i < queue.length; i++) {
    if (goal.has(queue[i]!)) return true;
    for (const e of view.outEdges(queue[i]!)) {
      if (e.attack && e.exploitability > 0 && !seen.has(e.toNodeId)) {
        seen.add(e.toNodeId);
        queue.push(e.toNodeId);
      }
    }
  }
  return false;
}

/** The cheapest set of NetworkPolicy and RBAC patches that closes every path, each verified. */
export function proposeRemediation(
  graph: AttackGraph,
  options: RemediationOptions = {},
): Remediation {
  const sources = options.sources ?? [EXTERNAL_ID];
  const targets = options.targets ?? crownJewels(graph);
  const diagnostics: Diagnostic[] = [];
  const patchable = (e: Edge) =>
    (e.attack === 'NETWORK_REACH' && graph.drawsNetworkEdges) || rbacTarget(graph, e) !== undefined;
  const cut = cutAttackPaths(graph, {
    sources,
    targets,
    attacks: options.attacks,
    edgeCost: (e) => (patchable(e) ? 1 : Infinity),
  });
  if (cut.size === Infinity) {
    diagnostics.push(
      note(
        'no-patchable-cut',
        'no set of NetworkPolicy and RBAC patches closes every path: some path uses only edges a pod spec or node change closes (escapes, token mounts)',
      ),
    );
    return { patches: [], closesAllPaths: false, brokenFlows: [], diagnostics };
  }
  const objects = [...graph.objects()];
  const pods = new Map<string, PodObject>();
  for (const o of objects)
    if (o.kind === 'Pod') pods.set(`pod/${o.metadata.namespace}/${o.metadata.name}`, o);
  const network = cut.edges.some((e) => e.attack === 'NETWORK_REACH');
  const candidates = [
    ...(network
      ? networkPatches(cut.edges, pods, new CompiledCluster(netpolCluster(objects)), diagnostics)
      : []),
    ...rbacPatches(graph, cut.edges),
  ];

  const patches: Patch[] = [];
  for (const patch of candidates) {
    const { failure, alsoCloses } = verifyAlone(graph, patch, options.observedFlows);
    if (failure) {
      const message = `${describe(patch)} is not proposed: ${failure}`;
      diagnostics.push(note('patch-failed-verification', message));
    } else {
      patches.push(patch.type === 'NetworkPolicy' ? { ...patch, alsoCloses } : patch);
    }
  }
  if (patches.length === 0) return { patches, closesAllPaths: false, brokenFlows: [], diagnostics };
  const all = simulateWhatIf(graph, patches.map(changeOf), {
    paths: false,
    observedFlows: options.observedFlows,
  });
  const closesAllPaths = !anyPath(all.after, sources, targets);
  if (!closesAllPaths)
    diagnostics.push(
      note(
        'paths-remain',
        'the verified patches leave at least one path open (a cut edge had no verified patch)',
      ),
    );
  return { patches, closesAllPaths, brokenFlows: all.brokenFlows, diagnostics };
}

function describe(p: Patch): string {
  return p.type === 'RBAC'
    ? `RBAC patch of ${p.binding}`
    : `NetworkPolicy ${(p.manifest as { metadata: { namespace: string; name: string } }).metadata.namespace}/${(p.manifest as { metadata: { name: string } }).metadata.name}`;
}

function changeOf(p: Patch): WhatIfChange {
  if (p.type === 'NetworkPolicy') return { kind: 'APPLY_NETWORK_POLICY', manifestYaml: p.yaml };
  return p.deleted
    ? { kind: 'REVOKE_BINDING', targetNodeId: p.binding }
    : { kind: 'APPLY_BINDING', binding: p.edited };
}

/** Why the patch fails alone: an edge it targets stays, or (NetworkPolicy) a connection opens. */
function verifyAlone(
  graph: AttackGraph,
  patch: Patch,
  flows?: readonly ObservedFlow[],
): { failure?: string; alsoCloses: string[] } {
  const r = simulateWhatIf(graph, [changeOf(patch)], {
    paths: false,
    observedFlows: flows,
  });
  const kept = patch.edges.filter((e) => r.after.hasEdge(e));
  if (kept.length > 0)
    return { failure: `the edge ${kept[0]!.id} is still there after it`, alsoCloses: [] };
  if (patch.type === 'NetworkPolicy') {
    let opened: string | undefined;
    r.after.forEachEdge((e) => {
      if (
        !opened &&
        e.attack === 'NETWORK_REACH' &&
        !graph.outEdges(e.fromNodeId).some((b) => b.id === e.id)
      )
        opened = e.id;
    });
    if (opened) return { failure: `it would open ${opened}`, alsoCloses: [] };
  }
  const targeted = new Set(patch.edges.map((e) => e.id));
  const alsoCloses = [...r.after.hiddenIds()]
    .filter((id) => !targeted.has(id) && id.includes(':NETWORK_REACH:'))
    .sort();
  return { alsoCloses };
}

function networkPatches(
  edges: readonly Edge[],
  pods: Map<string, PodObject>,
  compiled: CompiledCluster,
  diagnostics: Diagnostic[],
): NetworkPolicyPatch[] {
  const groups = new Map<
    string,
    { direction: 'ingress' | 'egress'; pod: PodObject; edges: Edge[]; cuts: CutConnection[] }
  >();
  const isolated = (pod: PodObject, direction: 'ingress' | 'egress') => {
    const selector = pod.metadata.labels ?? {};
    return [...pods.values()].some((p) => {
      if (p.metadata.namespace !== pod.metadata.namespace) return false;
      if (!Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v)) return false;
      const i = compiled.index.podIndex.get(`${p.metadata.namespace}/${p.metadata.name}`)!;
      return (
        compiled.selecting[direction].network[i]!.length > 0 ||
        compiled.selecting[direction].admin[i]!.length > 0
      );
    });
  };
  for (const e of edges) {
    if (e.attack !== 'NETWORK_REACH') continue;
    const from = pods.get(e.fromNodeId)!;
    const to = pods.get(e.toNodeId)!;
    const protocol = e.id.slice(e.id.lastIndexOf('/') + 1) as Protocol;
    const direction = !isolated(to, 'ingress')
      ? 'ingress'
      : !isolated(from, 'egress')
        ? 'egress'
        : undefined;
    if (!direction) {
      diagnostics.push(
        note(
          'both-ends-isolated',
          `${e.id}: both ends are already selected by policies; the patch would edit those policies, which is not generated`,
        ),
      );
      continue;
    }
    const [owner, peer] = direction === 'ingress' ? [to, from] : [from, to];
    const key = `${direction}|${owner.metadata.namespace}|${JSON.stringify(Object.entries(owner.metadata.labels ?? {}).sort())}`;
    const group = groups.get(key) ?? { direction, pod: owner, edges: [], cuts: [] };
    group.edges.push(e);
    group.cuts.push({ peer, port: e.port, protocol });
    groups.set(key, group);
  }
  const out: NetworkPolicyPatch[] = [];
  for (const g of groups.values()) {
    const name = `omega-cut-${g.direction}-${g.pod.metadata.name}`.slice(0, 63).replace(/-+$/, '');
    const manifest = cutPolicy(
      name,
      g.pod.metadata.namespace!,
      { ...g.pod.metadata.labels },
      g.direction,
      g.cuts,
      [...pods.values()],
    );
    if (!manifest) {
      diagnostics.push(
        note(
          'policy-too-large',
          `${g.edges[0]!.id}: the policy would need more than 256 peers in one rule`,
        ),
      );
      continue;
    }
    out.push({
      type: 'NetworkPolicy',
      alsoCloses: [],
      edges: g.edges,
      direction: g.direction,
      manifest,
      yaml: stringify(manifest),
    });
  }
  return out;
}

function rbacPatches(graph: AttackGraph, edges: readonly Edge[]): RbacPatch[] {
  const byBinding = new Map<string, { binding: Binding; subjects: Set<string>; edges: Edge[] }>();
  for (const e of edges) {
    const b = rbacTarget(graph, e);
    if (!b) continue;
    const id =
      b.kind === 'RoleBinding'
        ? `rolebinding/${b.metadata.namespace}/${b.metadata.name}`
        : `clusterrolebinding/${b.metadata.name}`;
    const entry = byBinding.get(id) ?? { binding: b, subjects: new Set<string>(), edges: [] };
    entry.subjects.add(e.fromNodeId);
    entry.edges.push(e);
    byBinding.set(id, entry);
  }
  return [...byBinding].map(([id, { binding, subjects, edges: cutEdges }]) => {
    let edited: Binding | undefined = binding;
    for (const s of subjects) edited = edited && bindingWithout(edited, s);
    const jsonPatch: RbacPatch['jsonPatch'] = [];
    (binding.subjects ?? []).forEach((s, i) => {
      if (!subjects.has(subjectVertexId(binding, s))) return;
      jsonPatch.unshift(
        { op: 'test', path: `/subjects/${i}/name`, value: s.name },
        { op: 'remove', path: `/subjects/${i}` },
      );
    });
    return {
      type: 'RBAC',
      edges: cutEdges,
      binding: id,
      jsonPatch: edited ? jsonPatch : [],
      edited,
      deleted: !edited,
    };
  });
}
