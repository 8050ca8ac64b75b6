// The changes a what-if tries (twin.proto's ChangeKind, plus an edited binding for checking RBAC
// patches), validated with errors naming the change and field, and the RBAC ones resolved to the
// binding they delete or edit.
import { isIP } from 'node:net';
import { Code, OmegaError } from '@omega/errors';
import { parseCluster } from '@omega/netpol';
import { parseDocument } from 'yaml';
import type { AttackGraph } from './attack-graph';
import type { KubeObject } from './kube-objects';

export type WhatIfChangeKind =
  | 'ISOLATE'
  | 'REMOVE_EDGE'
  | 'APPLY_NETWORK_POLICY'
  | 'DELETE_NETWORK_POLICY'
  | 'REVOKE_BINDING'
  | 'BLOCK_SOURCE'
  | 'APPLY_BINDING';

/** One proposed change, with twin.proto ProposedChange's fields. */
export interface WhatIfChange {
  readonly kind: WhatIfChangeKind;
  /** ISOLATE: the pod; DELETE_NETWORK_POLICY: `networkpolicy/<ns>/<name>`; REVOKE_BINDING: `rolebinding/<ns>/<name>` or `clusterrolebinding/<name>`. */
  readonly targetNodeId?: string;
  /** REMOVE_EDGE: the edge; REVOKE_BINDING: an edge whose evidence is a binding (its subject is removed). */
  readonly edgeId?: string;
  /** APPLY_NETWORK_POLICY: one networking.k8s.io/v1 NetworkPolicy, YAML (or JSON). */
  readonly manifestYaml?: string;
  /** BLOCK_SOURCE: an address or CIDR. */
  readonly cidr?: string;
  /** APPLY_BINDING: an edited RoleBinding or ClusterRoleBinding (an RBAC patch's result). */
  readonly binding?: unknown;
}

export const WHAT_IF_LIMITS = { changes: 64, manifestBytes: 64 * 1024 } as const;

type BindingObject = Extract<KubeObject, { kind: 'RoleBinding' | 'ClusterRoleBinding' }>;

export function invalidChange(index: number, field: string, message: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `changes[${index}].${field}: ${message}`);
}

/** The NetworkPolicy of an APPLY_NETWORK_POLICY change, parsed and validated by netpol's rules. */
export function parsePolicyManifest(text: string | undefined, index: number): KubeObject {
  if (!text) throw invalidChange(index, 'manifestYaml', 'required for APPLY_NETWORK_POLICY');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > WHAT_IF_LIMITS.manifestBytes) {
    throw invalidChange(
      index,
      'manifestYaml',
      `${bytes} bytes, more than the ${WHAT_IF_LIMITS.manifestBytes} allowed`,
    );
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    throw invalidChange(index, 'manifestYaml', `not YAML${at}: ${e.message.split('\n')[0]}`);
  }
  const object = doc.toJS({ maxAliasCount: 16 }) as Record<string, unknown> | null;
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw invalidChange(index, 'manifestYaml', 'must be one NetworkPolicy object');
  }
  if (object['kind'] !== 'NetworkPolicy') {
    throw invalidChange(
      index,
      'manifestYaml.kind',
      `must be NetworkPolicy, got ${JSON.stringify(object['kind'])}`,
    );
  }
  if (object['apiVersion'] !== undefined && object['apiVersion'] !== 'networking.k8s.io/v1') {
    throw invalidChange(
      index,
      'manifestYaml.apiVersion',
      `must be networking.k8s.io/v1, got ${JSON.stringify(object['apiVersion'])}`,
    );
  }
  const ns = (object['metadata'] as { namespace?: unknown } | undefined)?.namespace;
  if (typeof ns !== 'string' || ns === '') {
    throw invalidChange(
      index,
      'manifestYaml.metadata.namespace',
      'required (the policy applies in one namespace)',
    );
  }
  try {
    parseCluster({ namespaces: [{ metadata: { name: ns } }], networkPolicies: [object] });
  } catch (cause) {
    if (!(cause instanceof OmegaError)) throw cause;
    throw invalidChange(index, 'manifestYaml', cause.message);
  }
  return object as unknown as KubeObject;
}

/** `cidr` of a BLOCK_SOURCE change as [address, prefix, family]. */
export function parseBlockedCidr(
  text: string | undefined,
  index: number,
): [string, number, 'ipv4' | 'ipv6'] {
  const [address = '', prefixText, extra] = (text ?? '').split('/');
  const version = isIP(address);
  const max = version === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (
    version === 0 ||
    extra !== undefined ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max
  ) {
    throw invalidChange(
      index,
      'cidr',
      `'${text ?? ''}' is not an address or a CIDR such as 10.0.0.0/8`,
    );
  }
  return [address, prefix, version === 6 ? 'ipv6' : 'ipv4'];
}

