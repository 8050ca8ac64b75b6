// A small shop cluster for the what-if and remediation specs: an exposed web pod, an api, a
// database labelled as a crown jewel, a reporting job whose account reads a secret, and the
// flows telemetry saw between them. NetworkPolicy decides reachability (netpol).
import { AttackGraph } from '../attack-graph';
import type { KubeObject } from '../kube-objects';
import { reachabilityOf } from '../network-reach';
import type { ObservedFlow } from '../observed-flows';

const pod = (name: string, ip: string, app: string, port?: number, extra: object = {}) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app, ...extra } },
  spec: {
    nodeName: 'n1',
    serviceAccountName: name === 'report' ? 'reporter' : 'default',
    containers: [{ name: 'c', ports: port ? [{ containerPort: port, name: 'main' }] : [] }],
  },
  status: { podIP: ip },
});

export function shopObjects(): unknown[] {
  return [
    { kind: 'Namespace', metadata: { name: 'shop' } },
    { kind: 'Node', metadata: { name: 'n1' } },
    { kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' } },
    { kind: 'ServiceAccount', metadata: { name: 'reporter', namespace: 'shop' } },
    { kind: 'Secret', metadata: { name: 'db-creds', namespace: 'shop' } },
    pod('web', '10.0.0.10', 'web', 80),
    pod('api', '10.0.0.11', 'api', 8080),
    pod('db', '10.0.0.12', 'db', 5432, { 'omega.io/crown-jewel': 'true' }),
    pod('report', '10.0.0.13', 'report', 9090),
    {
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] },
    },
    {
      kind: 'Role',
      metadata: { name: 'read-secrets', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    },
    {
      kind: 'RoleBinding',
      metadata: { name: 'reporter-reads', namespace: 'shop' },
      roleRef: { kind: 'Role', name: 'read-secrets' },
      subjects: [
        { kind: 'ServiceAccount', name: 'reporter' },
        { kind: 'User', name: 'alice' },
      ],
    },
  ];
}

export function buildShop(objects: unknown[] = shopObjects()): AttackGraph {
  return AttackGraph.build(objects, {
    reachability: reachabilityOf(AttackGraph.build(objects).objects() as Iterable<KubeObject>),
  });
}

const flow = (from: string, to: string, port: number, count: number): ObservedFlow => ({
  from,
  to,
  port,
  protocol: 'TCP',
  count,
  lastSeenNs: 1_700_000_000_000_000_000n,
});

/** What telemetry saw: web calls api, api calls db, report calls api, a client reaches web. */
export const SHOP_FLOWS: readonly ObservedFlow[] = [
  flow('pod/shop/web', 'pod/shop/api', 8080, 120),
  flow('pod/shop/api', 'pod/shop/db', 5432, 300),
  flow('pod/shop/report', 'pod/shop/api', 8080, 4),
  flow('203.0.113.7', 'pod/shop/web', 80, 9),
];
