// The RBAC authorizer's decisions on the examples of the Kubernetes documentation page "Using RBAC
// Authorization" (kubernetes.io/docs/reference/access-authn-authz/rbac/): its Role, ClusterRole,
// RoleBinding, ClusterRoleBinding, aggregation, resourceNames, subresource, non-resource URL,
// subject and bind examples, each expectation as the page states it.
import type { KubeObjectOf } from './kube-objects';
import { RbacIndex, type AccessRequest, type Principal } from './rbac';

const RBAC = 'rbac.authorization.k8s.io';
type Role = KubeObjectOf<'Role'>;
type ClusterRole = KubeObjectOf<'ClusterRole'>;
type RoleBinding = KubeObjectOf<'RoleBinding'>;
type ClusterRoleBinding = KubeObjectOf<'ClusterRoleBinding'>;

const roles: Role[] = [
  {
    kind: 'Role',
    metadata: { namespace: 'default', name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }],
  },
  {
    kind: 'Role',
    metadata: { namespace: 'default', name: 'pod-and-pod-logs-reader' },
    rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }],
  },
  {
    kind: 'Role',
    metadata: { namespace: 'default', name: 'configmap-updater' },
    rules: [
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['my-configmap'],
        verbs: ['update', 'get'],
      },
    ],
  },
  {
    kind: 'Role',
    metadata: { namespace: 'default', name: 'example.com-superuser' },
    rules: [{ apiGroups: ['example.com'], resources: ['*'], verbs: ['*'] }],
  },
];

