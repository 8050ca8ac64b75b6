// One connection's verdict and its explanation: which policies selected each end, which rule
// decided, the policyTypes defaults, IPv6 ipBlocks, endPort, addresses outside the cluster,
// hostNetwork pods, and the admin layers' order.
import { clusterFromManifests } from './cluster';
import { CompiledCluster } from './compiled-policies';
import { evaluateConnection } from './connection-verdict';

const objects = [
  { kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' } } },
  { kind: 'Namespace', metadata: { name: 'ops' } },
  ...[
    ['shop', 'web', '10.1.0.1', 'fd00::1'],
    ['shop', 'db', '10.1.0.2', 'fd00::2'],
    ['ops', 'probe', '10.2.0.1', 'fd00:2::1'],
  ].map(([namespace, name, ip4, ip6]) => ({
    kind: 'Pod',
    metadata: { namespace, name, labels: { app: name } },
    spec: {
      containers: [
        {
          name: 'main',
          ports: [
            { containerPort: 5432, name: 'pg' },
            { containerPort: 8080, name: 'http' },
          ],
        },
      ],
    },
    status: { podIP: ip4, podIPs: [{ ip: ip4 }, { ip: ip6 }] },
  })),
  {
    kind: 'Pod',
    metadata: { namespace: 'ops', name: 'node-agent', labels: { app: 'agent' } },
    spec: { hostNetwork: true, containers: [{ name: 'main' }] },
    status: { podIP: '192.168.0.10' },
  },
];

function compile(policies: Record<string, unknown>[]): CompiledCluster {
  return new CompiledCluster(clusterFromManifests([...objects, ...policies]));
}

const dbPolicy = {
  kind: 'NetworkPolicy',
  metadata: { namespace: 'shop', name: 'db-from-web' },
  spec: {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }] },
    ],
    // no policyTypes: Ingress by default; the egress list is empty, so not Egress
    egress: [],
  },
};

