// The edges each part of the cluster makes, grouped into buckets that are recomputed whole when
// something they read changes: a pod's own edges, a node's, a namespace's exposure, one principal's
// permissions inside one namespace (or at cluster scope), one binding's, one secret's.
import { GraphEdgeKind } from '@omega/proto';
import type { AttackKind } from './attacks';
import type { ClusterState } from './cluster-state';
import { EXTERNAL_ID, attackEdge, structuralEdge, type Edge } from './graph-model';
import { objectKey, type PodObject } from './kube-objects';
import { serviceSelects } from './label-selector';
import { containerEscapes, mountsHostLogs, readsKubeletPods, sharedHostPath } from './pod-facts';
import { allowingGrant, type AccessRequest, type Grant } from './rbac';

export const podId = (p: PodObject) => `pod/${p.metadata.namespace}/${p.metadata.name}`;
export const saId = (ns: string, name: string) => `serviceaccount/${ns}/${name}`;

/** A pod's own edges: escapes to its node, its token, its secrets, host-mount reach. */
export function podEdges(state: ClusterState, pod: PodObject): Edge[] {
  const id = podId(pod);
  const ns = pod.metadata.namespace!;
  const facts = state.facts(pod);
  const node = pod.spec.nodeName;
  const out: Edge[] = [];
  if (node) {
    out.push(structuralEdge(id, `node/${node}`, GraphEdgeKind.GRAPH_EDGE_KIND_SCHEDULED_ON, id));
    for (const e of containerEscapes(facts)) {
      out.push(attackEdge(id, `node/${node}`, e.attack, `${id} (${e.because})`));
    }
  }
  if (facts.tokenMounted) {
    out.push(attackEdge(id, saId(ns, facts.serviceAccount), 'TOKEN_STEAL', id));
  }
  for (const secret of facts.secretMounts) {
    out.push(attackEdge(id, `secret/${ns}/${secret}`, 'SECRET_MOUNT', id));
  }
  if (node) {
    const kubelet = readsKubeletPods(facts);
    for (const other of state.podsOnNode(node)) {
      const otherFacts = state.facts(other);
      if (kubelet && otherFacts.tokenMounted) {
        const to = saId(other.metadata.namespace!, otherFacts.serviceAccount);
        out.push(
          attackEdge(
            id,
            to,
            'EXPLOIT_HOST_TRAVERSE',
            `${id} (hostPath ${kubelet.path}) → ${podId(other)}`,
          ),
        );
      }
      if (other !== pod && otherFacts.hostMounts.length > 0) {
        const shared = sharedHostPath(facts, otherFacts);
        if (shared) {
          out.push(attackEdge(id, podId(other), 'VOLUME_ACCESS', `${id} (hostPath ${shared})`));
        }
      }
    }
  }
  return out;
}

/** A node's edges: every mounted pod token on it, and its kubelet identity. */
export function nodeEdges(state: ClusterState, node: string): Edge[] {
  const id = `node/${node}`;
  const out: Edge[] = [attackEdge(id, 'group/system:nodes', 'IDENTITY_ASSUME', id)];
  out.push(attackEdge(id, `user/system:node:${node}`, 'IDENTITY_ASSUME', id));
  for (const pod of state.podsOnNode(node)) {
    const facts = state.facts(pod);
    if (facts.tokenMounted) {
      out.push(
        attackEdge(
          id,
          saId(pod.metadata.namespace!, facts.serviceAccount),
          'TOKEN_STEAL',
          podId(pod),
        ),
      );
    }
  }
  return out;
}

