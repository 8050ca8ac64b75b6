// Test-only: a graph source over a synthetic cluster (the live Kubernetes graph is wired elsewhere).
import { AttackGraph } from '@omega/attack-graph';
import { syntheticCluster, syntheticReachability } from '@omega/twin-env';
import type { GraphSource } from '../env-rpc';

export function fixtureGraphSource(namespaces = 3, workersPerNamespace = 3): GraphSource {
  const graph = AttackGraph.build(syntheticCluster({ namespaces, workersPerNamespace, seed: 7n }), {
    reachability: syntheticReachability,
  });
  return { current: () => graph };
}
