// Implicit network reachability kept current change by change: after every change of seeded random
// sequences (every kind the graph reads, NetworkPolicies with pod, namespace and port selectors
// among them), the view's matrices (NetworkReach.apply) answer every pod pair on every declared
// port as a fresh NetworkReach.of the same objects does, and as netpol's evaluateConnection.
import { CompiledCluster, evaluateConnection } from '@omega/netpol';
import { AttackGraph } from './attack-graph';
import type { PodObject } from './kube-objects';
import { netpolCluster } from './netpol-bridge';
import { ImplicitNetworkView } from './network-paths';
import { NetworkReach } from './network-reach';
import { RandomCluster, seededRandom } from './testing/random-cluster';

type Obj = { kind: string; metadata: { name: string; namespace?: string } };
const keyOf = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** A NetworkPolicy with selectors and ports, beside RandomCluster's default-deny ones. */
function policy(random: () => number): Obj {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const peer = pick([
    { podSelector: { matchLabels: { app: pick(['a', 'b']) } } },
    { namespaceSelector: { matchLabels: { team: pick(['t0', 't1']) } } },
    { namespaceSelector: {}, podSelector: { matchLabels: { app: pick(['a', 'b']) } } },
    { ipBlock: { cidr: '10.0.0.0/8' } },
  ]);
  const rule = {
    [pick(['from', 'to'])]: [peer],
    ...(random() < 0.5 ? { ports: [{ port: 80 }] } : {}),
  };
  const direction = 'from' in rule ? 'ingress' : 'egress';
  return {
    kind: 'NetworkPolicy',
    metadata: { name: `sel${Math.floor(random() * 3)}`, namespace: pick(['ns0', 'ns1']) },
    spec: {
      podSelector: random() < 0.3 ? {} : { matchLabels: { app: pick(['a', 'b']) } },
      policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
      [direction]: [rule],
    },
  } as Obj;
}

function differences(graph: AttackGraph, kept: NetworkReach): string[] {
  const objects = [...graph.objects()];
  const fresh = NetworkReach.of(objects);
  const compiled = new CompiledCluster(netpolCluster(objects));
  const pods = objects.filter((o): o is PodObject => o.kind === 'Pod');
  const ref = (p: PodObject) => `${p.metadata.namespace}/${p.metadata.name}`;
  const out: string[] = [];
  for (const from of pods) {
    for (const to of pods) {
      for (const group of fresh.portGroupList()) {
        const port = { port: group.port, protocol: group.protocol };
        const truth = evaluateConnection(compiled, {
          from: { pod: ref(from) },
          to: { pod: ref(to) },
          ...port,
        }).allowed;
        const got = kept.allowed(ref(from), ref(to), port);
        if (got !== truth || fresh.allowed(ref(from), ref(to), port) !== truth) {
          out.push(`${ref(from)} → ${ref(to)} ${group.port}: kept ${got}, truth ${truth}`);
        }
      }
    }
    const n = kept.neighbours(ref(from));
    if (JSON.stringify(n) !== JSON.stringify(fresh.neighbours(ref(from)))) {
      out.push(`neighbours of ${ref(from)}: ${n.join(' ')}`);
    }
  }
  return out;
}

describe('implicit network reachability kept change by change', () => {
  it.each([1, 2, 3, 4])(
    'equals a fresh build after each of 150 random changes (seed %i)',
    (seed) => {
      const cluster = new RandomCluster(seed);
      const random = seededRandom(seed * 7919);
      const objects = new Map<string, Obj>();
      for (let i = 0; i < 40; i++) {
        const o = cluster.object();
        objects.set(keyOf(o), o);
      }
      const graph = AttackGraph.build([...objects.values()]);
      const view = new ImplicitNetworkView(graph);
      const reach = view.implicitNetwork();
      let applied = 0;
      for (let step = 0; step < 150; step++) {
        if (cluster.deletes() && objects.size > 0) {
          const victim = cluster.pickOf([...objects.values()]);
          objects.delete(keyOf(victim));
          graph.apply({ type: 'delete', kind: victim.kind, ...victim.metadata });
        } else {
          const o = random() < 0.2 ? policy(random) : cluster.object();
          objects.set(keyOf(o), o);
          graph.apply({ type: 'upsert', object: o });
        }
        const kept = view.implicitNetwork();
        if (kept === reach) applied++;
        const found = differences(graph, kept);
        if (found.length > 0) {
          expect({ seed, step, found: found.slice(0, 10) }).toEqual({ seed, step, found: [] });
        }
      }
      // The matrices were updated in place, not rebuilt, for the whole sequence.
      expect(applied).toBe(150);
    },
  );
});
