// A generated cluster for bench/twin, seeded: namespaces of deployments (pods sharing a service
// account, a Service, some exposed through NodePort, LoadBalancer or Ingress), per-node agents
// in kube-system with host mounts, a few risky workloads (privileged, hostPID, hostNetwork,
// capabilities), and RBAC shaped like a real cluster's: the default ClusterRoles (admin, edit and
// view aggregated by label, cluster-admin), controllers' ClusterRoleBindings, CI and monitoring
// accounts with cluster-wide rights, teams bound to edit in their namespaces, per-app Roles.

/** mulberry32 */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RBAC = 'rbac.authorization.k8s.io';

export function generateCluster({
  pods = 10_000,
  podsPerDeployment = 10,
  deploymentsPerNamespace = 10,
  nodes = 100,
  seed = 1,
} = {}) {
  const random = seeded(seed);
  const chance = (p) => random() < p;
  const objects = [];
  const nodeNames = Array.from({ length: nodes }, (_, i) => `node-${i}`);
  for (const name of nodeNames)
    objects.push({ kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });

  // Default ClusterRoles: aggregated admin/edit/view, cluster-admin, and ~50 controller roles.
  const agg = (name) => ({ [`rbac.authorization.k8s.io/aggregate-to-${name}`]: 'true' });
  objects.push(
    {
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin' },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'admin' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: agg('admin') }] },
      rules: [],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'edit', labels: agg('admin') },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: agg('edit') }] },
      rules: [],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'view', labels: { ...agg('edit'), ...agg('admin') } },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: agg('view') }] },
      rules: [],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'system:aggregate-to-admin', labels: agg('admin') },
      rules: [
        {
          apiGroups: [RBAC],
          resources: ['rolebindings', 'roles'],
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        },
      ],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'system:aggregate-to-edit', labels: agg('edit') },
      rules: [
        {
          apiGroups: [''],
          resources: [
            'pods',
            'pods/attach',
            'pods/exec',
            'pods/portforward',
            'pods/proxy',
            'secrets',
            'services',
            'configmaps',
            'serviceaccounts',
          ],
          verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'],
        },
        { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
      ],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'system:aggregate-to-view', labels: agg('view') },
      rules: [
        {
          apiGroups: [''],
          resources: ['pods', 'pods/log', 'services', 'configmaps', 'endpoints'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
  );
  for (let i = 0; i < 50; i++) {
    objects.push({
      kind: 'ClusterRole',
      metadata: { name: `system:controller:c${i}` },
      rules: [
        {
          apiGroups: ['', 'apps'],
          resources: [['pods', 'deployments', 'replicasets', 'endpoints', 'events'][i % 5]],
          verbs: ['get', 'list', 'watch', ...(i % 3 === 0 ? ['create', 'delete'] : [])],
        },
      ],
    });
    objects.push({
      kind: 'ClusterRoleBinding',
      metadata: { name: `system:controller:c${i}` },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: `system:controller:c${i}` },
      subjects: [{ kind: 'ServiceAccount', name: `c${i}-controller`, namespace: 'kube-system' }],
    });
    objects.push({
      kind: 'ServiceAccount',
      metadata: { name: `c${i}-controller`, namespace: 'kube-system' },
    });
  }
  objects.push(
    {
      kind: 'ClusterRole',
      metadata: { name: 'secrets-reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'ci-deployer' },
      rules: [
        {
          apiGroups: ['', 'apps'],
          resources: ['pods', 'deployments'],
          verbs: ['create', 'patch', 'update'],
        },
      ],
    },
    {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'monitoring-secrets' },
      roleRef: { kind: 'ClusterRole', name: 'secrets-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }],
    },
    {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ci' },
      roleRef: { kind: 'ClusterRole', name: 'ci-deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'runner', namespace: 'ci' }],
    },
    {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'platform-admins' },
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [
        { kind: 'Group', name: 'platform-admins' },
        { kind: 'ServiceAccount', name: 'argocd', namespace: 'argocd' },
      ],
    },
    {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:node' },
      roleRef: { kind: 'ClusterRole', name: 'system:controller:c0' },
      subjects: [{ kind: 'Group', name: 'system:nodes' }],
    },
  );

  // `pods` in all: two agents per node and three platform pods, the rest in team namespaces.
  const teamPods = pods - 2 * nodes - 3;
  const namespaces = Math.ceil(teamPods / (podsPerDeployment * deploymentsPerNamespace));
  const nsNames = [
    'kube-system',
    'monitoring',
    'ci',
    'argocd',
    ...Array.from({ length: namespaces }, (_, i) => `team-${i}`),
  ];
  for (const ns of nsNames) {
    objects.push({
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
    });
    objects.push({ kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
  }
  for (const [ns, sa] of [
    ['monitoring', 'prometheus'],
    ['ci', 'runner'],
    ['argocd', 'argocd'],
  ]) {
    objects.push({ kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
    objects.push(pod(ns, `${sa}-0`, sa, nodeNames[Math.floor(random() * nodes)], {}, { app: sa }));
  }
  // Per-node agents: a log shipper mounting /var/log, a CSI agent mounting the kubelet's directory.
  objects.push(
    { kind: 'ServiceAccount', metadata: { name: 'log-shipper', namespace: 'kube-system' } },
    { kind: 'ServiceAccount', metadata: { name: 'csi-node', namespace: 'kube-system' } },
  );
  for (const node of nodeNames) {
    objects.push(
      pod(
        'kube-system',
        `log-shipper-${node}`,
        'log-shipper',
        node,
        { volumes: [['logs', '/var/log', true]] },
        { app: 'log-shipper' },
      ),
    );
    objects.push(
      pod(
        'kube-system',
        `csi-node-${node}`,
        'csi-node',
        node,
        { privileged: true, volumes: [['kubelet', '/var/lib/kubelet', false]] },
        { app: 'csi-node' },
      ),
    );
  }
  const groups = ['dev', 'qa', 'sre'];
  let made = 0;
  for (let n = 0; n < namespaces && made < teamPods; n++) {
    const ns = `team-${n}`;
    objects.push({
      kind: 'RoleBinding',
      metadata: { name: 'team-edit', namespace: ns },
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', name: `${groups[n % 3]}-${n % 20}` }],
    });
    objects.push({
      kind: 'RoleBinding',
      metadata: { name: 'team-view', namespace: ns },
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'system:authenticated' }]
        .slice(0, n % 10 === 0 ? 1 : 0)
        .concat([{ kind: 'User', name: `lead-${n}` }]),
    });
    for (let d = 0; d < deploymentsPerNamespace && made < teamPods; d++) {
      const app = `app-${d}`;
      objects.push({ kind: 'ServiceAccount', metadata: { name: app, namespace: ns } });
      for (let s = 0; s < 2; s++)
        objects.push({
          kind: 'Secret',
          metadata: { name: `${app}-secret-${s}`, namespace: ns },
          type: 'Opaque',
        });
      if (chance(0.2))
        objects.push({
          kind: 'Secret',
          metadata: {
            name: `${app}-token`,
            namespace: ns,
            annotations: { 'kubernetes.io/service-account.name': app },
          },
          type: 'kubernetes.io/service-account-token',
        });
      const type = chance(0.05) ? 'LoadBalancer' : chance(0.05) ? 'NodePort' : 'ClusterIP';
      objects.push({
        kind: 'Service',
        metadata: { name: app, namespace: ns },
        spec: { type, selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
      });
      if (chance(0.1))
        objects.push({
          kind: 'Ingress',
          metadata: { name: app, namespace: ns },
          spec: {
            rules: [
              { http: { paths: [{ backend: { service: { name: app, port: { number: 80 } } } }] } },
            ],
          },
        });
      const role = chance(0.3)
        ? [
            'debugger',
            [
              { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
              { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
            ],
          ]
        : chance(0.3)
          ? [
              'config-reader',
              [
                {
                  apiGroups: [''],
                  resources: ['secrets'],
                  verbs: ['get'],
                  resourceNames: [`${app}-secret-0`],
                },
              ],
            ]
          : chance(0.1)
            ? [
                'binder',
                [
                  { apiGroups: [RBAC], resources: ['rolebindings'], verbs: ['create'] },
                  { apiGroups: [RBAC], resources: ['roles'], verbs: ['bind'] },
                ],
              ]
            : ['lister', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }]];
      objects.push({
        kind: 'Role',
        metadata: { name: `${app}-${role[0]}`, namespace: ns },
        rules: role[1],
      });
      objects.push({
        kind: 'RoleBinding',
        metadata: { name: `${app}-${role[0]}`, namespace: ns },
        roleRef: { kind: 'Role', name: `${app}-${role[0]}` },
        subjects: [{ kind: 'ServiceAccount', name: app }],
      });
      const risky = {
        privileged: chance(0.02),
        hostPID: chance(0.01),
        hostNetwork: chance(0.02),
        caps: chance(0.03) ? ['SYS_ADMIN'] : chance(0.02) ? ['NET_ADMIN'] : [],
        volumes: chance(0.03) ? [['host', chance(0.5) ? '/etc' : '/data', chance(0.5)]] : [],
      };
      for (let r = 0; r < podsPerDeployment && made < teamPods; r++, made++) {
        objects.push(
          pod(ns, `${app}-${r}`, app, nodeNames[Math.floor(random() * nodes)], risky, { app }, [
            { containerPort: 8080, name: 'http' },
          ]),
        );
      }
    }
  }
  return objects;
}

function pod(
  ns,
  name,
  serviceAccountName,
  nodeName,
  { privileged = false, hostPID = false, hostNetwork = false, caps = [], volumes = [] },
  labels,
  ports = [],
) {
  return {
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, uid: `${ns}-${name}` },
    spec: {
      nodeName,
      serviceAccountName,
      hostPID,
      hostNetwork,
      containers: [
        {
          name: 'main',
          image: `registry.example/${labels.app}:1.0`,
          securityContext: { privileged, capabilities: { add: caps } },
          ports,
          volumeMounts: [
            ...volumes.map(([vname, , readOnly]) => ({
              name: vname,
              mountPath: `/host/${vname}`,
              readOnly,
            })),
            {
              name: 'kube-api-access',
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
            },
          ],
        },
      ],
      volumes: [
        ...volumes.map(([vname, path]) => ({ name: vname, hostPath: { path } })),
        {
          name: 'kube-api-access',
          projected: { sources: [{ serviceAccountToken: { path: 'token' } }] },
        },
      ],
    },
  };
}