describe('connection verdicts', () => {
  it('explains an allow: the policy that isolated the destination and the rule, peer and port that admitted', () => {
    const verdict = evaluateConnection(compile([dbPolicy]), {
      from: { pod: 'shop/web' },
      to: { pod: 'shop/db' },
      port: 5432,
    });
    expect(verdict.allowed).toBe(true);
    expect(verdict.ingress).toMatchObject({
      decidedBy: 'NetworkPolicy',
      networkPolicies: ['shop/db-from-web'],
      allowedBy: [
        {
          kind: 'NetworkPolicy',
          policy: 'shop/db-from-web',
          rule: 0,
          peer: 'pods app=web in namespace shop',
          port: 'TCP pg',
        },
      ],
    });
    expect(verdict.egress).toMatchObject({ decidedBy: 'default', networkPolicies: [] });
    expect(verdict.ingress!.reason).toBe(
      'ingress to shop/db from shop/web on TCP 5432: allowed by NetworkPolicy shop/db-from-web (ingress rule 0: pods app=web in namespace shop, TCP pg)',
    );
  });

  it('explains a deny: isolated by which policies, and that no rule of theirs admits', () => {
    const verdict = evaluateConnection(compile([dbPolicy]), {
      from: { pod: 'ops/probe' },
      to: { pod: 'shop/db' },
      port: 5432,
    });
    expect(verdict.allowed).toBe(false);
    expect(verdict.ingress!.reason).toBe(
      'ingress to shop/db from ops/probe on TCP 5432: shop/db is isolated for ingress by NetworkPolicy shop/db-from-web and no rule of theirs admits it',
    );
  });

  it('defaults policyTypes: Ingress always, Egress only when egress rules are present', () => {
    const egressOnly = {
      kind: 'NetworkPolicy',
      metadata: { namespace: 'shop', name: 'web-egress' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
      },
    };
    const compiled = compile([egressOnly]);
    // Ingress is implied: web accepts nothing now, although the policy lists no ingress rule.
    expect(
      evaluateConnection(compiled, {
        from: { pod: 'shop/db' },
        to: { pod: 'shop/web' },
        port: 8080,
      }).ingress!.allowed,
    ).toBe(false);
    expect(
      evaluateConnection(compiled, {
        from: { pod: 'shop/web' },
        to: { pod: 'ops/probe' },
        port: 8080,
      }).egress!.allowed,
    ).toBe(false);
    expect(
      evaluateConnection(compiled, {
        from: { pod: 'shop/web' },
        to: { pod: 'shop/db' },
        port: 5432,
      }).egress!.allowed,
    ).toBe(true);
  });

  it('matches IPv6 ipBlocks with except, and addresses outside the cluster', () => {
    const compiled = compile([
      {
        kind: 'NetworkPolicy',
        metadata: { namespace: 'shop', name: 'web-egress-v6' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                { ipBlock: { cidr: 'fd00::/16', except: ['fd00:2::/32'] } },
                { ipBlock: { cidr: '203.0.113.0/24' } },
              ],
            },
          ],
        },
      },
    ]);
    const from = { pod: 'shop/web' };
    expect(evaluateConnection(compiled, { from, to: { ip: 'fd00::2' }, port: 80 })).toMatchObject({
      to: 'shop/db',
      allowed: true,
    });
    expect(evaluateConnection(compiled, { from, to: { ip: 'fd00:2::1' }, port: 80 })).toMatchObject(
      { to: 'ops/probe', allowed: false },
    );
    const outside = evaluateConnection(compiled, { from, to: { ip: '203.0.113.9' }, port: 443 });
    expect(outside).toMatchObject({ to: '203.0.113.9', allowed: true });
    expect(outside.ingress).toBeUndefined();
    expect(
      evaluateConnection(compiled, { from, to: { ip: '198.51.100.1' }, port: 443 }).allowed,
    ).toBe(false);
  });

  it('admits a port range with endPort, bounds included, for its protocol only', () => {
    const compiled = compile([
      {
        kind: 'NetworkPolicy',
        metadata: { namespace: 'shop', name: 'range' },
        spec: {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ ports: [{ protocol: 'UDP', port: 5000, endPort: 5010 }] }],
        },
      },
    ]);
    const at = (port: number, protocol: 'UDP' | 'TCP') =>
      evaluateConnection(compiled, {
        from: { pod: 'shop/web' },
        to: { pod: 'shop/db' },
        port,
        protocol,
      }).allowed;
    expect([
      at(4999, 'UDP'),
      at(5000, 'UDP'),
      at(5010, 'UDP'),
      at(5011, 'UDP'),
      at(5005, 'TCP'),
    ]).toEqual([false, true, true, false, false]);
  });

  it('flags hostNetwork ends as unenforced', () => {
    const verdict = evaluateConnection(compile([]), {
      from: { pod: 'ops/node-agent' },
      to: { pod: 'shop/web' },
      port: 8080,
    });
    expect(verdict.unenforced).toEqual([
      "source ops/node-agent uses hostNetwork: NetworkPolicy and AdminNetworkPolicy are not enforced on it, and its traffic carries the node's address",
    ]);
  });

  it('orders the admin layers: ANP by priority, Pass hands over to NetworkPolicy, BANP only where no NetworkPolicy selects', () => {
    const compiled = compile([
      dbPolicy,
      {
        kind: 'AdminNetworkPolicy',
        metadata: { name: 'pass-shop' },
        spec: {
          priority: 10,
          subject: { namespaces: { matchLabels: { team: 'shop' } } },
          ingress: [
            {
              name: 'defer-to-owners',
              action: 'Pass',
              from: [{ namespaces: {} }],
              ports: [{ portNumber: { protocol: 'TCP', port: 5432 } }],
            },
          ],
        },
      },
      {
        kind: 'AdminNetworkPolicy',
        metadata: { name: 'deny-ops' },
        spec: {
          priority: 20,
          subject: { namespaces: {} },
          ingress: [
            {
              action: 'Deny',
              from: [
                { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'probe' } } } },
              ],
            },
          ],
        },
      },
      {
        kind: 'BaselineAdminNetworkPolicy',
        metadata: { name: 'default' },
        spec: {
          subject: { namespaces: {} },
          ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }],
        },
      },
    ]);
    const verdict = (from: string, to: string, port: number) =>
      evaluateConnection(compiled, { from: { pod: from }, to: { pod: to }, port }).ingress!;
    // Passed at priority 10 before deny-ops (priority 20) sees it; the NetworkPolicy then denies.
    expect(verdict('ops/probe', 'shop/db', 5432)).toMatchObject({
      allowed: false,
      decidedBy: 'NetworkPolicy',
      adminRule: { policy: 'pass-shop', action: 'Pass', ruleName: 'defer-to-owners' },
    });
    expect(verdict('shop/web', 'shop/db', 5432)).toMatchObject({
      allowed: true,
      decidedBy: 'NetworkPolicy',
    });
    // Not passed (port 8080): deny-ops decides.
    expect(verdict('ops/probe', 'shop/db', 8080)).toMatchObject({
      allowed: false,
      decidedBy: 'AdminNetworkPolicy',
      adminRule: { policy: 'deny-ops', action: 'Deny' },
    });
    // shop/web has no NetworkPolicy: the baseline denies.
    expect(verdict('shop/db', 'shop/web', 8080)).toMatchObject({
      allowed: false,
      decidedBy: 'BaselineAdminNetworkPolicy',
      baselineRule: { policy: 'default', rule: 0 },
    });
    expect(verdict('ops/probe', 'shop/db', 8080).reason).toBe(
      'ingress to shop/db from ops/probe on TCP 8080: AdminNetworkPolicy deny-ops (priority 20) denies it (ingress rule 0: pods app=probe in namespaces <all>, any port)',
    );
  });

  it('matches admin egress networks against outside addresses and pod addresses; nodes peers match nothing here', () => {
    const compiled = compile([
      {
        kind: 'AdminNetworkPolicy',
        metadata: { name: 'no-exfil' },
        spec: {
          priority: 5,
          subject: { namespaces: { matchLabels: { team: 'shop' } } },
          egress: [
            { action: 'Allow', to: [{ nodes: {} }] },
            {
              name: 'documentation-nets',
              action: 'Deny',
              to: [{ networks: ['203.0.113.0/24', '10.2.0.0/16'] }],
            },
          ],
        },
      },
    ]);
    const from = { pod: 'shop/web' };
    expect(
      evaluateConnection(compiled, { from, to: { ip: '203.0.113.7' }, port: 443 }).egress,
    ).toMatchObject({
      allowed: false,
      decidedBy: 'AdminNetworkPolicy',
      adminRule: {
        policy: 'no-exfil',
        rule: 1,
        ruleName: 'documentation-nets',
        peer: 'networks 203.0.113.0/24, 10.2.0.0/16',
      },
    });
    expect(
      evaluateConnection(compiled, { from, to: { pod: 'ops/probe' }, port: 443 }).allowed,
    ).toBe(false);
    expect(
      evaluateConnection(compiled, { from, to: { ip: '198.51.100.7' }, port: 443 }).egress!
        .decidedBy,
    ).toBe('default');
  });

  it('refuses an unknown pod and a port out of range', () => {
    const compiled = compile([]);
    expect(() =>
      evaluateConnection(compiled, { from: { pod: 'shop/nope' }, to: { pod: 'shop/db' }, port: 1 }),
    ).toThrow("from.pod: no pod 'shop/nope' in the cluster (write namespace/name)");
    expect(() =>
      evaluateConnection(compiled, {
        from: { pod: 'shop/web' },
        to: { pod: 'shop/db' },
        port: 70000,
      }),
    ).toThrow('port: 70000 is not a port number (1-65535)');
  });
});
