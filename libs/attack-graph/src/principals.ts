// The principals of the graph (vertices that hold permissions) and their grants: service accounts,
// users and groups through bindings; a Role or ClusterRole as what binding it would give; and
// `namespace/<ns>`, the admin of a namespace (what binding admin or cluster-admin there gives).
import type { ClusterState } from './cluster-state';
import { attackEdge, type Edge } from './graph-model';
import { RbacIndex, type Grant } from './rbac';

const EVERYTHING = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };

export function principalIds(state: ClusterState, rbac: RbacIndex): string[] {
  return [
    ...state
      .all('ServiceAccount')
      .map((s) => `serviceaccount/${s.metadata.namespace}/${s.metadata.name}`),
    ...[...rbac.namedUsers].map((u) => `user/${u}`),
    ...[...rbac.namedGroups].map((g) => `group/${g}`),
    ...state.all('Role').map((r) => `role/${r.metadata.namespace}/${r.metadata.name}`),
    ...state.all('ClusterRole').map((r) => `clusterrole/${r.metadata.name}`),
  ];
}

/** A principal's grants; none for one whose object is gone. */
export function principalGrants(id: string, state: ClusterState, rbac: RbacIndex): Grant[] {
  const slash = id.indexOf('/');
  const kind = id.slice(0, slash);
  const rest = id.slice(slash + 1);
  const [a, b] = rest.split('/') as [string, string | undefined];
  const own = (namespace: string | undefined) => (rule: Grant['rule']) => ({
    rule,
    namespace,
    binding: id,
    role: id,
  });
  switch (kind) {
    case 'namespace':
      return state.hasNamespace(a) ? [own(a)(EVERYTHING)] : [];
    case 'serviceaccount':
      return state.get('ServiceAccount', a, b!)
        ? rbac.directGrantsOf({ kind: 'ServiceAccount', namespace: a, name: b! })
        : [];
    case 'user':
      return rbac.namedUsers.has(rest) ? rbac.directGrantsOf({ kind: 'User', name: rest }) : [];
    case 'group':
      return rbac.namedGroups.has(rest) ? rbac.directGrantsOf({ kind: 'Group', name: rest }) : [];
    case 'role':
      return (rbac.roleRules.get(rest) ?? []).map(own(a));
    case 'clusterrole':
      return (rbac.clusterRoleRules.get(rest) ?? []).map(own(undefined));
  }
  return [];
}

/** An account's or user's free edges to the groups it belongs to (shown when a binding names the group). */
export function membershipEdges(id: string, state: ClusterState, rbac: RbacIndex): Edge[] {
  const slash = id.indexOf('/');
  const kind = id.slice(0, slash);
  const rest = id.slice(slash + 1);
  let groups: string[] = [];
  if (kind === 'serviceaccount') {
    const [ns, name] = rest.split('/') as [string, string];
    if (state.get('ServiceAccount', ns, name)) {
      groups = RbacIndex.groupsOf({ kind: 'ServiceAccount', namespace: ns, name });
    }
  } else if (kind === 'user' && rbac.namedUsers.has(rest)) {
    groups = RbacIndex.groupsOf({ kind: 'User', name: rest });
  }
  return groups.map((g) => attackEdge(id, `group/${g}`, 'MEMBER_OF', `group/${g}`));
}
