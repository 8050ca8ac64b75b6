// What-if: a list of proposed changes tried on a fork (RBAC) and an overlay (network) of the graph,
// never on the graph itself; reports the attack paths they close and leave, the observed flows
// they would break, and the summed risk before and after.
import { BlockList } from 'node:net';
import { Code, OmegaError } from '@omega/errors';
import type { Diagnostic } from '@omega/proto';
import { DiagnosticSeverity } from '@omega/proto';
import type { AttackGraph, ObjectChange } from './attack-graph';
import {
  crownJewels,
  findAttackPaths,
  type AttackPathResult,
  type PathQueryOptions,
} from './attack-paths';
import { EXTERNAL_ID, type Edge } from './graph-model';
import { GraphOverlay } from './graph-overlay';
import type { PodObject } from './kube-objects';
import { applyPolicyEdits, flowAllowed, type PolicyEdit } from './network-what-if';
import { checkFlows, flowEdge, type ObservedFlow } from './observed-flows';
import {
  bindingChange,
  invalidChange,
  parseBlockedCidr,
  parsePolicyManifest,
  WHAT_IF_LIMITS,
  type WhatIfChange,
} from './what-if-changes';
import type { GraphEdge } from '@omega/proto';

export interface WhatIfOptions {
  /** Paths to compare; default: from `external` to the crown jewels, 10 paths. */
  readonly query?: PathQueryOptions;
  /** Flows telemetry observed: the legitimate traffic a change must not break. */
  readonly observedFlows?: readonly ObservedFlow[];
  /** false: skip the path queries (no paths, risks 0), for callers that only read `after`. */
  readonly paths?: boolean;
}

export interface BrokenFlow {
  readonly flow: ObservedFlow;
  /** The flow as a NETWORK_OBSERVED edge, `sourceObject` naming the change that breaks it. */
  readonly edge: GraphEdge;
  readonly change: number;
}

export interface WhatIfResult {
  /** Paths of the query before the changes that use an edge the changes remove. */
  readonly closedPaths: AttackPathResult[];
  /** The query's paths after the changes. */
  readonly remainingPaths: AttackPathResult[];
  readonly brokenFlows: BrokenFlow[];
  /** Sum of the paths' risk before and after. */
  readonly riskBefore: number;
  readonly riskAfter: number;
  readonly diagnostics: Diagnostic[];
  /** The graph as the changes leave it (a view: the graph given is untouched). */
  readonly after: GraphOverlay;
}

const NETWORK_ATTACKS = new Set(['NETWORK_REACH', 'ENDPOINT_EXPLOIT']);

function diagnostic(
  severity: DiagnosticSeverity,
  index: number,
  code: string,
  message: string,
): Diagnostic {
  return {
    severity,
    message,
    source: 'what-if',
    path: `changes[${index}]`,
    line: 0,
    column: 0,
    code,
  };
}

