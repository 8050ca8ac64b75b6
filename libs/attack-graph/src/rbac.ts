// RBAC resolved the way the Kubernetes RBAC authorizer decides: which rules reach a subject
// (users, groups, service accounts and the groups every service account belongs to), in which
// scope (a RoleBinding grants in its namespace only; a ClusterRoleBinding everywhere, cluster-
// scoped resources and non-resource URLs included), and whether a rule allows a request (verbs,
// API groups, resources and subresources, resourceNames, wildcards). ClusterRole aggregation is
// resolved as the aggregation controller writes it.
import type { KubeObjectOf, PolicyRule, Subject } from './kube-objects';
import { selectorMatches } from './label-selector';

export type Principal =
  | { readonly kind: 'ServiceAccount'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'User'; readonly name: string }
  | { readonly kind: 'Group'; readonly name: string };

/** One rule reaching a principal, with where it applies and what grants it. */
export interface Grant {
  readonly rule: PolicyRule;
  /** The namespace a RoleBinding grants in; undefined for a ClusterRoleBinding (everywhere). */
  readonly namespace: string | undefined;
  /** The binding, e.g. `rolebinding/default/read-pods`. */
  readonly binding: string;
  /** The role, e.g. `role/default/pod-reader`, `clusterrole/secret-reader`. */
  readonly role: string;
}

/** A request as the authorizer sees it. */
export interface AccessRequest {
  readonly verb: string;
  /** '' for the core group. */
  readonly apiGroup?: string;
  readonly resource?: string;
  readonly subresource?: string;
  /** Absent for cluster-scoped resources and non-resource URLs. */
  readonly namespace?: string;
  readonly name?: string;
  /** A non-resource URL such as `/healthz` (then resource is absent). */
  readonly path?: string;
}

/** The graph's id of a principal: `serviceaccount/ns/name`, `user/name`, `group/name`. */
export function principalId(principal: Principal): string {
  return principal.kind === 'ServiceAccount'
    ? `serviceaccount/${principal.namespace}/${principal.name}`
    : `${principal.kind.toLowerCase()}/${principal.name}`;
}

export function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(request.verb)) return false;
  if (request.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some(
      (url) =>
        url === '*' ||
        url === request.path ||
        (url.endsWith('*') && request.path!.startsWith(url.slice(0, -1))),
    );
  }
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(request.apiGroup ?? '')) return false;
  const resource = request.subresource
    ? `${request.resource}/${request.subresource}`
    : (request.resource ?? '');
  const resourceMatch = (rule.resources ?? []).some(
    (r) =>
      r === '*' || r === resource || (!!request.subresource && r === `*/${request.subresource}`),
  );
  if (!resourceMatch) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (request.name !== undefined && names.includes(request.name));
}

/** Whether a grant applies to a request's scope: a namespaced grant only inside its namespace. */
export function grantScopeMatches(grant: Grant, request: AccessRequest): boolean {
  return (
    grant.namespace === undefined || (!!request.namespace && grant.namespace === request.namespace)
  );
}

/** The first grant that allows the request, or undefined (the authorizer's deny). */
export function allowingGrant(grants: readonly Grant[], request: AccessRequest): Grant | undefined {
  return grants.find((g) => grantScopeMatches(g, request) && ruleAllows(g.rule, request));
}

/** The subject keys that name a principal in a binding (a service account is also a user and in groups). */
function principalKeys(principal: Principal): string[] {
  switch (principal.kind) {
    case 'ServiceAccount':
      return [
        `sa:${principal.namespace}/${principal.name}`,
        `user:system:serviceaccount:${principal.namespace}:${principal.name}`,
        'group:system:serviceaccounts',
        `group:system:serviceaccounts:${principal.namespace}`,
        'group:system:authenticated',
      ];
    case 'User':
      return [`user:${principal.name}`, 'group:system:authenticated'];
    case 'Group':
      return [`group:${principal.name}`];
  }
}

function subjectKey(subject: Subject, bindingNamespace: string | undefined): string {
  if (subject.kind === 'ServiceAccount') {
    return `sa:${subject.namespace || bindingNamespace || ''}/${subject.name}`;
  }
  return `${subject.kind === 'User' ? 'user' : 'group'}:${subject.name}`;
}

type ClusterRole = KubeObjectOf<'ClusterRole'>;

/** 64-bit FNV-1a of a string, as hex (two 32-bit halves): tells role contents apart cheaply. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 7);
  }
  return (a >>> 0).toString(16) + (b >>> 0).toString(16);
}

/** A Role's rules are its object's array, the same from one index to the next: written once. */
const rulesTexts = new WeakMap<readonly PolicyRule[], string>();

function rulesText(rules: readonly PolicyRule[]): string {
  let text = rulesTexts.get(rules);
  if (text === undefined) rulesTexts.set(rules, (text = JSON.stringify(rules)));
  return text;
}

/** Each ClusterRole's rules with aggregation applied (transitively; cycles reach a fixpoint). */
export function resolveClusterRoleRules(
  clusterRoles: readonly ClusterRole[],
): Map<string, readonly PolicyRule[]> {
  const rules = new Map<string, PolicyRule[]>();
  for (const role of clusterRoles) {
    rules.set(role.metadata.name, role.aggregationRule ? [] : [...(role.rules ?? [])]);
  }
  const aggregating = clusterRoles.filter((r) => r.aggregationRule);
  const key = (rule: PolicyRule) => JSON.stringify(rule);
  for (let round = 0, changed = true; changed && round <= aggregating.length; round++) {
    changed = false;
    for (const role of aggregating) {
      const own = rules.get(role.metadata.name)!;
      const seen = new Set(own.map(key));
      for (const other of clusterRoles) {
        if (other.metadata.name === role.metadata.name) continue;
        const selectors = role.aggregationRule!.clusterRoleSelectors ?? [];
        if (!selectors.some((s) => selectorMatches(s, other.metadata.labels))) continue;
        for (const rule of rules.get(other.metadata.name)!) {
          if (!seen.has(key(rule))) {
            seen.add(key(rule));
            own.push(rule);
            changed = true;
          }
        }
      }
    }
  }
  return rules;
}

