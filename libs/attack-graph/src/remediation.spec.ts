// Cuts as verified patches on the shop cluster: the cut nearest the attacker, written as
// NetworkPolicies that keep every other connection, and RBAC patches that drop one subject.
import { CompiledCluster, evaluateConnection } from '@omega/netpol';
import { parse } from 'yaml';
import { netpolCluster } from './netpol-bridge';
import { proposeRemediation, type NetworkPolicyPatch, type RbacPatch } from './remediation';
import { buildShop, SHOP_FLOWS, shopObjects } from './testing/shop-cluster';

const PODS = ['web', 'api', 'db', 'report'];
const PORTS: [number, 'TCP' | 'UDP'][] = [
  [80, 'TCP'],
  [8080, 'TCP'],
  [5432, 'TCP'],
  [9090, 'TCP'],
  [53, 'UDP'],
];

/** Every pod pair on every port, as netpol decides on the objects given. */
function matrix(objects: unknown[]): Map<string, boolean> {
  const compiled = new CompiledCluster(netpolCluster(objects as never));
  const out = new Map<string, boolean>();
  for (const from of PODS) {
    for (const to of PODS) {
      for (const [port, protocol] of PORTS) {
        const v = evaluateConnection(compiled, {
          from: { pod: `shop/${from}` },
          to: { pod: `shop/${to}` },
          port,
          protocol,
        });
        out.set(`${from}>${to}:${protocol}/${port}`, v.allowed);
      }
    }
    const outside = evaluateConnection(compiled, {
      from: { ip: '203.0.113.7' },
      to: { pod: `shop/${from}` },
      port: 80,
    });
    out.set(`outside>${from}:TCP/80`, outside.allowed);
  }
  return out;
}