/** Tries the changes on a copy of the graph and reports what they close and break. */
export function simulateWhatIf(
  graph: AttackGraph,
  changes: readonly WhatIfChange[],
  options: WhatIfOptions = {},
): WhatIfResult {
  if (changes.length === 0 || changes.length > WHAT_IF_LIMITS.changes) {
    throw new OmegaError(
      Code.InvalidArgument,
      `changes: ${changes.length} given, 1 to ${WHAT_IF_LIMITS.changes} allowed`,
    );
  }
  const flows = options.observedFlows ?? [];
  checkFlows(flows);
  const diagnostics: Diagnostic[] = [];
  const broken = new Map<number, BrokenFlow>();
  const breaks = (i: number, change: number, why: string) => {
    if (!broken.has(i)) broken.set(i, { flow: flows[i]!, edge: flowEdge(flows[i]!, why), change });
  };

  // RBAC changes on a fork: the graph's own incremental update re-resolves them exactly.
  const rbac = changes.flatMap((c, i) =>
    c.kind === 'REVOKE_BINDING' || c.kind === 'APPLY_BINDING' ? [[c, i] as const] : [],
  );
  // They are tried on a fork, and what changed is laid over the graph as hidden and added edges.
  const overlay = new GraphOverlay(graph);
  if (rbac.length > 0) {
    const fork = graph.fork();
    for (const [c, i] of rbac) fork.apply(bindingChange(graph, c, i) as ObjectChange);
    const { added, removed } = fork.edgeChangesSince(graph);
    for (const r of removed) overlay.hide(r.id);
    for (const e of added) overlay.add(e);
  }

  const edits: PolicyEdit[] = [];
  changes.forEach((c, i) => {
    if (c.kind === 'APPLY_NETWORK_POLICY') {
      const policy = parsePolicyManifest(c.manifestYaml, i);
      edits.push({ index: i, policy, id: `${policy.metadata.namespace}/${policy.metadata.name}` });
    } else if (c.kind === 'DELETE_NETWORK_POLICY') {
      const m = /^networkpolicy\/([^/]+)\/([^/]+)$/.exec(c.targetNodeId ?? '');
      if (!m)
        throw invalidChange(
          i,
          'targetNodeId',
          `'${c.targetNodeId ?? ''}': write networkpolicy/<ns>/<name>`,
        );
      edits.push({ index: i, id: `${m[1]}/${m[2]}` });
    }
  });
  if (edits.length > 0) {
    const result = applyPolicyEdits(graph, overlay, edits);
    if (!graph.drawsNetworkEdges) {
      diagnostics.push(
        diagnostic(
          DiagnosticSeverity.DIAGNOSTIC_SEVERITY_WARNING,
          edits[0]!.index,
          'no-network-edges',
          'the graph draws no network edges (no reachability given): paths are unchanged by NetworkPolicy; observed flows are still checked',
        ),
      );
    }
    flows.forEach((f, i) => {
      const was = flowAllowed(result.compiledBefore, f);
      const now = flowAllowed(result.compiledAfter, f);
      if (was && now === false)
        breaks(
          i,
          edits[0]!.index,
          `NetworkPolicy change(s) ${edits.map((e) => `changes[${e.index}]`).join(', ')}`,
        );
    });
  }

  changes.forEach((c, i) => {
    if (c.kind === 'ISOLATE') isolate(graph, overlay, c, i, flows, breaks, diagnostics);
    else if (c.kind === 'REMOVE_EDGE') removeEdge(overlay, c, i, flows, breaks, diagnostics);
    else if (c.kind === 'BLOCK_SOURCE')
      blockSource(graph, overlay, c, i, flows, breaks, diagnostics);
    else if (c.kind === 'REVOKE_BINDING' || c.kind === 'APPLY_BINDING') {
      diagnostics.push(
        diagnostic(
          DiagnosticSeverity.DIAGNOSTIC_SEVERITY_INFO,
          i,
          'rbac-flows',
          'RBAC changes break no network flow; API requests the binding allowed are not among observed flows',
        ),
      );
    } else if (c.kind !== 'APPLY_NETWORK_POLICY' && c.kind !== 'DELETE_NETWORK_POLICY') {
      throw invalidChange(i, 'kind', `unknown change kind '${String(c.kind)}'`);
    }
  });

  if (options.paths === false) {
    const brokenFlows = [...broken.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    return {
      closedPaths: [],
      remainingPaths: [],
      brokenFlows,
      riskBefore: 0,
      riskAfter: 0,
      diagnostics,
      after: overlay,
    };
  }
  const { query, before } = pathsBefore(graph, options.query ?? {});
  const remainingPaths = findAttackPaths(overlay, query);
  const closedPaths = before.filter((p) => p.edges.some((e) => !overlay.hasEdge(e)));
  const sum = (paths: AttackPathResult[]) => paths.reduce((s, p) => s + p.risk, 0);
  return {
    closedPaths,
    remainingPaths,
    brokenFlows: [...broken.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b),
    riskBefore: sum(before),
    riskAfter: sum(remainingPaths),
    diagnostics,
    after: overlay,
  };
}

/** The last query's paths on the graph as it is, kept until it changes (what-ifs ask the same "before"). */
const lastBefore = new WeakMap<
  AttackGraph,
  { version: number; key: string; query: PathQueryOptions; before: AttackPathResult[] }
>();

function pathsBefore(
  graph: AttackGraph,
  asked: PathQueryOptions,
): { query: PathQueryOptions; before: AttackPathResult[] } {
  const key = JSON.stringify(asked);
  const kept = lastBefore.get(graph);
  if (kept && kept.version === graph.version && kept.key === key) return kept;
  const query = { ...asked, targets: asked.targets ?? crownJewels(graph) };
  const entry = { version: graph.version, key, query, before: findAttackPaths(graph, query) };
  lastBefore.set(graph, entry);
  return entry;
}

type Breaks = (flow: number, change: number, why: string) => void;

function isolate(
  graph: AttackGraph,
  overlay: GraphOverlay,
  c: WhatIfChange,
  i: number,
  flows: readonly ObservedFlow[],
  breaks: Breaks,
  diagnostics: Diagnostic[],
): void {
  const pod = c.targetNodeId ?? '';
  if (!pod.startsWith('pod/') || !graph.hasVertex(pod)) {
    throw new OmegaError(
      Code.NotFound,
      `changes[${i}].targetNodeId: '${pod}' is not a pod of the graph (write pod/<ns>/<name>)`,
    );
  }
  overlay.base.forEachEdge((e) => {
    if (NETWORK_ATTACKS.has(e.attack ?? '') && (e.fromNodeId === pod || e.toNodeId === pod))
      overlay.hide(e.id);
  });
  const object = podObject(graph, pod);
  if (object?.spec.hostNetwork) {
    diagnostics.push(
      diagnostic(
        DiagnosticSeverity.DIAGNOSTIC_SEVERITY_WARNING,
        i,
        'host-network',
        `${pod} uses the host network: a NetworkPolicy (isolate_pod's) does not apply to it, so isolating it that way cuts nothing; cordon the node or stop the pod`,
      ),
    );
  }
  const ips = new Set(object ? ipsOf(object) : []);
  flows.forEach((f, n) => {
    if ([f.from, f.to].some((end) => end === pod || ips.has(end)))
      breaks(n, i, `changes[${i}] ISOLATE ${pod}`);
  });
}

function removeEdge(
  overlay: GraphOverlay,
  c: WhatIfChange,
  i: number,
  flows: readonly ObservedFlow[],
  breaks: Breaks,
  diagnostics: Diagnostic[],
): void {
  const id = c.edgeId ?? '';
  const from = id.slice(0, Math.max(0, id.indexOf('->')));
  const edge: Edge | undefined = overlay.outEdges(from).find((e) => e.id === id);
  if (!edge)
    throw new OmegaError(Code.NotFound, `changes[${i}].edgeId: no edge '${id}' in the graph`);
  overlay.hide(id);
  if (edge.attack !== 'NETWORK_REACH') {
    diagnostics.push(
      diagnostic(
        DiagnosticSeverity.DIAGNOSTIC_SEVERITY_INFO,
        i,
        'not-network',
        `${edge.attack ?? 'structural'} edge removed from the model only: the patch that removes it in the cluster (pod spec, RBAC) is not derived here`,
      ),
    );
    return;
  }
  const protocol = id.slice(id.lastIndexOf('/') + 1);
  flows.forEach((f, n) => {
    if (
      f.from === edge.fromNodeId &&
      f.to === edge.toNodeId &&
      f.port === edge.port &&
      f.protocol === protocol
    ) {
      breaks(n, i, `changes[${i}] REMOVE_EDGE ${id}`);
    }
  });
}

function blockSource(
  graph: AttackGraph,
  overlay: GraphOverlay,
  c: WhatIfChange,
  i: number,
  flows: readonly ObservedFlow[],
  breaks: Breaks,
  diagnostics: Diagnostic[],
): void {
  const [address, prefix, family] = parseBlockedCidr(c.cidr, i);
  const blocked = new BlockList();
  blocked.addSubnet(address, prefix, family);
  const inBlock = (ip: string) => blocked.check(ip, ip.includes(':') ? 'ipv6' : 'ipv4');
  const sources = new Set<string>();
  for (const o of graph.objects()) {
    if (o.kind !== 'Pod') continue;
    if (ipsOf(o).some(inBlock)) sources.add(`pod/${o.metadata.namespace}/${o.metadata.name}`);
  }
  if (prefix === 0) sources.add(EXTERNAL_ID);
  else {
    diagnostics.push(
      diagnostic(
        DiagnosticSeverity.DIAGNOSTIC_SEVERITY_INFO,
        i,
        'external-stays',
        `${c.cidr} is part of the outside world: paths from 'external' stay open (only pods with an address inside it lose their network edges)`,
      ),
    );
  }
  overlay.base.forEachEdge((e) => {
    if (NETWORK_ATTACKS.has(e.attack ?? '') && sources.has(e.fromNodeId)) overlay.hide(e.id);
  });
  flows.forEach((f, n) => {
    if (sources.has(f.from) || (!f.from.includes('/') && inBlock(f.from)))
      breaks(n, i, `changes[${i}] BLOCK_SOURCE ${c.cidr}`);
  });
}

function ipsOf(pod: PodObject): string[] {
  const status = (pod as { status?: { podIP?: string; podIPs?: { ip: string }[] } }).status;
  return [
    ...new Set([
      ...(status?.podIP ? [status.podIP] : []),
      ...(status?.podIPs ?? []).map((p) => p.ip),
    ]),
  ];
}

function podObject(graph: AttackGraph, podId: string): PodObject | undefined {
  for (const o of graph.objects()) {
    if (o.kind === 'Pod' && `pod/${o.metadata.namespace}/${o.metadata.name}` === podId) return o;
  }
  return undefined;
}