export interface RbacObjects {
  readonly roles: readonly KubeObjectOf<'Role'>[];
  readonly clusterRoles: readonly ClusterRole[];
  readonly roleBindings: readonly KubeObjectOf<'RoleBinding'>[];
  readonly clusterRoleBindings: readonly KubeObjectOf<'ClusterRoleBinding'>[];
}

/** The cluster's RBAC, indexed by subject so a principal's grants are found without a scan. */
export class RbacIndex {
  readonly clusterRoleRules: Map<string, readonly PolicyRule[]>;
  readonly roleRules = new Map<string, readonly PolicyRule[]>();
  private readonly bySubject = new Map<string, Grant[]>();
  /** Users and groups that some binding names (they become vertices of the graph). */
  readonly namedUsers = new Set<string>();
  readonly namedGroups = new Set<string>();
  private roleMemo: Map<string, string> | undefined;
  private subjectMemo: Map<string, string> | undefined;

  constructor(objects: RbacObjects) {
    this.clusterRoleRules = resolveClusterRoleRules(objects.clusterRoles);
    for (const role of objects.roles) {
      this.roleRules.set(`${role.metadata.namespace}/${role.metadata.name}`, role.rules ?? []);
    }
    for (const binding of [...objects.roleBindings, ...objects.clusterRoleBindings]) {
      const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
      const ref = binding.roleRef;
      const rules =
        ref.kind === 'ClusterRole'
          ? this.clusterRoleRules.get(ref.name)
          : this.roleRules.get(`${namespace}/${ref.name}`);
      const role =
        ref.kind === 'ClusterRole' ? `clusterrole/${ref.name}` : `role/${namespace}/${ref.name}`;
      const bindingId = namespace
        ? `rolebinding/${namespace}/${binding.metadata.name}`
        : `clusterrolebinding/${binding.metadata.name}`;
      for (const subject of binding.subjects ?? []) {
        if (subject.kind === 'User') this.namedUsers.add(subject.name);
        if (subject.kind === 'Group') this.namedGroups.add(subject.name);
        // A binding to a role that does not exist grants nothing (the authorizer skips it).
        if (!rules) continue;
        const key = subjectKey(subject, namespace);
        let list = this.bySubject.get(key);
        if (!list) this.bySubject.set(key, (list = []));
        for (const rule of rules) list.push({ rule, namespace, binding: bindingId, role });
      }
    }
  }

  /** Each role's rules as text (`role/ns/name`, `clusterrole/name` aggregated), to see what changed. */
  roleFingerprints(): Map<string, string> {
    if (this.roleMemo) return this.roleMemo;
    const out = (this.roleMemo = new Map<string, string>());
    for (const [key, rules] of this.roleRules) out.set(`role/${key}`, rulesText(rules));
    for (const [name, rules] of this.clusterRoleRules)
      out.set(`clusterrole/${name}`, rulesText(rules));
    return out;
  }

  /** Per subject key (`sa:ns/name`, `user:x`, `group:y`): which bindings and roles reach it. */
  subjectFingerprints(): Map<string, string> {
    if (this.subjectMemo) return this.subjectMemo;
    const roles = this.roleFingerprints();
    const hashes = new Map<string, string>();
    const roleHash = (role: string): string => {
      let h = hashes.get(role);
      if (h === undefined) hashes.set(role, (h = hash(roles.get(role) ?? '')));
      return h;
    };
    const out = (this.subjectMemo = new Map<string, string>());
    for (const [key, grants] of this.bySubject) {
      // A role's text is hashed once, not once per rule of every subject bound to it.
      const parts = new Set(grants.map((g) => `${g.binding}>${g.role}#${roleHash(g.role)}`));
      out.set(key, [...parts].join(','));
    }
    return out;
  }

  /** Subject keys with a grant from one of `roles` (`role/ns/name`, `clusterrole/name`). */
  subjectsOfRoles(roles: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const [key, grants] of this.bySubject) {
      if (grants.some((g) => roles.has(g.role))) out.push(key);
    }
    return out;
  }

  /** Every grant reaching the principal, in binding order (its groups' grants included). */
  grantsOf(principal: Principal): Grant[] {
    return principalKeys(principal).flatMap((key) => this.bySubject.get(key) ?? []);
  }

  /**
   * The grants that name the principal itself, not one of its groups (the graph gives a group's
   * grants to the group's vertex, and the member a free edge to it).
   */
  directGrantsOf(principal: Principal): Grant[] {
    return principalKeys(principal)
      .filter((key) => !key.startsWith('group:') || principal.kind === 'Group')
      .flatMap((key) => this.bySubject.get(key) ?? []);
  }

  /** The groups a service account or user belongs to by the API server's rules. */
  static groupsOf(principal: Principal): string[] {
    return principalKeys(principal)
      .filter((key) => key.startsWith('group:') && principal.kind !== 'Group')
      .map((key) => key.slice('group:'.length));
  }

  /** The authorizer's decision for one request: the grant that allows it, or undefined. */
  authorize(principal: Principal, request: AccessRequest): Grant | undefined {
    return allowingGrant(this.grantsOf(principal), request);
  }
}
