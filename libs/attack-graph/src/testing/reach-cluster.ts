// The 3,000-pod cluster of the network reachability specs: 30 namespaces of 100 pods (8080/TCP
// "http" on each, 53/UDP "dns" on every tenth, 5432/TCP "pg" on every seventh), default-allow but
// for three namespaces' policies.
const NAMESPACES = 30;
const PODS_PER_NAMESPACE = 100;

export function reachClusterObjects(): unknown[] {
  const out: unknown[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${n}`;
    out.push({
      kind: 'Namespace',
      metadata: { name: ns, labels: { tier: n % 3 === 0 ? 'db' : 'app' } },
    });
    for (let p = 0; p < PODS_PER_NAMESPACE; p++) {
      const ports = [{ containerPort: 8080, name: 'http' }];
      if (p % 10 === 0) ports.push({ containerPort: 53, name: 'dns', protocol: 'UDP' } as never);
      if (p % 7 === 0) ports.push({ containerPort: 5432, name: 'pg' });
      out.push({
        kind: 'Pod',
        metadata: { namespace: ns, name: `pod-${p}`, labels: { app: `app-${p % 5}` } },
        spec: { containers: [{ name: 'c', ports }] },
        status: { podIP: `10.${n}.${p >> 8}.${(p & 255) + 1}` },
      });
    }
  }
  // A few namespaces are not default-allow: ingress only from same-namespace app-0 on the named
  // port, egress only to tier=db namespaces, and a deny-all.
  out.push({
    kind: 'NetworkPolicy',
    metadata: { namespace: 'team-1', name: 'web-only' },
    spec: {
      podSelector: { matchLabels: { app: 'app-1' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'app-0' } } }], ports: [{ port: 'http' }] },
      ],
    },
  });
  out.push({
    kind: 'NetworkPolicy',
    metadata: { namespace: 'team-2', name: 'egress-db' },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { tier: 'db' } } }] }],
    },
  });
  out.push({
    kind: 'NetworkPolicy',
    metadata: { namespace: 'team-4', name: 'deny-all' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  return out;
}

/** A seeded linear congruential generator: the same samples every run. */
export function sampler(seed: number): (bound: number) => number {
  let state = seed;
  return (bound) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % bound;
  };
}