/** How each exposed pod of a namespace is reached from outside, as evidence strings ending in the way (`(NodePort)`...). */
export function exposures(
  state: ClusterState,
  ns: string,
): { selects: Edge[]; exposed: Map<string, string[]> } {
  const selects: Edge[] = [];
  const exposed = new Map<string, string[]>();
  const add = (pod: string, how: string) => exposed.set(pod, [...(exposed.get(pod) ?? []), how]);
  const pods = [...state.inNamespace('Pod', ns)];
  const viaIngress = new Map<string, string[]>();
  for (const ing of state.inNamespace('Ingress', ns)) {
    const backends = [
      ing.spec?.defaultBackend,
      ...(ing.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend)),
    ];
    for (const b of backends) {
      if (!b?.service) continue;
      const list = viaIngress.get(b.service.name) ?? [];
      viaIngress.set(b.service.name, [...list, `ingress/${ns}/${ing.metadata.name}`]);
    }
  }
  for (const svc of state.inNamespace('Service', ns)) {
    const sid = `service/${ns}/${svc.metadata.name}`;
    const type = svc.spec.type ?? 'ClusterIP';
    const ways = [
      ...(type === 'NodePort' || type === 'LoadBalancer' ? [`${sid} (${type})`] : []),
      ...(viaIngress.get(svc.metadata.name) ?? []).map((i) => `${i} → ${sid} (Ingress)`),
    ];
    for (const pod of pods) {
      if (!serviceSelects(svc.spec.selector, pod.metadata.labels)) continue;
      selects.push(structuralEdge(sid, podId(pod), GraphEdgeKind.GRAPH_EDGE_KIND_SELECTS, sid));
      for (const how of ways) add(podId(pod), how);
    }
  }
  for (const pod of pods) {
    for (const c of pod.spec.containers) {
      for (const port of c.ports ?? []) {
        if (port.hostPort) add(podId(pod), `${podId(pod)} port ${port.hostPort} (hostPort)`);
      }
    }
  }
  return { selects, exposed };
}

/** What reaches a namespace's pods from outside: NodePort/LoadBalancer Services, Ingresses, hostPorts. */
export function exposureEdges(state: ClusterState, ns: string): Edge[] {
  const { selects, exposed } = exposures(state, ns);
  const out = [...selects];
  for (const [pod, ways] of exposed) {
    for (const how of ways) out.push(attackEdge(EXTERNAL_ID, pod, 'ENDPOINT_EXPLOIT', how));
  }
  return out;
}

