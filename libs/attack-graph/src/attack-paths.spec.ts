// Attack paths on a small cluster whose paths are worked out by hand: an Ingress exposes a
// privileged web pod; its node also runs a pod whose account may read the payments secrets.
import { AttackGraph } from './attack-graph';
import { crownJewels, cutAttackPaths, findAttackPaths } from './attack-paths';

const pod = (ns: string, name: string, spec: object, labels: Record<string, string> = {}) => ({
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'img' }], ...spec },
});

const CLUSTER = [
  { kind: 'Node', metadata: { name: 'n1' } },
  { kind: 'Namespace', metadata: { name: 'shop' } },
  { kind: 'Namespace', metadata: { name: 'payments' } },
  { kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' } },
  { kind: 'ServiceAccount', metadata: { name: 'db-reader', namespace: 'payments' } },
  pod(
    'shop',
    'web',
    { containers: [{ name: 'c', securityContext: { privileged: true } }] },
    { app: 'web' },
  ),
  pod('payments', 'reporter', { serviceAccountName: 'db-reader' }),
  {
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  },
  {
    kind: 'Ingress',
    metadata: { name: 'public', namespace: 'shop' },
    spec: { rules: [{ http: { paths: [{ backend: { service: { name: 'web' } } }] } }] },
  },
  { kind: 'Secret', metadata: { name: 'db-creds', namespace: 'payments' } },
  {
    kind: 'Role',
    metadata: { name: 'read-secrets', namespace: 'payments' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
  },
  {
    kind: 'RoleBinding',
    metadata: { name: 'reporter-reads', namespace: 'payments' },
    roleRef: { kind: 'Role', name: 'read-secrets' },
    subjects: [{ kind: 'ServiceAccount', name: 'db-reader' }],
  },
];

const graph = AttackGraph.build(CLUSTER);
const SECRET = 'secret/payments/db-creds';

it('ranks the path through the most exploitable escape first and explains each step', () => {
  const [best] = findAttackPaths(graph, { targets: [SECRET] });
  expect(best!.nodeIds).toEqual([
    'external',
    'pod/shop/web',
    'node/n1',
    'serviceaccount/payments/db-reader',
    SECRET,
  ]);
  expect(best!.steps.map((s) => [s.attack, s.techniqueId, s.evidence])).toEqual([
    ['ENDPOINT_EXPLOIT', 'T1190', 'ingress/shop/public → service/shop/web (Ingress)'],
    ['CE_PRIV_MOUNT', 'T1611', 'pod/shop/web (privileged)'],
    ['TOKEN_STEAL', 'T1552.001', 'pod/payments/reporter'],
    [
      'SECRET_READ',
      'T1552.007',
      'rolebinding/payments/reporter-reads (role/payments/read-secrets)',
    ],
  ]);
  expect(best!.attackTechniqueIds).toEqual(['T1190', 'T1611', 'T1552.001', 'T1552.007']);
  // exploitability 0.3 · 0.9 · 0.95 · 0.9 (README table) times the secret's criticality 0.7
  expect(best!.risk).toBeCloseTo(0.3 * 0.9 * 0.95 * 0.9 * 0.7, 10);
});

it('gives the other escapes as the next paths, in order of exploitability', () => {
  const paths = findAttackPaths(graph, { targets: [SECRET], maxPaths: 5 });
  expect(paths.map((p) => p.steps[1]!.attack)).toEqual(['CE_PRIV_MOUNT', 'CE_MODULE_LOAD']);
  expect(paths[0]!.risk).toBeGreaterThan(paths[1]!.risk);
});

it('stops at maxDepth and refuses unbounded or unknown queries', () => {
  expect(findAttackPaths(graph, { targets: [SECRET], maxDepth: 3 })).toEqual([]);
  expect(() => findAttackPaths(graph, { maxPaths: 1000 })).toThrow(
    'attack paths: maxPaths must be an integer in 1..100, got 1000',
  );
  expect(() => findAttackPaths(graph, { sources: ['pod/shop/ghost'] })).toThrow(
    "attack paths: source 'pod/shop/ghost' is not a vertex of the graph",
  );
});

it('starts from a given pod, and uses only the attacks allowed', () => {
  const fromReporter = findAttackPaths(graph, {
    sources: ['pod/payments/reporter'],
    targets: [SECRET],
  });
  expect(fromReporter[0]!.steps.map((s) => s.attack)).toEqual(['TOKEN_STEAL', 'SECRET_READ']);
  expect(
    findAttackPaths(graph, { targets: [SECRET], attacks: ['ENDPOINT_EXPLOIT', 'TOKEN_STEAL'] }),
  ).toEqual([]);
});

it('counts secrets, kube-system and cluster-admin among the crown jewels by default', () => {
  expect(crownJewels(graph)).toEqual([SECRET]);
  const labelled = AttackGraph.build([
    ...CLUSTER,
    pod('shop', 'ledger', {}, { 'omega.io/crown-jewel': 'true' }),
    { kind: 'Namespace', metadata: { name: 'kube-system' } },
    { kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [] },
  ]);
  expect(crownJewels(labelled)).toEqual([
    'clusterrole/cluster-admin',
    'namespace/kube-system',
    'pod/shop/ledger',
    SECRET,
  ]);
});

it('cuts every path with one edge: the exposure nearest the attacker', () => {
  const cut = cutAttackPaths(graph, { targets: [SECRET] });
  expect(cut.size).toBe(1);
  expect(cut.edges.map((e) => e.id)).toEqual(['external->pod/shop/web:ENDPOINT_EXPLOIT:0']);
  const vertices = cutAttackPaths(graph, { targets: [SECRET], vertices: true });
  expect(vertices).toMatchObject({ size: 1, vertexIds: ['pod/shop/web'] });
});

it('moves the one-edge cut past the node once a second exposed pod escapes to it', () => {
  // Two exposures and five escapes now enter n1; everything leaves it through the one token theft.
  const wider = AttackGraph.build([
    ...CLUSTER,
    pod('shop', 'admin', {
      hostPID: true,
      containers: [
        {
          name: 'c',
          securityContext: { privileged: true },
          ports: [{ containerPort: 9000, hostPort: 9000 }],
        },
      ],
    }),
  ]);
  const cut = cutAttackPaths(wider, { targets: [SECRET] });
  expect(cut.size).toBe(1);
  expect(cut.edges.map((e) => e.id)).toEqual([
    'node/n1->serviceaccount/payments/db-reader:TOKEN_STEAL:0',
  ]);
  const exposuresOnly = cutAttackPaths(wider, { targets: ['node/n1'] });
  expect(exposuresOnly.edges.map((e) => e.id).sort()).toEqual([
    'external->pod/shop/admin:ENDPOINT_EXPLOIT:0',
    'external->pod/shop/web:ENDPOINT_EXPLOIT:0',
  ]);
});
