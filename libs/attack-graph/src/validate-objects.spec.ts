// Bad input is refused with an error naming the object and the field (or the unknown kind).
import { AttackGraph } from './attack-graph';
import { OBJECT_LIMITS, validateObject } from './validate-objects';

const pod = (spec: object) => ({ kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec });

it.each<[string, unknown, string]>([
  [
    'an unknown kind, by name',
    { kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
    "Deployment shop/web: kind: unknown kind 'Deployment'; the attack graph reads Node, Namespace, Pod,",
  ],
  ['a missing name', { kind: 'Node', metadata: {} }, 'Node ?: metadata.name: required'],
  [
    'a namespaced object without a namespace',
    { kind: 'Secret', metadata: { name: 's' } },
    'Secret s: metadata.namespace: required',
  ],
  [
    'a namespace on a cluster-scoped object',
    { kind: 'ClusterRole', metadata: { name: 'x', namespace: 'a' } },
    'ClusterRole a/x: metadata.namespace: a ClusterRole is cluster-scoped and has no namespace',
  ],
  [
    'a pod without containers',
    pod({ containers: [] }),
    'Pod shop/web: spec.containers: must list at least one container',
  ],
  [
    'a string where a boolean goes',
    pod({ hostPID: 'yes', containers: [{ name: 'c' }] }),
    'Pod shop/web: spec.hostPID: must be true or false, got string',
  ],
  [
    'a bad capability list',
    pod({ containers: [{ name: 'c', securityContext: { capabilities: { add: 'SYS_ADMIN' } } }] }),
    'Pod shop/web: spec.containers[0].securityContext.capabilities.add: must be a list, got string',
  ],
  [
    'a hostPath without a path',
    pod({ containers: [{ name: 'c' }], volumes: [{ name: 'h', hostPath: {} }] }),
    'Pod shop/web: spec.volumes[0].hostPath.path: required',
  ],
  [
    'a rule without verbs',
    { kind: 'Role', metadata: { name: 'r', namespace: 'a' }, rules: [{ resources: ['pods'] }] },
    'Role a/r: rules[0].verbs: required',
  ],
  [
    'a ClusterRoleBinding to a Role',
    { kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' } },
    'ClusterRoleBinding b: roleRef.kind: must be one of ClusterRole, got "Role"',
  ],
  [
    'a service account subject of a ClusterRoleBinding without namespace',
    {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { kind: 'ClusterRole', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'x' }],
    },
    'ClusterRoleBinding b: subjects[0].namespace: required for a ServiceAccount in a ClusterRoleBinding',
  ],
  [
    'a bad selector operator',
    {
      kind: 'ClusterRole',
      metadata: { name: 'x' },
      aggregationRule: {
        clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }],
      },
    },
    'ClusterRole x: aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist, got "Near"',
  ],
  [
    'too many items',
    {
      kind: 'Role',
      metadata: { name: 'r', namespace: 'a' },
      rules: Array.from({ length: OBJECT_LIMITS.items + 1 }, () => ({ verbs: ['get'] })),
    },
    `Role a/r: rules: ${OBJECT_LIMITS.items + 1} items, more than ${OBJECT_LIMITS.items}`,
  ],
  ['not an object', 'kind: Pod', 'object: (top level): must be an object, got string'],
])('refuses %s', (_what, raw, message) => {
  expect(() => validateObject(raw)).toThrow(message);
});

it("keeps a Secret's metadata and type only: its values are never held", () => {
  const secret = validateObject({
    kind: 'Secret',
    metadata: { name: 's', namespace: 'a' },
    type: 'Opaque',
    data: { password: 'aHVudGVyMg==' },
    stringData: { token: 'x' },
  });
  expect(secret).toEqual({
    kind: 'Secret',
    metadata: { name: 's', namespace: 'a' },
    type: 'Opaque',
  });
});

it('gives namespaced manifests the default namespace when asked, as kubectl apply does', () => {
  const secret = validateObject(
    { kind: 'Secret', metadata: { name: 's' } },
    { defaultNamespace: 'default' },
  );
  expect(secret.metadata.namespace).toBe('default');
});

it('takes an empty list the API server writes as null (an aggregated ClusterRole not yet filled)', () => {
  // As kube-apiserver v1.34 answers `admin` before the aggregation controller has run.
  const admin = {
    kind: 'ClusterRole',
    metadata: { name: 'admin' },
    aggregationRule: {
      clusterRoleSelectors: [
        { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } },
      ],
    },
    rules: null,
  };
  expect(validateObject(admin).kind).toBe('ClusterRole');
  expect(AttackGraph.build([admin]).hasVertex('clusterrole/admin')).toBe(true);
});

it('keeps the last good graph when a change is refused', () => {
  const graph = AttackGraph.build([
    pod({ containers: [{ name: 'c', securityContext: { privileged: true } }], nodeName: 'n1' }),
    { kind: 'Node', metadata: { name: 'n1' } },
  ]);
  const before = graph.edges();
  expect(() => graph.apply({ type: 'upsert', object: pod({ containers: 'c' }) })).toThrow(
    'Pod shop/web: spec.containers: must be a list',
  );
  expect(() => graph.apply({ type: 'delete', kind: 'Deployment', name: 'x' })).toThrow(
    "unknown kind 'Deployment'",
  );
  expect(graph.edges()).toEqual(before);
});

it('refuses an object past maxObjects, naming it and the limit, and keeps replacing existing ones', () => {
  const node = (name: string) => ({ kind: 'Node', metadata: { name } });
  const graph = AttackGraph.build([node('a'), node('b')], { maxObjects: 2 });
  expect(() => graph.apply({ type: 'upsert', object: node('c') })).toThrow(
    'attack graph: Node c refused: the graph holds 2 objects, its limit (maxObjects)',
  );
  graph.apply({
    type: 'upsert',
    object: { ...node('a'), metadata: { name: 'a', labels: { x: 'y' } } },
  });
  expect(graph.vertex('node/a')?.labels).toEqual({ x: 'y' });
  expect(() => AttackGraph.build([node('a'), node('b'), node('c')], { maxObjects: 2 })).toThrow(
    'its limit (maxObjects)',
  );
});