/** Users and groups that bindings name (the only ones the graph has vertices for). */
export interface NamedSubjects {
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const evidence = (g: Grant) => `${g.binding} (${g.role})`;

/** The names among `names` the grants allow the request on, each with the grant that allows it. */
function allowedNames(
  grants: readonly Grant[],
  request: AccessRequest,
  names: readonly string[],
): [string, Grant][] {
  const any = allowingGrant(grants, request);
  if (any) return names.map((n) => [n, any]);
  const named = grants.filter((g) => (g.rule.resourceNames ?? []).length > 0);
  if (named.length === 0) return [];
  const out: [string, Grant][] = [];
  for (const name of names) {
    const g = allowingGrant(named, { ...request, name });
    if (g) out.push([name, g]);
  }
  return out;
}

/** What a permission bucket covers: its targets' kind, so a change re-reads only what it touches. */
export type PermissionPart = 'cluster' | 'secrets' | 'accounts' | 'pods' | 'rbac';
export const NAMESPACE_PARTS: readonly PermissionPart[] = ['secrets', 'accounts', 'pods', 'rbac'];

/**
 * One principal's permission edges at cluster scope (`part` 'cluster', `ns` '') or into one
 * namespace towards one kind of target: secrets, accounts, pods (and nodes through pod logs), or
 * roles (role binding).
 */
export function permissionEdges(
  state: ClusterState,
  principal: string,
  grants: readonly Grant[],
  ns: string,
  named: NamedSubjects,
  part: PermissionPart,
): Edge[] {
  const out: Edge[] = [];
  const add = (to: string, attack: AttackKind, g: Grant) => {
    if (to !== principal) out.push(attackEdge(principal, to, attack, evidence(g)));
  };
  if (part === 'cluster') {
    const crb = allowingGrant(grants, {
      verb: 'create',
      apiGroup: RBAC_GROUP,
      resource: 'clusterrolebindings',
    });
    const escalate = allowingGrant(grants, {
      verb: 'escalate',
      apiGroup: RBAC_GROUP,
      resource: 'clusterroles',
    });
    const names = state.all('ClusterRole').map((r) => r.metadata.name);
    if (crb) {
      const req = { verb: 'bind', apiGroup: RBAC_GROUP, resource: 'clusterroles' };
      for (const [name, g] of allowedNames(grants, req, names))
        add(`clusterrole/${name}`, 'ROLE_BIND', g);
    }
    if (escalate) for (const name of names) add(`clusterrole/${name}`, 'ROLE_BIND', escalate);
    for (const [resource, prefix] of [
      ['users', 'user'],
      ['groups', 'group'],
    ] as const) {
      const req = { verb: 'impersonate', apiGroup: '', resource };
      const known = [...(prefix === 'user' ? named.users : named.groups)];
      for (const [name, g] of allowedNames(grants, req, known))
        add(`${prefix}/${name}`, 'IDENTITY_IMPERSONATE', g);
    }
    return out;
  }
  const inNs = grants.filter((g) => g.namespace === undefined || g.namespace === ns);
  if (inNs.length === 0) return [];
  if (part === 'secrets') {
    const secrets = [...state.inNamespace('Secret', ns)].map((s) => s.metadata.name);
    const list = allowingGrant(inNs, core('list', 'secrets', ns));
    const readable = list
      ? secrets.map((n): [string, Grant] => [n, list])
      : allowedNames(inNs, core('get', 'secrets', ns), secrets);
    for (const [name, g] of readable) add(`secret/${ns}/${name}`, 'SECRET_READ', g);
    return out;
  }
  const extra =
    part === 'accounts'
      ? accountEdges(state, inNs, ns, add)
      : part === 'pods'
        ? podPermissionEdges(state, principal, inNs, ns, add)
        : roleBindEdges(state, inNs, ns, add);
  return [...out, ...extra];
}

type Add = (to: string, attack: AttackKind, g: Grant) => void;

function core(verb: string, resource: string, ns: string, subresource?: string): AccessRequest {
  return { verb, apiGroup: '', resource, subresource, namespace: ns };
}

function accountEdges(state: ClusterState, inNs: readonly Grant[], ns: string, add: Add): Edge[] {
  const accounts = [...state.inNamespace('ServiceAccount', ns)].map((s) => s.metadata.name);
  const createPods = allowingGrant(inNs, core('create', 'pods', ns));
  if (createPods) for (const a of accounts) add(saId(ns, a), 'POD_CREATE', createPods);
  for (const [a, g] of allowedNames(
    inNs,
    core('create', 'serviceaccounts', ns, 'token'),
    accounts,
  )) {
    add(saId(ns, a), 'TOKEN_CREATE', g);
  }
  for (const [a, g] of allowedNames(inNs, core('impersonate', 'serviceaccounts', ns), accounts)) {
    add(saId(ns, a), 'IDENTITY_IMPERSONATE', g);
  }
  return [];
}

function podPermissionEdges(
  state: ClusterState,
  principal: string,
  inNs: readonly Grant[],
  ns: string,
  add: Add,
): Edge[] {
  const out: Edge[] = [];
  const pods = [...state.inNamespace('Pod', ns)];
  const podNames = pods.map((p) => p.metadata.name);
  const podChecks: [AttackKind, AccessRequest[]][] = [
    ['POD_EXEC', [core('create', 'pods', ns, 'exec')]],
    ['POD_ATTACH', [core('create', 'pods', ns, 'attach')]],
    ['POD_PATCH', [core('patch', 'pods', ns), core('update', 'pods', ns)]],
  ];
  for (const [attack, requests] of podChecks) {
    const seen = new Set<string>();
    for (const req of requests) {
      for (const [name, g] of allowedNames(inNs, req, podNames)) {
        if (!seen.has(name)) {
          seen.add(name);
          add(`pod/${ns}/${name}`, attack, g);
        }
      }
    }
  }
  const logs = allowedNames(inNs, core('get', 'pods', ns, 'log'), podNames);
  if (logs.length > 0) {
    const byName = new Map(pods.map((p) => [p.metadata.name, p]));
    for (const [name, g] of logs) {
      const pod = byName.get(name)!;
      if (pod.spec.nodeName && mountsHostLogs(state.facts(pod))) {
        out.push(
          attackEdge(
            principal,
            `node/${pod.spec.nodeName}`,
            'CE_VAR_LOG_SYMLINK',
            `${evidence(g)} → ${podId(pod)}`,
          ),
        );
      }
    }
  }
  return out;
}

function roleBindEdges(state: ClusterState, inNs: readonly Grant[], ns: string, add: Add): Edge[] {
  const rbac = (verb: string, resource: string): AccessRequest => ({
    verb,
    apiGroup: RBAC_GROUP,
    resource,
    namespace: ns,
  });
  const createRb = allowingGrant(inNs, rbac('create', 'rolebindings'));
  const bindAnyClusterRole = allowingGrant(inNs, rbac('bind', 'clusterroles'));
  const escalate =
    allowingGrant(inNs, rbac('escalate', 'roles')) &&
    (allowingGrant(inNs, rbac('update', 'roles')) ?? allowingGrant(inNs, rbac('patch', 'roles')));
  if (createRb && bindAnyClusterRole) add(`namespace/${ns}`, 'ROLE_BIND', createRb);
  else if (escalate) add(`namespace/${ns}`, 'ROLE_BIND', escalate);
  else if (createRb) {
    const roles = [...state.inNamespace('Role', ns)].map((r) => r.metadata.name);
    for (const [name, g] of allowedNames(inNs, rbac('bind', 'roles'), roles)) {
      add(`role/${ns}/${name}`, 'ROLE_BIND', g);
    }
  }
  return [];
}

/** A binding's structural edges: each subject → the role it is bound to. */
export function bindingEdges(binding: {
  kind: string;
  metadata: { namespace?: string; name: string };
  roleRef: { kind: string; name: string };
  subjects?: readonly { kind: string; name: string; namespace?: string }[];
}): Edge[] {
  const ns = binding.metadata.namespace;
  const source = ns
    ? `rolebinding/${ns}/${binding.metadata.name}`
    : `clusterrolebinding/${binding.metadata.name}`;
  const role =
    binding.roleRef.kind === 'ClusterRole'
      ? `clusterrole/${binding.roleRef.name}`
      : `role/${ns}/${binding.roleRef.name}`;
  return (binding.subjects ?? []).map((s) => {
    const from =
      s.kind === 'ServiceAccount'
        ? saId(s.namespace || ns || '', s.name)
        : `${s.kind.toLowerCase()}/${s.name}`;
    return structuralEdge(from, role, GraphEdgeKind.GRAPH_EDGE_KIND_BOUND_TO, source);
  });
}

/** A service-account-token secret → the account whose token it holds. */
export function secretEdges(secret: {
  metadata: { namespace?: string; name: string; annotations?: Readonly<Record<string, string>> };
  type?: string;
}): Edge[] {
  const account = secret.metadata.annotations?.['kubernetes.io/service-account.name'];
  if (secret.type !== 'kubernetes.io/service-account-token' || !account) return [];
  const ns = secret.metadata.namespace!;
  return [
    attackEdge(
      `secret/${ns}/${secret.metadata.name}`,
      saId(ns, account),
      'SA_TOKEN_SECRET',
      `secret/${ns}/${secret.metadata.name}`,
    ),
  ];
}

export { objectKey };