describe('proposeRemediation', () => {
  it('cuts the web pod off the three pods it could attack, keeping every other connection, and names the flow that breaks', () => {
    const graph = buildShop();
    const r = proposeRemediation(graph, { observedFlows: SHOP_FLOWS });
    expect(r.closesAllPaths).toBe(true);
    expect(r.diagnostics).toEqual([]);
    const policies = r.patches as NetworkPolicyPatch[];
    expect(
      policies.map((p) => [p.type, p.direction, p.edges.map((e) => e.id), p.alsoCloses]),
    ).toEqual([
      ['NetworkPolicy', 'ingress', ['pod/shop/web->pod/shop/api:NETWORK_REACH:8080/TCP'], []],
      ['NetworkPolicy', 'ingress', ['pod/shop/web->pod/shop/db:NETWORK_REACH:5432/TCP'], []],
      ['NetworkPolicy', 'ingress', ['pod/shop/web->pod/shop/report:NETWORK_REACH:9090/TCP'], []],
    ]);
    expect(r.brokenFlows.map((b) => `${b.flow.from}>${b.flow.to}:${b.flow.port}`)).toEqual([
      'pod/shop/web>pod/shop/api:8080',
    ]);
    // Exactly the three cut connections change, on every port tried, the outside included.
    const before = matrix(shopObjects());
    const after = matrix([...shopObjects(), ...policies.map((p) => parse(p.yaml) as object)]);
    const changed = [...before]
      .filter(([k, v]) => after.get(k) !== v)
      .map(([k]) => k)
      .sort();
    expect(changed).toEqual(['web>api:TCP/8080', 'web>db:TCP/5432', 'web>report:TCP/9090']);
  });

  it('removes the reporter from its binding when that is the cheaper cut, with a guarded JSON patch', () => {
    const graph = buildShop();
    const r = proposeRemediation(graph, {
      sources: ['pod/shop/report'],
      targets: ['secret/shop/db-creds'],
    });
    expect(r.closesAllPaths).toBe(true);
    const [patch] = r.patches as RbacPatch[];
    expect(r.patches).toHaveLength(1);
    expect(patch!.binding).toBe('rolebinding/shop/reporter-reads');
    expect(patch!.jsonPatch).toEqual([
      { op: 'test', path: '/subjects/0/name', value: 'reporter' },
      { op: 'remove', path: '/subjects/0' },
    ]);
    expect((patch!.edited as { subjects: unknown[] }).subjects).toEqual([
      { kind: 'User', name: 'alice' },
    ]);
  });

  it('proposes nothing, and says why, when only pod-spec edges separate source and target', () => {
    const graph = buildShop();
    const r = proposeRemediation(graph, {
      sources: ['pod/shop/report'],
      targets: ['serviceaccount/shop/reporter'],
    });
    expect(r.patches).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['no-patchable-cut']);
  });

  it('never proposes a policy for a pod already isolated (it could only add), and says so', () => {
    const isolating = {
      kind: 'NetworkPolicy',
      metadata: { name: 'lock', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
    };
    const graph = buildShop([...shopObjects(), isolating]);
    const r = proposeRemediation(graph, { sources: ['pod/shop/web'], targets: ['pod/shop/db'] });
    expect(r.patches).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual([
      'both-ends-isolated',
      'both-ends-isolated',
      'both-ends-isolated',
    ]);
  });

  it('drops an RBAC patch that verification shows leaves its edge (a second binding grants the same), and says why', () => {
    const second = {
      kind: 'RoleBinding',
      metadata: { name: 'zz-also-reads', namespace: 'shop' },
      roleRef: { kind: 'Role', name: 'read-secrets' },
      subjects: [{ kind: 'ServiceAccount', name: 'reporter' }],
    };
    const graph = buildShop([...shopObjects(), second]);
    const r = proposeRemediation(graph, {
      sources: ['pod/shop/report'],
      targets: ['secret/shop/db-creds'],
    });
    expect(r.patches).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'RBAC patch of rolebinding/shop/reporter-reads is not proposed: the edge serviceaccount/shop/reporter->secret/shop/db-creds:SECRET_READ:0 is still there after it',
    ]);
  });

  it('names the connections a policy closes besides the cut: a replica sharing every label of the cut pod', () => {
    const replica = {
      kind: 'Pod',
      metadata: { name: 'web-copy', namespace: 'shop', labels: { app: 'web', copy: 'yes' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
      status: { podIP: '10.0.0.20' },
    };
    const graph = buildShop([...shopObjects(), replica]);
    const r = proposeRemediation(graph, { sources: ['pod/shop/web'], targets: ['pod/shop/db'] });
    // The cut nearest the attacker: web's three edges, one policy on each destination.
    const policies = r.patches as NetworkPolicyPatch[];
    expect(policies.map((p) => [p.edges.map((e) => e.id), p.alsoCloses])).toEqual([
      [
        ['pod/shop/web->pod/shop/api:NETWORK_REACH:8080/TCP'],
        ['pod/shop/web-copy->pod/shop/api:NETWORK_REACH:8080/TCP'],
      ],
      [
        ['pod/shop/web->pod/shop/db:NETWORK_REACH:5432/TCP'],
        ['pod/shop/web-copy->pod/shop/db:NETWORK_REACH:5432/TCP'],
      ],
      [
        ['pod/shop/web->pod/shop/report:NETWORK_REACH:9090/TCP'],
        ['pod/shop/web-copy->pod/shop/report:NETWORK_REACH:9090/TCP'],
      ],
    ]);
    expect(r.closesAllPaths).toBe(true);
  });

  it('cuts on the source with an egress policy when the destination is already isolated, keeping the rest', () => {
    const dbAdmits = {
      kind: 'NetworkPolicy',
      metadata: { name: 'db-admits', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'web' } } },
              { podSelector: { matchLabels: { app: 'api' } } },
            ],
          },
        ],
      },
    };
    const objects = [...shopObjects(), dbAdmits];
    const r = proposeRemediation(buildShop(objects), {
      sources: ['pod/shop/web'],
      targets: ['pod/shop/db'],
    });
    const policies = r.patches as NetworkPolicyPatch[];
    expect(r.closesAllPaths).toBe(true);
    const db = policies.find((p) =>
      p.edges.some((e) => e.id === 'pod/shop/web->pod/shop/db:NETWORK_REACH:5432/TCP'),
    )!;
    expect(db.direction).toBe('egress');
    expect((db.manifest as { spec: { podSelector: unknown } }).spec.podSelector).toEqual({
      matchLabels: { app: 'web' },
    });
    const before = matrix(objects);
    const after = matrix([...objects, ...policies.map((p) => parse(p.yaml) as object)]);
    const changed = [...before]
      .filter(([k, v]) => after.get(k) !== v)
      .map(([k]) => k)
      .sort();
    expect(changed).toEqual(
      policies
        .flatMap((p) =>
          p.edges.map((e) => {
            const m = /^pod\/shop\/(\w+)->pod\/shop\/(\w+):NETWORK_REACH:(\d+)\/(\w+)$/.exec(e.id)!;
            return `${m[1]}>${m[2]}:${m[4]}/${m[3]}`;
          }),
        )
        .sort(),
    );
  });
});
