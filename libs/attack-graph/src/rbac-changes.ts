// Which principals an RBAC change touches: subject keys whose bindings or roles changed, roles
// whose rules changed, and users or groups that appeared in or left the bindings. A group's
// grants stay on the group's vertex (members reach it by a MEMBER_OF edge), so a change to
// system:authenticated's bindings touches one principal, not every account.
import type { ClusterState } from './cluster-state';
import { objectKey, type KubeKind, type KubeObject } from './kube-objects';
import { RbacIndex } from './rbac';

/** The RBAC index of the state's roles and bindings, each list in key order. */
export function rbacIndexOf(state: ClusterState): RbacIndex {
  const byKey = <T extends KubeObject>(list: T[]) =>
    list
      .map((o): [string, T] => [objectKey(o), o])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => o);
  return new RbacIndex({
    roles: byKey(state.all('Role')),
    clusterRoles: byKey(state.all('ClusterRole')),
    roleBindings: byKey(state.all('RoleBinding')),
    clusterRoleBindings: byKey(state.all('ClusterRoleBinding')),
  });
}

/** Kinds whose change re-resolves RBAC. */
export const RBAC_KINDS: ReadonlySet<KubeKind> = new Set<KubeKind>([
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
]);

/**
 * `rolesOnly`: the change was to a Role or ClusterRole, so bindings are as they were and only the
 * subjects bound to a role whose (aggregated) rules changed are read, not every subject's grants.
 */
export function changedPrincipals(
  before: RbacIndex,
  after: RbacIndex,
  rolesOnly = false,
): { principals: Set<string>; namedChanged: boolean } {
  const principals = new Set<string>();
  const rolesWas = before.roleFingerprints();
  const rolesNow = after.roleFingerprints();
  const roles = new Set<string>();
  for (const key of new Set([...rolesWas.keys(), ...rolesNow.keys()])) {
    if (rolesWas.get(key) !== rolesNow.get(key)) roles.add(key);
  }
  for (const key of roles) principals.add(key);
  if (rolesOnly) {
    for (const key of [...before.subjectsOfRoles(roles), ...after.subjectsOfRoles(roles)]) {
      addSubject(key, principals);
    }
  } else {
    const was = before.subjectFingerprints();
    const now = after.subjectFingerprints();
    for (const key of new Set([...was.keys(), ...now.keys()])) {
      if (was.get(key) !== now.get(key)) addSubject(key, principals);
    }
  }
  const users = symmetricDifference(before.namedUsers, after.namedUsers);
  const groups = symmetricDifference(before.namedGroups, after.namedGroups);
  for (const u of users) principals.add(`user/${u}`);
  for (const g of groups) principals.add(`group/${g}`);
  return { principals, namedChanged: users.length > 0 || groups.length > 0 };
}

function symmetricDifference(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return [...[...a].filter((x) => !b.has(x)), ...[...b].filter((x) => !a.has(x))];
}

/** The principal vertices of a subject key (`sa:ns/name`, `user:x`, `group:y`). */
function addSubject(key: string, principals: Set<string>): void {
  const kind = key.slice(0, key.indexOf(':'));
  const rest = key.slice(key.indexOf(':') + 1);
  if (kind === 'sa') {
    principals.add(`serviceaccount/${rest}`);
  } else if (kind === 'user') {
    principals.add(`user/${rest}`);
    if (rest.startsWith('system:serviceaccount:')) {
      const [ns, name] = rest.slice('system:serviceaccount:'.length).split(':');
      principals.add(`serviceaccount/${ns!}/${name!}`);
    }
  } else {
    principals.add(`group/${rest}`);
  }
}
