// Path queries over implicit network edges (ImplicitNetworkView): the same paths as the graph with
// one NETWORK_REACH edge per allowed pair, and at 3,000 pods (above the twin's old cap) network
// paths whose length and steps match netpol's per-connection verdicts on sampled pairs.
import { CompiledCluster, evaluateConnection } from '@omega/netpol';
import { AttackGraph } from './attack-graph';
import { cutAttackPaths, findAttackPaths, type AttackPathResult } from './attack-paths';
import type { KubeObject, PodObject } from './kube-objects';
import { netpolCluster } from './netpol-bridge';
import { ImplicitNetworkView } from './network-paths';
import { reachabilityOf } from './network-reach';
import { reachClusterObjects, sampler } from './testing/reach-cluster';
import { buildShop, shopObjects } from './testing/shop-cluster';

const summary = (paths: AttackPathResult[]) =>
  paths.map((p) => `${p.risk.toFixed(12)} ${p.edges.map((e) => e.id).join(' ')}`).sort();

describe('ImplicitNetworkView', () => {
  it('finds the shop’s paths exactly as the graph with per-pair network edges does', () => {
    const explicit = buildShop();
    const implicit = new ImplicitNetworkView(AttackGraph.build(shopObjects()));
    for (const query of [
      { maxPaths: 100 },
      { sources: ['pod/shop/web'], targets: ['pod/shop/db'], maxPaths: 100 },
      { sources: ['pod/shop/web'], maxPaths: 100, attacks: ['NETWORK_REACH' as const] },
    ]) {
      const want = findAttackPaths(explicit, query);
      expect(want.some((p) => p.steps.some((s) => s.attack === 'NETWORK_REACH'))).toBe(true);
      expect(summary(findAttackPaths(implicit, query))).toEqual(summary(want));
    }
  });

  it('keeps its matrices across a change that is not a network object, and follows one that is', () => {
    const graph = AttackGraph.build(shopObjects());
    const view = new ImplicitNetworkView(graph);
    const query = { sources: ['pod/shop/report'], targets: ['pod/shop/db'], maxPaths: 100 };
    const before = view.implicitNetwork();
    const direct = 'pod/shop/report->pod/shop/db:NETWORK_REACH:5432/TCP';
    expect(findAttackPaths(view, query).some((p) => p.edges[0]!.id === direct)).toBe(true);
    const port = { port: 5432, protocol: 'TCP' } as const;
    expect(before.allowed('shop/report', 'shop/db', port)).toBe(true);
    graph.apply({
      type: 'upsert',
      object: { kind: 'Secret', metadata: { name: 'x', namespace: 'shop' } },
    });
    expect(view.implicitNetwork()).toBe(before);
    graph.apply({
      type: 'upsert',
      object: {
        kind: 'NetworkPolicy',
        metadata: { name: 'db-deny', namespace: 'shop' },
        spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] },
      },
    });
    expect(view.implicitNetwork().allowed('shop/report', 'shop/db', port)).toBe(false);
    // db admits nobody now: no path ends with a network step into it.
    const after = findAttackPaths(view, query);
    expect(
      after.some((p) =>
        p.edges.some((e) => e.toNodeId === 'pod/shop/db' && e.attack === 'NETWORK_REACH'),
      ),
    ).toBe(false);
    const explicit = AttackGraph.build([...graph.objects()], {
      reachability: reachabilityOf(graph.objects()),
    });
    expect(summary(after)).toEqual(summary(findAttackPaths(explicit, query)));
  });

  it('refuses a cut it cannot make exactly yet', () => {
    const implicit = new ImplicitNetworkView(AttackGraph.build(shopObjects()));
    expect(() => cutAttackPaths(implicit)).toThrow(/implicit network edges.*not built yet/);
  });

  describe('at 3,000 pods, against netpol verdicts on sampled pairs', () => {
    const graph = AttackGraph.build(reachClusterObjects());
    const view = new ImplicitNetworkView(graph);
    const objects = [...graph.objects()] as KubeObject[];
    const pods = objects.filter((o): o is PodObject => o.kind === 'Pod');
    const compiled = new CompiledCluster(netpolCluster(objects));
    const ref = (p: PodObject) => `${p.metadata.namespace}/${p.metadata.name}`;
    const byRef = new Map(pods.map((p) => [ref(p), p]));
    /** Whether `from` may connect to some port `to` declares, by evaluateConnection. */
    const reaches = (from: PodObject, to: PodObject) =>
      from !== to &&
      to.spec.containers.some((c) =>
        (c.ports ?? []).some(
          (p) =>
            evaluateConnection(compiled, {
              from: { pod: ref(from) },
              to: { pod: ref(to) },
              port: p.containerPort,
              protocol: p.protocol ?? 'TCP',
            }).allowed,
        ),
      );
    /** Fewest network hops from a to b, brute force through verdicts (1, 2, or undefined). */
    const hops = (a: PodObject, b: PodObject) => {
      if (reaches(a, b)) return 1;
      for (const c of pods) if (c !== a && c !== b && reaches(a, c) && reaches(c, b)) return 2;
      return undefined;
    };

    it('has 3,000 pods, more than the old reachabilityMaxPods (2,000)', () => {
      expect(pods).toHaveLength(3_000);
      expect(graph.edges().some((e) => e.attack === 'NETWORK_REACH')).toBe(false);
    });

    it('finds the shortest network path of each sampled pair, each step allowed by netpol', () => {
      const next = sampler(23);
      const pairs: [string, string][] = [
        ['team-0/pod-0', 'team-1/pod-1'], // team-1's app-1 admits team-1's app-0 only: 2 hops
        ['team-1/pod-5', 'team-1/pod-6'], // app-0 → app-1 on http: 1 hop
        ['team-4/pod-3', 'team-0/pod-9'], // team-4 is deny-all: none
        ['team-0/pod-2', 'team-4/pod-5'],
        ['team-2/pod-3', 'team-5/pod-1'], // team-2 may only egress to tier=db (team-3): 2 hops
        ['team-2/pod-88', 'team-1/pod-21'], // team-2 → team-3 → team-1 app-0 → app-1: 3 hops
      ];
      for (let i = 0; i < 25; i++) {
        pairs.push([ref(pods[next(pods.length)]!), ref(pods[next(pods.length)]!)]);
      }
      const lengths = new Set<number | string | undefined>();
      for (const [a, b] of pairs) {
        if (a === b) continue;
        const paths = findAttackPaths(view, {
          sources: [`pod/${a}`],
          targets: [`pod/${b}`],
          attacks: ['NETWORK_REACH'],
          maxPaths: 1,
        });
        // No path of 1 or 2 hops: none at all when team-4 (deny-all) is an end, else a longer
        // one (team-2 egresses to team-3 only, so team-2 → team-1's app-1 takes 3).
        const short = hops(byRef.get(a)!, byRef.get(b)!);
        const isolated = a.startsWith('team-4/') || b.startsWith('team-4/');
        const got = paths[0]?.edges.length;
        const expected = short ?? (isolated ? undefined : 'at least 3');
        lengths.add(expected);
        expect({ a, b, hops: got !== undefined && got >= 3 ? 'at least 3' : got }).toEqual({
          a,
          b,
          hops: expected,
        });
        for (const e of paths[0]?.edges ?? []) {
          const [from, to] = [e.fromNodeId.slice(4), e.toNodeId.slice(4)];
          const verdict = evaluateConnection(compiled, {
            from: { pod: from },
            to: { pod: to },
            port: e.port,
            protocol: e.id.endsWith('/UDP') ? 'UDP' : 'TCP',
          });
          expect({ step: e.id, allowed: verdict.allowed }).toEqual({ step: e.id, allowed: true });
        }
      }
      expect(lengths).toEqual(new Set([1, 2, 'at least 3', undefined]));
    });
  });
});
