// Incremental updates: after each of a seeded sequence of random adds, edits and deletes, the graph
// kept up to date one change at a time equals a graph built from scratch from the same objects.
import { AttackGraph, type AttackGraphOptions } from './attack-graph';
import type { PodReachability } from './network-edges';
import { RandomCluster } from './testing/random-cluster';

type Obj = { kind: string; metadata: { name: string; namespace?: string } };
const keyOf = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function snapshot(graph: AttackGraph): { vertices: unknown[]; edges: unknown[] } {
  return { vertices: graph.vertices(), edges: graph.edges() };
}

function runSequence(seed: number, steps: number, options: AttackGraphOptions): number {
  const random = new RandomCluster(seed);
  const objects = new Map<string, Obj>();
  for (let i = 0; i < 40; i++) {
    const o = random.object();
    objects.set(keyOf(o), o);
  }
  const graph = AttackGraph.build([...objects.values()], options);
  expect(snapshot(graph)).toEqual(snapshot(AttackGraph.build([...objects.values()], options)));
  let edgesSeen = 0;
  for (let step = 0; step < steps; step++) {
    if (random.deletes() && objects.size > 0) {
      const victim = random.pickOf([...objects.values()]);
      objects.delete(keyOf(victim));
      graph.apply({
        type: 'delete',
        kind: victim.kind,
        namespace: victim.metadata.namespace,
        name: victim.metadata.name,
      });
    } else {
      const o = random.object();
      objects.set(keyOf(o), o);
      graph.apply({ type: 'upsert', object: o });
    }
    const incremental = snapshot(graph);
    const rebuilt = snapshot(AttackGraph.build([...objects.values()], options));
    if (JSON.stringify(incremental, bigints) !== JSON.stringify(rebuilt, bigints)) {
      // Fail with the step that diverged and a readable diff.
      expect({ seed, step, ...incremental }).toEqual({ seed, step, ...rebuilt });
    }
    edgesSeen += incremental.edges.length;
  }
  return edgesSeen;
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

// A stand-in for NetworkPolicy evaluation: deterministic in the pods' labels and the port.
const reachability: PodReachability = (from, to, port) =>
  from.metadata.labels?.app !== to.metadata.labels?.app || port.port === 80;

describe('incremental updates equal a full rebuild', () => {
  it.each([1, 2, 3, 4, 5])('after every change of 150 random ones (seed %i)', (seed) => {
    expect(runSequence(seed, 150, {})).toBeGreaterThan(1000);
  });

  it.each([11, 12])('with pod-to-pod reachability, after every change of 80 (seed %i)', (seed) => {
    expect(runSequence(seed, 80, { reachability })).toBeGreaterThan(1000);
  });
});
