// Network reachability from netpol's matrices, above the twin's old 2,000-pod cap: a 3,000-pod
// cluster, default-allow but for a few namespaces' policies, checked against netpol's
// per-connection verdicts (evaluateConnection) on sampled pairs and on whole sampled rows.
import { CompiledCluster, evaluateConnection } from '@omega/netpol';
import { AttackGraph } from './attack-graph';
import type { KubeObject, PodObject } from './kube-objects';
import { netpolCluster, netpolReachability } from './netpol-bridge';
import { networkEdges } from './network-edges';
import { NetworkReach } from './network-reach';
import { reachClusterObjects as clusterObjects, sampler } from './testing/reach-cluster';

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
