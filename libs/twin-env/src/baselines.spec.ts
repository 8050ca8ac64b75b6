// The baseline defenders: chokepoints are where the shortest attack paths meet, the heuristic
// acts on alerts, the random one keeps to the mask, and summaries are population mean ± std.
import { AttackGraph } from '@omega/attack-graph';
import { GraphNodeKind } from '@omega/proto';
import {
  chokepoints,
  heuristicDefender,
  playEpisode,
  randomDefender,
  summarise,
} from './baselines';
import { DefenderEnv } from './defender-env';
import type { World } from './world';

const node = (id: string, extra: Partial<World['nodes'][number]> = {}) => ({
  id,
  kind: GraphNodeKind.GRAPH_NODE_KIND_POD,
  criticality: 0.2,
  crownJewel: false,
  entry: false,
  ...extra,
});
const edge = (from: number, to: number) => ({
  id: `${from}->${to}`,
  from,
  to,
  probability: 0.5,
  techniqueId: 'T1210',
});

describe('baseline defenders', () => {
  it('ranks first the chokepoint every shortest path to the jewel crosses', () => {
    // external -> gate -> {left, right} -> jewel; side is a dead end. Gate carries both shortest
    // paths, left and right one each, so gate leads though it comes last in node order.
    const world: World = {
      nodes: [
        node('external', { entry: true }),
        node('left'),
        node('right'),
        node('gate'),
        node('jewel', { crownJewel: true }),
        node('side'),
      ],
      edges: [edge(0, 3), edge(3, 1), edge(3, 2), edge(1, 4), edge(2, 4), edge(0, 5)],
    };
    expect(chokepoints(world)).toEqual([3, 1, 2]);
  });

  it('isolates the first alerted pod it may, on the step after the alert', () => {
    const graph = AttackGraph.build([
      { kind: 'Node', metadata: { name: 'n1' } },
      { kind: 'Secret', metadata: { name: 'db', namespace: 'shop' } },
      {
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          nodeName: 'n1',
          automountServiceAccountToken: false,
          volumes: [{ name: 'db', secret: { secretName: 'db' } }],
          containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }],
        },
      },
    ]);
    const env = DefenderEnv.reset({
      scenario: 'lateral-to-secrets',
      seed: 4n,
      maxSteps: 50,
      graph: () => graph,
    });
    const policy = heuristicDefender();
    let obs = env.observation();
    let acted = false;
    while (!env.done) {
      const index = policy(env, obs);
      const alertedWeb = obs.nodes.find((n) => n.nodeId === 'pod/shop/web')!;
      const action = env.layout.action(index);
      if (alertedWeb.alerted && !alertedWeb.isolated) {
        expect(action).toEqual({ kind: 2, targetNodeId: 'pod/shop/web', edgeId: '' });
        acted = true;
      }
      obs = env.step(action).observation;
    }
    expect(acted).toBe(true);
  });

  it('plays only allowed actions when random', () => {
    const env = DefenderEnv.reset({ scenario: 'nasim-tiny', seed: 9n, maxSteps: 300 });
    const policy = randomDefender(1n);
    let obs = env.observation();
    while (!env.done) {
      const index = policy(env, obs);
      expect(obs.actionMask[index]).toBe(true);
      obs = env.step(env.layout.action(index)).observation;
    }
    expect(
      playEpisode(
        DefenderEnv.reset({ scenario: 'nasim-tiny', seed: 9n, maxSteps: 300 }),
        randomDefender(1n),
      ).steps,
    ).toBe(env.steps);
  });

  it('summarises as mean ± population standard deviation and a success rate', () => {
    const s = summarise([
      { reward: -100, steps: 10, attackerSucceeded: true },
      { reward: 50, steps: 30, attackerSucceeded: false },
    ]);
    expect(s).toEqual({
      episodes: 2,
      reward: { mean: -25, std: 75 },
      steps: { mean: 20, std: 10 },
      attackerSuccessRate: 0.5,
    });
  });
});
