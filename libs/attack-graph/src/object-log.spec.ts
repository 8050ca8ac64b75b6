// The graph's object log: a reader catches up from any version the log still reaches back to, and
// is told to start over (undefined) from one it no longer does.
import { AttackGraph } from './attack-graph';
import { OBJECT_LOG_KEPT } from './object-log';

const secret = (name: string) => ({ kind: 'Secret', metadata: { name, namespace: 'ns' } });

describe('object log', () => {
  it('lists the changes after a version, oldest first, deletes and no-op deletes included', () => {
    const graph = AttackGraph.build([]);
    graph.apply({ type: 'upsert', object: secret('a') });
    graph.apply({ type: 'upsert', object: secret('b') });
    graph.apply({ type: 'delete', kind: 'Secret', namespace: 'ns', name: 'missing' });
    graph.apply({ type: 'delete', kind: 'Secret', namespace: 'ns', name: 'a' });
    const changes = graph.changesSince(1)!;
    expect(
      changes.map((c) => [c.version, c.before?.metadata.name, c.after?.metadata.name]),
    ).toEqual([
      [2, undefined, 'b'],
      [4, 'a', undefined],
    ]);
    expect(graph.changesSince(graph.version)).toEqual([]);
  });

  it('reaches back at least OBJECT_LOG_KEPT changes, and says so when it no longer does', () => {
    const graph = AttackGraph.build([]);
    for (let i = 0; i < 3 * OBJECT_LOG_KEPT; i++) {
      graph.apply({ type: 'upsert', object: secret(`s${i % 7}`) });
    }
    expect(graph.changesSince(graph.version - OBJECT_LOG_KEPT)).toHaveLength(OBJECT_LOG_KEPT);
    expect(graph.changesSince(0)).toBeUndefined();
    // A fork keeps its own log.
    const fork = graph.fork();
    fork.apply({ type: 'upsert', object: secret('fork-only') });
    expect(fork.changesSince(graph.version)).toHaveLength(1);
    expect(graph.changesSince(graph.version)).toEqual([]);
  });
});
