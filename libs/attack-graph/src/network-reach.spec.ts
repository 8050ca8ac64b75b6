// Network reachability from netpol's matrices, above the twin's old 2,000-pod cap: a 3,000-pod
// cluster, default-allow but for a few namespaces' policies, checked against netpol's
// per-connection verdicts (evaluateConnection) on sampled pairs and on whole sampled rows.
import { CompiledCluster, evaluateConnection } from '@omega/netpol';
import { AttackGraph } from './attack-graph';
import type { KubeObject, PodObject } from './kube-objects';
import { netpolCluster, netpolReachability } from './netpol-bridge';
import { networkEdges } from './network-edges';
import { NetworkReach } from './network-reach';

const NAMESPACES = 30;
const PODS_PER_NAMESPACE = 100;

function clusterObjects(): unknown[] {
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
function sampler(seed: number): (bound: number) => number {
  let state = seed;
  return (bound) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % bound;
  };
}

describe('NetworkReach at 3,000 pods (above the old 2,000-pod cap)', () => {
  const objects = [...AttackGraph.build(clusterObjects()).objects()] as KubeObject[];
  const pods = objects.filter((o): o is PodObject => o.kind === 'Pod');
  const reach = NetworkReach.of(objects);
  const compiled = new CompiledCluster(netpolCluster(objects));
  const ref = (p: PodObject) => `${p.metadata.namespace}/${p.metadata.name}`;

  it('holds 3,000 pods and one matrix per declared (port, protocol)', () => {
    expect(pods).toHaveLength(3_000);
    expect(reach.portGroups).toBe(3);
  });

  it('answers like evaluateConnection on 2,000 sampled pairs, each declared port', () => {
    const next = sampler(19);
    let allowed = 0;
    let denied = 0;
    for (let i = 0; i < 2_000; i++) {
      const from = pods[next(pods.length)]!;
      const to = pods[next(pods.length)]!;
      for (const c of to.spec.containers) {
        for (const p of c.ports ?? []) {
          const protocol = p.protocol ?? 'TCP';
          const verdict = evaluateConnection(compiled, {
            from: { pod: ref(from) },
            to: { pod: ref(to) },
            port: p.containerPort,
            protocol,
          }).allowed;
          expect([
            ref(from),
            ref(to),
            p.containerPort,
            reach.allowed(ref(from), ref(to), { port: p.containerPort, protocol }),
          ]).toEqual([ref(from), ref(to), p.containerPort, verdict]);
          if (verdict) allowed++;
          else denied++;
        }
      }
    }
    // Both answers occur: the sample exercises the policies, not only default allow.
    expect(allowed).toBeGreaterThan(1_000);
    expect(denied).toBeGreaterThan(20);
  });

  it('draws a sampled pod’s network edges exactly as the per-connection verdicts do', () => {
    const brute = netpolReachability(compiled);
    const next = sampler(7);
    const sources = [pods[0]!, pods[150]!, pods[250]!, pods[401]!];
    for (let i = 0; i < 4; i++) sources.push(pods[next(pods.length)]!);
    for (const source of sources) {
      const expected = networkEdges(undefined, source, pods, brute)
        .map((e) => e.id)
        .sort();
      const got = reach
        .edgesFrom(source)
        .map((e) => e.id)
        .sort();
      expect({ source: ref(source), edges: got }).toEqual({ source: ref(source), edges: expected });
    }
    // team-4 is deny-all: its pods reach nothing and the others reach none of them.
    expect(reach.edgesFrom(pods[401]!)).toEqual([]);
    expect(reach.neighbours('team-0/pod-0')).not.toContain('team-4/pod-1');
    // Everyone but itself, team-4's 100 and team-1's 20 app-1 pods (they admit team-1's app-0 only).
    expect(reach.neighbours('team-0/pod-0')).toHaveLength(3_000 - 1 - 100 - 20);
  });
});
