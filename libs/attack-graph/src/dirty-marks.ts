// Which edge buckets read an object: a change to it marks them, and only they are recomputed.
// Keys: `pod|ns/name`, `node|name`, `exposure|ns`, `perm|principal|ns|part` (part: secrets,
// accounts, pods or rbac; `perm|principal||cluster` for cluster scope),
// `member|principal`, `binding|Kind/ns/name`, `secret|ns/name`, `net|ns/name`, and
// `net-target|ns/name` (a pod's network edges both ways).
import type { ClusterState } from './cluster-state';
import { NAMESPACE_PARTS, type PermissionPart } from './edge-producers';
import type { KubeObject, PodObject } from './kube-objects';

export interface DirtyMarks {
  readonly state: ClusterState;
  /** Whether the graph draws network edges (a reachability function was given). */
  readonly network: boolean;
  /** Principals with a grant everywhere (a ClusterRoleBinding, or a ClusterRole's vertex). */
  readonly clusterPrincipals: ReadonlySet<string>;
  readonly nsPrincipals: ReadonlyMap<string, ReadonlySet<string>>;
  readonly refreshVertex: (object: KubeObject) => void;
}

export function podKey(pod: PodObject): string {
  return `pod|${pod.metadata.namespace}/${pod.metadata.name}`;
}

export function bindingKey(b: KubeObject): string {
  return `binding|${b.kind}/${b.metadata.namespace ?? ''}/${b.metadata.name}`;
}

/** The permission buckets of every principal with grants in the namespace, for the parts given. */
function markNamespacePermissions(
  m: DirtyMarks,
  ns: string,
  dirty: Set<string>,
  parts: readonly PermissionPart[],
): void {
  for (const part of parts) {
    dirty.add(`perm|namespace/${ns}|${ns}|${part}`);
    for (const id of m.clusterPrincipals) dirty.add(`perm|${id}|${ns}|${part}`);
    for (const id of m.nsPrincipals.get(ns) ?? []) dirty.add(`perm|${id}|${ns}|${part}`);
  }
}

export function markClusterPermissions(m: DirtyMarks, dirty: Set<string>): void {
  for (const id of m.clusterPrincipals) dirty.add(`perm|${id}||cluster`);
}

/** A node's own bucket and those of its pods with host mounts (they read the node's other pods). */
function markNodePods(m: DirtyMarks, node: string | undefined, dirty: Set<string>): void {
  if (!node) return;
  dirty.add(`node|${node}`);
  for (const p of m.state.podsOnNode(node)) {
    if (m.state.facts(p).hostMounts.length > 0) dirty.add(podKey(p));
  }
}

function markAllNetwork(m: DirtyMarks, dirty: Set<string>): void {
  for (const pod of m.state.all('Pod'))
    dirty.add(`net|${pod.metadata.namespace}/${pod.metadata.name}`);
}

/** Marks the buckets that read this object (called for its old and its new version). */
export function markDirty(m: DirtyMarks, object: KubeObject, dirty: Set<string>): void {
  const ns = object.metadata.namespace ?? '';
  switch (object.kind) {
    case 'Node':
      dirty.add(`node|${object.metadata.name}`);
      break;
    case 'Namespace':
      markNamespacePermissions(m, object.metadata.name, dirty, NAMESPACE_PARTS);
      if (m.network) markAllNetwork(m, dirty);
      break;
    case 'Pod':
      dirty.add(podKey(object));
      markNodePods(m, object.spec.nodeName, dirty);
      dirty.add(`exposure|${ns}`);
      markNamespacePermissions(m, ns, dirty, ['pods']);
      if (m.network) dirty.add(`net-target|${ns}/${object.metadata.name}`);
      break;
    case 'Service':
    case 'Ingress':
      dirty.add(`exposure|${ns}`);
      break;
    case 'Secret':
      dirty.add(`secret|${ns}/${object.metadata.name}`);
      markNamespacePermissions(m, ns, dirty, ['secrets']);
      break;
    case 'ServiceAccount':
      // Its pods' token mounts follow the account's automountServiceAccountToken.
      for (const pod of m.state.podsOfAccount(ns, object.metadata.name)) {
        dirty.add(podKey(pod));
        markNodePods(m, pod.spec.nodeName, dirty);
        m.refreshVertex(pod);
        if (m.network) dirty.add(`net-target|${ns}/${pod.metadata.name}`);
      }
      markNamespacePermissions(m, ns, dirty, ['accounts']);
      break;
    case 'Role':
      markNamespacePermissions(m, ns, dirty, ['rbac']);
      break;
    case 'ClusterRole':
      markClusterPermissions(m, dirty);
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      dirty.add(bindingKey(object));
      break;
    case 'NetworkPolicy':
      if (m.network) markAllNetwork(m, dirty);
      break;
  }
}
