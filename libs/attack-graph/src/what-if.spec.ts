// What-if on the shop cluster: each change kind's closed paths and broken flows, checked by hand
// and against a full rebuild of the cluster with the change written into its objects.
import { stringify } from 'yaml';
import { AttackGraph } from './attack-graph';
import { findAttackPaths } from './attack-paths';
import { buildShop, SHOP_FLOWS, shopObjects } from './testing/shop-cluster';
import { simulateWhatIf } from './what-if';

const dbFrom = (app: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'db-ingress', namespace: 'shop' },
  spec: {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app } } }], ports: [{ port: 5432 }] }],
  },
});

const ids = (edges: { id: string }[]) => edges.map((e) => e.id).sort();
const into = (g: { edges(): { id: string; toNodeId: string; attack?: string }[] }, to: string) =>
  ids(g.edges().filter((e) => e.toNodeId === to && e.attack === 'NETWORK_REACH'));

describe('simulateWhatIf', () => {
  it('a NetworkPolicy admitting only the api to the database closes the web and report hops and breaks no observed flow', () => {
    const graph = buildShop();
    const before = graph.edges();
    const r = simulateWhatIf(
      graph,
      [{ kind: 'APPLY_NETWORK_POLICY', manifestYaml: stringify(dbFrom('api')) }],
      {
        observedFlows: SHOP_FLOWS,
      },
    );
    expect(into(r.after, 'pod/shop/db')).toEqual([
      'pod/shop/api->pod/shop/db:NETWORK_REACH:5432/TCP',
    ]);
    expect(r.brokenFlows).toEqual([]);
    // Every closed path used web→db or report→db; none left does.
    for (const p of r.closedPaths) {
      expect(p.edges.some((e) => /(web|report)->pod\/shop\/db/.test(e.id))).toBe(true);
    }
    expect(r.closedPaths.length).toBeGreaterThan(0);
    for (const p of r.remainingPaths)
      expect(p.edges.some((e) => /(web|report)->pod\/shop\/db/.test(e.id))).toBe(false);
    expect(r.riskAfter).toBeLessThan(r.riskBefore);
    // The live graph is untouched.
    expect(graph.edges()).toEqual(before);
    // The overlay equals a full rebuild of the cluster with the policy in it.
    const rebuilt = buildShop([...shopObjects(), dbFrom('api')]);
    expect(ids(r.after.edges())).toEqual(ids(rebuilt.edges()));
  });

  it('a policy admitting only the web pod breaks the api → db flow telemetry saw, named with its count', () => {
    const r = simulateWhatIf(
      buildShop(),
      [{ kind: 'APPLY_NETWORK_POLICY', manifestYaml: JSON.stringify(dbFrom('web')) }],
      {
        observedFlows: SHOP_FLOWS,
      },
    );
    expect(r.brokenFlows.map((b) => [b.flow.from, b.flow.to, b.edge.observedCount])).toEqual([
      ['pod/shop/api', 'pod/shop/db', 300n],
    ]);
    expect(r.brokenFlows[0]!.edge.sourceObject).toBe('NetworkPolicy change(s) changes[0]');
  });

  it('deleting a NetworkPolicy reopens what it closed, as a rebuild without it has', () => {
    const graph = buildShop([...shopObjects(), dbFrom('api')]);
    const r = simulateWhatIf(graph, [
      { kind: 'DELETE_NETWORK_POLICY', targetNodeId: 'networkpolicy/shop/db-ingress' },
    ]);
    expect(ids(r.after.edges())).toEqual(ids(buildShop().edges()));
    expect(r.riskAfter).toBeGreaterThan(r.riskBefore);
  });

  it('isolating the api closes every path through it and breaks the three flows that touch it', () => {
    const graph = buildShop();
    const r = simulateWhatIf(graph, [{ kind: 'ISOLATE', targetNodeId: 'pod/shop/api' }], {
      observedFlows: SHOP_FLOWS,
    });
    expect(r.brokenFlows.map((b) => b.change)).toEqual([0, 0, 0]);
    expect(r.brokenFlows.map((b) => `${b.flow.from}>${b.flow.to}`)).toEqual([
      'pod/shop/web>pod/shop/api',
      'pod/shop/api>pod/shop/db',
      'pod/shop/report>pod/shop/api',
    ]);
    expect(r.closedPaths.every((p) => p.nodeIds.includes('pod/shop/api'))).toBe(true);
    expect(r.remainingPaths.some((p) => p.nodeIds.includes('pod/shop/api'))).toBe(false);
    expect(
      r.after.edges().filter((e) => e.attack === 'NETWORK_REACH' && e.id.includes('shop/api')),
    ).toEqual([]);
  });

  it('revoking one subject of a binding (by the edge it makes) leaves the other subject its access, as a rebuild does', () => {
    const graph = buildShop();
    const edge = 'serviceaccount/shop/reporter->secret/shop/db-creds:SECRET_READ:0';
    const r = simulateWhatIf(graph, [{ kind: 'REVOKE_BINDING', edgeId: edge }]);
    const objects = shopObjects().map((o) =>
      (o as { kind: string }).kind === 'RoleBinding'
        ? { ...(o as object), subjects: [{ kind: 'User', name: 'alice' }] }
        : o,
    );
    expect(ids(r.after.edges())).toEqual(ids(buildShop(objects).edges()));
    expect(
      r.after.edges().some((e) => e.id === 'user/alice->secret/shop/db-creds:SECRET_READ:0'),
    ).toBe(true);
    expect(r.closedPaths.length).toBeGreaterThan(0);
    expect(r.closedPaths.every((p) => p.edges.some((e) => e.id === edge))).toBe(true);
    expect(graph.edges().some((e) => e.id === edge)).toBe(true);
  });

  it('revoking a whole binding by name removes every grant it made', () => {
    const r = simulateWhatIf(buildShop(), [
      { kind: 'REVOKE_BINDING', targetNodeId: 'rolebinding/shop/reporter-reads' },
    ]);
    // The role's and the namespace's own vertices (what binding them would give) keep theirs.
    expect(ids(r.after.edges().filter((e) => e.attack === 'SECRET_READ'))).toEqual([
      'namespace/shop->secret/shop/db-creds:SECRET_READ:0',
      'role/shop/read-secrets->secret/shop/db-creds:SECRET_READ:0',
    ]);
  });

  it('blocking a pod address cuts its outgoing network edges; blocking an outside range breaks only its flows', () => {
    const graph = buildShop();
    const web = simulateWhatIf(graph, [{ kind: 'BLOCK_SOURCE', cidr: '10.0.0.10' }], {
      observedFlows: SHOP_FLOWS,
    });
    expect(
      web.after
        .edges()
        .filter((e) => e.fromNodeId === 'pod/shop/web' && e.attack === 'NETWORK_REACH'),
    ).toEqual([]);
    expect(web.brokenFlows.map((b) => b.flow.to)).toEqual(['pod/shop/api']);
    expect(web.remainingPaths).toEqual([]);
    const outside = simulateWhatIf(graph, [{ kind: 'BLOCK_SOURCE', cidr: '203.0.113.0/24' }], {
      observedFlows: SHOP_FLOWS,
    });
    expect(outside.brokenFlows.map((b) => b.flow.from)).toEqual(['203.0.113.7']);
    expect(outside.closedPaths).toEqual([]);
    expect(outside.diagnostics.map((d) => d.code)).toEqual(['external-stays']);
    const all = simulateWhatIf(graph, [{ kind: 'BLOCK_SOURCE', cidr: '0.0.0.0/0' }]);
    expect(all.remainingPaths).toEqual([]);
  });

  it('removing one edge closes exactly the paths that used it', () => {
    const graph = buildShop();
    const edge = 'pod/shop/web->pod/shop/db:NETWORK_REACH:5432/TCP';
    const r = simulateWhatIf(graph, [{ kind: 'REMOVE_EDGE', edgeId: edge }], {
      observedFlows: SHOP_FLOWS,
    });
    expect(r.closedPaths.every((p) => p.edges.some((e) => e.id === edge))).toBe(true);
    // Of the ten paths before, three use it (risks 0.09, 0.0162 and 0.0048).
    expect(r.closedPaths.map((p) => p.risk.toFixed(4))).toEqual(['0.0900', '0.0162', '0.0048']);
    expect(r.brokenFlows).toEqual([]);
  });

  it('refuses bad changes with the change and field named', () => {
    const g = buildShop();
    const policy = (spec: object) => stringify({ ...dbFrom('api'), spec });
    const bad: [object, string | RegExp][] = [
      [
        { kind: 'APPLY_NETWORK_POLICY', manifestYaml: 'a: [1' },
        /changes\[0\]\.manifestYaml: not YAML \(line 1/,
      ],
      [
        { kind: 'APPLY_NETWORK_POLICY', manifestYaml: stringify({ kind: 'Pod' }) },
        'changes[0].manifestYaml.kind: must be NetworkPolicy, got "Pod"',
      ],
      [
        {
          kind: 'APPLY_NETWORK_POLICY',
          manifestYaml: policy({
            podSelector: {},
            ingress: [{ ports: [{ port: 90, endPort: 80 }] }],
          }),
        },
        /changes\[0\]\.manifestYaml: NetworkPolicy shop\/db-ingress: spec\.ingress\[0\]\.ports\[0\]\.endPort/,
      ],
      [
        { kind: 'APPLY_NETWORK_POLICY', manifestYaml: 'x'.repeat(70_000) },
        /changes\[0\]\.manifestYaml: 70000 bytes/,
      ],
      [
        { kind: 'DELETE_NETWORK_POLICY', targetNodeId: 'networkpolicy/shop/none' },
        /no NetworkPolicy 'networkpolicy\/shop\/none'/,
      ],
      [
        { kind: 'ISOLATE', targetNodeId: 'pod/shop/nope' },
        /changes\[0\]\.targetNodeId: 'pod\/shop\/nope' is not a pod/,
      ],
      [
        { kind: 'BLOCK_SOURCE', cidr: '10.0.0.0/33' },
        /changes\[0\]\.cidr: '10.0.0.0\/33' is not an address or a CIDR/,
      ],
      [
        { kind: 'REVOKE_BINDING', edgeId: 'external->pod/shop/web:ENDPOINT_EXPLOIT:0' },
        /evidence 'service\/shop\/web \(NodePort\)' is not a RoleBinding/,
      ],
      [{ kind: 'REMOVE_EDGE', edgeId: 'a->b:X:0' }, /no edge 'a->b:X:0'/],
    ];
    for (const [change, message] of bad) {
      expect(() => simulateWhatIf(g, [change as never])).toThrow(message);
    }
    expect(() => simulateWhatIf(g, [])).toThrow('changes: 0 given, 1 to 64 allowed');
  });

  it('leaves the live graph usable for incremental changes after a fork', () => {
    const graph = buildShop();
    simulateWhatIf(graph, [
      { kind: 'REVOKE_BINDING', targetNodeId: 'rolebinding/shop/reporter-reads' },
    ]);
    graph.apply({ type: 'delete', kind: 'Pod', namespace: 'shop', name: 'web' });
    const objects = shopObjects().filter(
      (o) =>
        (o as { metadata: { name: string } }).metadata.name !== 'web' ||
        (o as { kind: string }).kind !== 'Pod',
    );
    expect(ids(graph.edges()).filter((id) => !id.includes('NETWORK_REACH'))).toEqual(
      ids(AttackGraph.build(objects).edges()),
    );
  });

  it('a fork and its graph change apart, either way, each as a rebuild of its own objects does', () => {
    const graph = buildShop();
    const fork = graph.fork();
    const before = ids(graph.edges());
    fork.apply({ type: 'delete', kind: 'RoleBinding', namespace: 'shop', name: 'reporter-reads' });
    expect(ids(graph.edges())).toEqual(before);
    graph.apply({ type: 'delete', kind: 'Secret', namespace: 'shop', name: 'db-creds' });
    const noBinding = shopObjects().filter((o) => (o as { kind: string }).kind !== 'RoleBinding');
    expect(ids(fork.edges())).toEqual(ids(buildShop(noBinding).edges()));
    const noSecret = shopObjects().filter((o) => (o as { kind: string }).kind !== 'Secret');
    expect(ids(graph.edges())).toEqual(ids(buildShop(noSecret).edges()));
  });

  it('finds, after a change, the same paths as a rebuilt graph (the graph’s path arrays reused, hidden arcs closed)', () => {
    const graph = buildShop();
    findAttackPaths(graph); // the arrays are built and cached before the what-if reuses them
    const edge = 'serviceaccount/shop/reporter->secret/shop/db-creds:SECRET_READ:0';
    const revoked = simulateWhatIf(graph, [{ kind: 'REVOKE_BINDING', edgeId: edge }]);
    const objects = shopObjects().map((o) =>
      (o as { kind: string }).kind === 'RoleBinding'
        ? { ...(o as object), subjects: [{ kind: 'User', name: 'alice' }] }
        : o,
    );
    const pathIds = (paths: { edges: { id: string }[] }[]) =>
      paths.map((p) => p.edges.map((e) => e.id).join(' '));
    expect(pathIds(revoked.remainingPaths)).toEqual(pathIds(findAttackPaths(buildShop(objects))));
    const policy = simulateWhatIf(graph, [
      { kind: 'APPLY_NETWORK_POLICY', manifestYaml: stringify(dbFrom('api')) },
    ]);
    expect(pathIds(policy.remainingPaths)).toEqual(
      pathIds(findAttackPaths(buildShop([...shopObjects(), dbFrom('api')]))),
    );
    // The graph's own answer is unchanged afterwards (weights restored).
    expect(pathIds(findAttackPaths(graph))).toEqual(pathIds(findAttackPaths(buildShop())));
  });

  it('warns that isolating a host-network pod with a NetworkPolicy would cut nothing in the cluster', () => {
    const objects = shopObjects().map((o) =>
      (o as { metadata: { name: string }; kind: string }).kind === 'Pod' &&
      (o as { metadata: { name: string } }).metadata.name === 'api'
        ? { ...(o as object), spec: { ...(o as { spec: object }).spec, hostNetwork: true } }
        : o,
    );
    const r = simulateWhatIf(buildShop(objects), [
      { kind: 'ISOLATE', targetNodeId: 'pod/shop/api' },
    ]);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([['host-network', 'changes[0]']]);
    const plain = simulateWhatIf(buildShop(), [{ kind: 'ISOLATE', targetNodeId: 'pod/shop/api' }]);
    expect(plain.diagnostics).toEqual([]);
  });
});