/** The vertex id a binding's subject is drawn as. */
export function subjectVertexId(
  binding: BindingObject,
  s: { kind: string; name: string; namespace?: string },
): string {
  return s.kind === 'ServiceAccount'
    ? `serviceaccount/${s.namespace || binding.metadata.namespace || ''}/${s.name}`
    : `${s.kind.toLowerCase()}/${s.name}`;
}

/** The binding without the subjects drawn as `subjectId` (undefined: none left, delete it). */
export function bindingWithout(
  binding: BindingObject,
  subjectId: string,
): BindingObject | undefined {
  const subjects = (binding.subjects ?? []).filter(
    (s) => subjectVertexId(binding, s) !== subjectId,
  );
  return subjects.length === 0 ? undefined : { ...binding, subjects };
}

const bindingIndexes = new WeakMap<
  AttackGraph,
  { version: number; byId: Map<string, BindingObject> }
>();

/** The graph's bindings by `rolebinding/<ns>/<name>` and `clusterrolebinding/<name>` (cached per version). */
function bindingIndex(graph: AttackGraph): Map<string, BindingObject> {
  const cached = bindingIndexes.get(graph);
  if (cached && cached.version === graph.version) return cached.byId;
  const byId = new Map<string, BindingObject>();
  for (const o of graph.objects()) {
    if (o.kind === 'RoleBinding')
      byId.set(`rolebinding/${o.metadata.namespace}/${o.metadata.name}`, o);
    if (o.kind === 'ClusterRoleBinding') byId.set(`clusterrolebinding/${o.metadata.name}`, o);
  }
  bindingIndexes.set(graph, { version: graph.version, byId });
  return byId;
}

/** `rolebinding/ns/b (role/ns/r)` → the binding object it names, if the graph holds it. */
export function bindingOfEvidence(graph: AttackGraph, evidence: string): BindingObject | undefined {
  const m = /^(rolebinding\/[^/ ]+\/[^/ ]+|clusterrolebinding\/[^/ ]+)(\s|$)/.exec(evidence);
  return m ? bindingIndex(graph).get(m[1]!) : undefined;
}

/** What a REVOKE_BINDING or APPLY_BINDING change does to the graph, as one object change. */
export function bindingChange(
  graph: AttackGraph,
  change: WhatIfChange,
  index: number,
):
  | { type: 'upsert'; object: unknown }
  | { type: 'delete'; kind: string; namespace?: string; name: string } {
  if (change.kind === 'APPLY_BINDING') {
    const kind = (change.binding as { kind?: unknown } | undefined)?.kind;
    if (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') {
      throw invalidChange(
        index,
        'binding.kind',
        `must be RoleBinding or ClusterRoleBinding, got ${JSON.stringify(kind)}`,
      );
    }
    return { type: 'upsert', object: change.binding };
  }
  if (change.edgeId) {
    const from = change.edgeId.slice(0, Math.max(0, change.edgeId.indexOf('->')));
    const edge = graph.outEdges(from).find((e) => e.id === change.edgeId);
    if (!edge)
      throw new OmegaError(
        Code.NotFound,
        `changes[${index}].edgeId: no edge '${change.edgeId}' in the graph`,
      );
    const binding = bindingOfEvidence(graph, edge.sourceObject);
    if (!binding) {
      throw invalidChange(
        index,
        'edgeId',
        `the edge's evidence '${edge.sourceObject}' is not a RoleBinding or ClusterRoleBinding`,
      );
    }
    const edited = bindingWithout(binding, edge.fromNodeId);
    const isSubject =
      edited !== binding &&
      (binding.subjects ?? []).some((s) => subjectVertexId(binding, s) === edge.fromNodeId);
    if (isSubject && edited) return { type: 'upsert', object: edited };
    return {
      type: 'delete',
      kind: binding.kind,
      namespace: binding.metadata.namespace,
      name: binding.metadata.name,
    };
  }
  const m = /^(?:rolebinding\/([^/]+)\/([^/]+)|clusterrolebinding\/([^/]+))$/.exec(
    change.targetNodeId ?? '',
  );
  if (!m) {
    throw invalidChange(
      index,
      'targetNodeId',
      `'${change.targetNodeId ?? ''}': write rolebinding/<ns>/<name> or clusterrolebinding/<name>, or give edgeId`,
    );
  }
  const binding = m[1]
    ? bindingOfEvidence(graph, `rolebinding/${m[1]}/${m[2]}`)
    : bindingOfEvidence(graph, `clusterrolebinding/${m[3]}`);
  if (!binding)
    throw new OmegaError(
      Code.NotFound,
      `changes[${index}].targetNodeId: no binding '${change.targetNodeId}' in the graph`,
    );
  return {
    type: 'delete',
    kind: binding.kind,
    namespace: binding.metadata.namespace,
    name: binding.metadata.name,
  };
}