const clusterRoles: ClusterRole[] = [
  {
    kind: 'ClusterRole',
    metadata: { name: 'secret-reader' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
  },
  {
    kind: 'ClusterRole',
    metadata: { name: 'monitoring' },
    aggregationRule: {
      clusterRoleSelectors: [
        { matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } },
      ],
    },
    rules: [],
  },
  {
    kind: 'ClusterRole',
    metadata: {
      name: 'monitoring-endpointslices',
      labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' },
    },
    rules: [
      {
        apiGroups: [''],
        resources: ['services', 'endpointslices', 'pods'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  },
  {
    kind: 'ClusterRole',
    metadata: { name: 'healthz' },
    rules: [{ nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get', 'post'] }],
  },
  {
    kind: 'ClusterRole',
    metadata: { name: 'role-grantor' },
    rules: [
      { apiGroups: [RBAC], resources: ['rolebindings'], verbs: ['create'] },
      {
        apiGroups: [RBAC],
        resources: ['clusterroles'],
        verbs: ['bind'],
        resourceNames: ['admin', 'edit', 'view'],
      },
    ],
  },
];

const rb = (
  ns: string,
  name: string,
  role: RoleBinding['roleRef'],
  subjects: RoleBinding['subjects'],
): RoleBinding => ({
  kind: 'RoleBinding',
  metadata: { namespace: ns, name },
  roleRef: role,
  subjects,
});

const roleBindings: RoleBinding[] = [
  rb('default', 'read-pods', { kind: 'Role', name: 'pod-reader' }, [
    { kind: 'User', name: 'jane' },
  ]),
  rb('development', 'read-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, [
    { kind: 'User', name: 'dave' },
  ]),
  rb('default', 'logs', { kind: 'Role', name: 'pod-and-pod-logs-reader' }, [
    { kind: 'User', name: 'lee' },
  ]),
  rb('default', 'cm', { kind: 'Role', name: 'configmap-updater' }, [{ kind: 'User', name: 'cmu' }]),
  rb('default', 'example', { kind: 'Role', name: 'example.com-superuser' }, [
    { kind: 'User', name: 'ex' },
  ]),
  rb('user-1-namespace', 'role-grantor-binding', { kind: 'ClusterRole', name: 'role-grantor' }, [
    { kind: 'User', name: 'user-1' },
  ]),
  rb('qa', 'qa-readers', { kind: 'ClusterRole', name: 'secret-reader' }, [
    { kind: 'Group', name: 'system:serviceaccounts:qa' },
  ]),
  rb('my-namespace', 'my-sa-view', { kind: 'ClusterRole', name: 'monitoring' }, [
    { kind: 'ServiceAccount', name: 'my-sa', namespace: 'my-namespace' },
  ]),
];

const clusterRoleBindings: ClusterRoleBinding[] = [
  {
    kind: 'ClusterRoleBinding',
    metadata: { name: 'read-secrets-global' },
    roleRef: { kind: 'ClusterRole', name: 'secret-reader' },
    subjects: [{ kind: 'Group', name: 'manager' }],
  },
  {
    kind: 'ClusterRoleBinding',
    metadata: { name: 'healthz' },
    roleRef: { kind: 'ClusterRole', name: 'healthz' },
    subjects: [{ kind: 'Group', name: 'system:authenticated' }],
  },
  {
    kind: 'ClusterRoleBinding',
    metadata: { name: 'ghost' },
    roleRef: { kind: 'ClusterRole', name: 'does-not-exist' },
    subjects: [{ kind: 'User', name: 'ghost' }],
  },
];

const rbac = new RbacIndex({ roles, clusterRoles, roleBindings, clusterRoleBindings });
const user = (name: string): Principal => ({ kind: 'User', name });
const sa = (namespace: string, name: string): Principal => ({
  kind: 'ServiceAccount',
  namespace,
  name,
});
const pods = (
  verb: string,
  namespace: string,
  extra: Partial<AccessRequest> = {},
): AccessRequest => ({ verb, apiGroup: '', resource: 'pods', namespace, ...extra });
const secrets = (verb: string, namespace?: string, name?: string): AccessRequest => ({
  verb,
  apiGroup: '',
  resource: 'secrets',
  namespace,
  name,
});

it.each<[string, Principal, AccessRequest, boolean]>([
  // Role example: "grants read access to pods in the default namespace"; RoleBinding to jane.
  ['jane reads pods in default', user('jane'), pods('get', 'default'), true],
  ['jane lists pods in default', user('jane'), pods('list', 'default'), true],
  ['jane may not delete pods in default', user('jane'), pods('delete', 'default'), false],
  ['jane may not read pods in another namespace', user('jane'), pods('get', 'kube-system'), false],
  // ClusterRole bound by a RoleBinding: "dave can only read Secrets in the development namespace".
  ['dave reads secrets in development', user('dave'), secrets('get', 'development'), true],
  ['dave may not read secrets in default', user('dave'), secrets('get', 'default'), false],
  ['dave may not read secrets across namespaces', user('dave'), secrets('list'), false],
  // ClusterRoleBinding: "any user in the group manager can read secrets in any namespace".
  [
    'a manager reads secrets in any namespace',
    { kind: 'Group', name: 'manager' },
    secrets('get', 'kube-system'),
    true,
  ],
  [
    'a manager lists secrets cluster-wide',
    { kind: 'Group', name: 'manager' },
    secrets('list'),
    true,
  ],
  // Subresources: "pods" and "pods/log" both listed.
  ['lee reads pod logs', user('lee'), pods('get', 'default', { subresource: 'log' }), true],
  [
    'jane may not read pod logs ("pods" does not cover "pods/log")',
    user('jane'),
    pods('get', 'default', { subresource: 'log' }),
    false,
  ],
  // resourceNames: only my-configmap; "You cannot restrict create ... by resourceName".
  [
    'update my-configmap',
    user('cmu'),
    {
      verb: 'update',
      apiGroup: '',
      resource: 'configmaps',
      namespace: 'default',
      name: 'my-configmap',
    },
    true,
  ],
  [
    'not another configmap',
    user('cmu'),
    { verb: 'update', apiGroup: '', resource: 'configmaps', namespace: 'default', name: 'other' },
    false,
  ],
  [
    'not a list (no name)',
    user('cmu'),
    { verb: 'list', apiGroup: '', resource: 'configmaps', namespace: 'default' },
    false,
  ],
  // Wildcards: all resources and verbs in example.com, nothing outside it.
  [
    'anything in example.com',
    user('ex'),
    { verb: 'delete', apiGroup: 'example.com', resource: 'widgets', namespace: 'default' },
    true,
  ],
  [
    'a subresource in example.com ("*" matches it)',
    user('ex'),
    {
      verb: 'get',
      apiGroup: 'example.com',
      resource: 'widgets',
      subresource: 'status',
      namespace: 'default',
    },
    true,
  ],
  ['nothing in the core group', user('ex'), pods('get', 'default'), false],
  // Aggregation: monitoring gets monitoring-endpointslices' rules.
  [
    'my-sa gets services through the aggregated ClusterRole',
    sa('my-namespace', 'my-sa'),
    { verb: 'get', apiGroup: '', resource: 'services', namespace: 'my-namespace' },
    true,
  ],
  [
    '... only where it is bound',
    sa('my-namespace', 'my-sa'),
    { verb: 'get', apiGroup: '', resource: 'services', namespace: 'default' },
    false,
  ],
  // Non-resource URLs, granted by ClusterRoleBinding to system:authenticated.
  ['an authenticated user gets /healthz', user('jane'), { verb: 'get', path: '/healthz' }, true],
  [
    '... and /healthz/ready (the * suffix)',
    user('jane'),
    { verb: 'post', path: '/healthz/ready' },
    true,
  ],
  ['... but not /metrics', user('jane'), { verb: 'get', path: '/metrics' }, false],
  [
    'a service account is authenticated too',
    sa('default', 'default'),
    { verb: 'get', path: '/healthz' },
    true,
  ],
  // Subjects: "all service accounts in the qa namespace" (group system:serviceaccounts:qa).
  ['a qa service account reads qa secrets', sa('qa', 'builder'), secrets('get', 'qa'), true],
  ['a dev service account does not', sa('dev', 'builder'), secrets('get', 'qa'), false],
  // Restrictions on role binding: user-1 may create RoleBindings in user-1-namespace and bind
  // admin, edit or view there, and nothing else.
  [
    'user-1 creates rolebindings in its namespace',
    user('user-1'),
    { verb: 'create', apiGroup: RBAC, resource: 'rolebindings', namespace: 'user-1-namespace' },
    true,
  ],
  [
    'user-1 binds edit there',
    user('user-1'),
    {
      verb: 'bind',
      apiGroup: RBAC,
      resource: 'clusterroles',
      namespace: 'user-1-namespace',
      name: 'edit',
    },
    true,
  ],
  [
    'user-1 may not bind cluster-admin',
    user('user-1'),
    {
      verb: 'bind',
      apiGroup: RBAC,
      resource: 'clusterroles',
      namespace: 'user-1-namespace',
      name: 'cluster-admin',
    },
    false,
  ],
  [
    'user-1 may not create clusterrolebindings',
    user('user-1'),
    { verb: 'create', apiGroup: RBAC, resource: 'clusterrolebindings' },
    false,
  ],
  // A binding to a role that does not exist grants nothing.
  [
    'a binding to a missing ClusterRole grants nothing',
    user('ghost'),
    pods('get', 'default'),
    false,
  ],
])('%s', (_what, principal, request, allowed) => {
  expect(rbac.authorize(principal, request) !== undefined).toBe(allowed);
});

it('names the binding and role that allow a request (the evidence an edge carries)', () => {
  expect(rbac.authorize(user('dave'), secrets('get', 'development'))).toMatchObject({
    binding: 'rolebinding/development/read-secrets',
    role: 'clusterrole/secret-reader',
    namespace: 'development',
  });
});

it('lists users and groups that bindings name', () => {
  expect([...rbac.namedGroups].sort()).toEqual([
    'manager',
    'system:authenticated',
    'system:serviceaccounts:qa',
  ]);
  expect(rbac.namedUsers.has('ghost')).toBe(true);
});
