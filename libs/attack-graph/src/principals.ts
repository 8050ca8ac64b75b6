// The principals of the graph (vertices that hold permissions) and their grants: service accounts,
// users and groups through bindings; a Role or ClusterRole as what binding it would give; and
// `namespace/<ns>`, the admin of a namespace (what binding admin or cluster-admin there gives).
import type { ClusterState } from './cluster-state';
import type { Grant, RbacIndex } from './rbac';

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
        ? rbac.grantsOf({ kind: 'ServiceAccount', namespace: a, name: b! })
        : [];
    case 'user':
      return rbac.namedUsers.has(rest) ? rbac.grantsOf({ kind: 'User', name: rest }) : [];
    case 'group':
      return rbac.namedGroups.has(rest) ? rbac.grantsOf({ kind: 'Group', name: rest }) : [];
    case 'role':
      return (rbac.roleRules.get(rest) ?? []).map(own(a));
    case 'clusterrole':
      return (rbac.clusterRoleRules.get(rest) ?? []).map(own(undefined));
  }
  return [];
}
