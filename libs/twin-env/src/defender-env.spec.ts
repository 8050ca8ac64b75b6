// The defender environment over a snapshot: a seed replays an episode exactly, the mask follows
// the defence, isolation contains the attacker, decoys alert with certainty, and bad actions are
// refused by name.
import { AttackGraph } from '@omega/attack-graph';
import { OmegaError } from '@omega/errors';
import { DefenderActionKind } from '@omega/proto';
import { heuristicDefender, playEpisode, randomDefender } from './baselines';
import { DefenderEnv } from './defender-env';
import { REWARDS } from './scenarios';
import { syntheticCluster, syntheticReachability } from './synthetic-cluster';

const K = DefenderActionKind;
const objects = syntheticCluster({ namespaces: 3, workersPerNamespace: 3, seed: 7n });
const graph = () => AttackGraph.build(objects, { reachability: syntheticReachability });
const lateral = (seed: bigint, maxSteps = 0) =>
  DefenderEnv.reset({ scenario: 'lateral-to-secrets', seed, maxSteps, graph });

function trace(seed: bigint): string[] {
  const env = lateral(seed);
  const policy = randomDefender(seed);
  const lines: string[] = [];
  let obs = env.observation();
  while (!env.done) {
    const step = env.step(env.layout.action(policy(env, obs)));
    obs = step.observation;
    lines.push(
      `${step.reward.toFixed(3)} ${obs.features.join('')} ${step.terminated} ${step.truncated}`,
    );
  }
  return lines;
}

describe('DefenderEnv', () => {
  it('plays on the part of the graph reachable from outside, crown jewels included', () => {
    const env = lateral(1n);
    expect(env.spec.nodeIds[0]).toBe('external');
    expect(env.spec.nodeIds).toEqual(
      expect.arrayContaining(['pod/team-0/web', 'pod/team-0/api', 'secret/team-0/db-creds']),
    );
    expect(JSON.parse(env.resetInfo['crown_jewels']!)).toEqual(
      expect.arrayContaining(['secret/team-0/db-creds']),
    );
    const obs = env.observation();
    expect(obs.features).toHaveLength(env.spec.featureCount);
    expect(obs.actionMask).toHaveLength(env.layout.size);
    expect(env.spec.maxSteps).toBe(200);
  });

  it('keeps the shortest paths to the crown jewels when the reachable part exceeds maxNodes', () => {
    const env = DefenderEnv.reset({
      scenario: 'lateral-to-secrets',
      seed: 1n,
      maxSteps: 0,
      graph,
      maxNodes: 8,
    });
    const { nodes, edges } = env.world;
    expect(nodes).toHaveLength(8);
    expect(Number(env.resetInfo['dropped_nodes'])).toBeGreaterThan(0);
    expect(nodes.some((n) => n.crownJewel)).toBe(true);
    // Every kept vertex but external is entered by a kept edge: the board is paths, not scraps.
    const entered = new Set(edges.map((e) => e.to));
    expect(nodes.filter((n, i) => !n.entry && !entered.has(i))).toEqual([]);
  });

  it('replays an episode exactly from its seed, and another seed plays another', () => {
    expect(trace(42n)).toEqual(trace(42n));
    expect(trace(42n)).not.toEqual(trace(43n));
  });

  it('masks what cannot be done: external is never isolated, RESTORE only after ISOLATE, ROTATE only credentials', () => {
    const env = lateral(1n);
    const at = (kind: DefenderActionKind, node: string) =>
      env.layout.indexOf({ kind, targetNodeId: node, edgeId: '' });
    const mask = () => env.observation().actionMask;
    expect(mask()[at(K.DEFENDER_ACTION_KIND_ISOLATE, 'external')]).toBe(false);
    expect(mask()[at(K.DEFENDER_ACTION_KIND_RESTORE, 'pod/team-0/web')]).toBe(false);
    expect(mask()[at(K.DEFENDER_ACTION_KIND_ROTATE_SECRET, 'pod/team-0/web')]).toBe(false);
    expect(mask()[at(K.DEFENDER_ACTION_KIND_ROTATE_SECRET, 'secret/team-0/db-creds')]).toBe(true);
    env.step({ kind: K.DEFENDER_ACTION_KIND_ISOLATE, targetNodeId: 'pod/team-0/web', edgeId: '' });
    expect(mask()[at(K.DEFENDER_ACTION_KIND_ISOLATE, 'pod/team-0/web')]).toBe(false);
    expect(mask()[at(K.DEFENDER_ACTION_KIND_RESTORE, 'pod/team-0/web')]).toBe(true);
  });

  it('refuses an action the mask forbids, naming it, and an unknown node or edge', () => {
    const env = lateral(1n);
    expect(() =>
      env.step({
        kind: K.DEFENDER_ACTION_KIND_RESTORE,
        targetNodeId: 'pod/team-0/web',
        edgeId: '',
      }),
    ).toThrow(
      new OmegaError(
        3,
        `action: RESTORE pod/team-0/web is not allowed now (action_mask[${env.layout.indexOf({ kind: K.DEFENDER_ACTION_KIND_RESTORE, targetNodeId: 'pod/team-0/web', edgeId: '' })}] is false)`,
      ),
    );
    expect(() =>
      env.step({ kind: K.DEFENDER_ACTION_KIND_ISOLATE, targetNodeId: 'pod/nowhere/x', edgeId: '' }),
    ).toThrow("action.target_node_id: no node 'pod/nowhere/x' on this board");
    expect(() =>
      env.step({ kind: K.DEFENDER_ACTION_KIND_BLOCK_EDGE, targetNodeId: '', edgeId: 'a->b' }),
    ).toThrow("action.edge_id: no edge 'a->b' on this board");
    expect(() =>
      DefenderEnv.reset({ scenario: 'ssh-bruteforce', seed: 1n, maxSteps: 0, graph }),
    ).toThrow(
      "scenario: unknown scenario 'ssh-bruteforce' (known: lateral-to-secrets, nasim-tiny)",
    );
    expect(() => lateral(1n, 10_001)).toThrow('max_steps: 10001 is more than 10000');
    const huge = 'x'.repeat(1_000_000);
    expect(() =>
      env.step({ kind: K.DEFENDER_ACTION_KIND_ISOLATE, targetNodeId: huge, edgeId: '' }),
    ).toThrow(
      `action.target_node_id: no node '${'x'.repeat(120)}… (1000000 characters)' on this board`,
    );
  });

  it('contains an attacker boxed into the pod it holds, and not one merely kept out', () => {
    // external -> web (hostPort: ENDPOINT_EXPLOIT) -> its mounted secret (SECRET_MOUNT).
    const small = AttackGraph.build([
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
    const isolateWeb = {
      kind: K.DEFENDER_ACTION_KIND_ISOLATE,
      targetNodeId: 'pod/shop/web',
      edgeId: '',
    };
    const noop = { kind: K.DEFENDER_ACTION_KIND_NOOP, targetNodeId: '', edgeId: '' };
    const env = (seed: bigint) =>
      DefenderEnv.reset({ scenario: 'lateral-to-secrets', seed, maxSteps: 20, graph: () => small });

    const kept = env(1n);
    expect(kept.step(isolateWeb)).toMatchObject({
      terminated: false,
      reward: REWARDS.isolatedNodePerStep,
    });
    while (!kept.done) expect(kept.step(noop).reward).toBeCloseTo(REWARDS.isolatedNodePerStep, 9);
    expect(kept.attackerSucceeded).toBe(false);

    // Wait until the web pod alerts (the attacker holds it), then cut it off.
    let seed = 0n;
    let boxed = env(seed);
    for (;;) {
      const step = boxed.done ? undefined : boxed.step(noop);
      if (step?.observation.nodes.find((n) => n.nodeId === 'pod/shop/web')?.alerted) break;
      if (step === undefined) boxed = env((seed += 1n));
    }
    const cut = boxed.step(isolateWeb);
    expect(cut.info['outcome']).toBe('attacker_contained');
    expect(cut.terminated).toBe(true);
    expect(cut.reward).toBeCloseTo(REWARDS.attackerContained + REWARDS.isolatedNodePerStep, 9);
  });

  it('alerts with certainty on a decoyed node the attacker touches, and ends at max_steps', () => {
    const env = lateral(9n, 50);
    for (const id of ['pod/team-0/web', 'pod/team-1/web', 'pod/team-2/web']) {
      env.step({ kind: K.DEFENDER_ACTION_KIND_DEPLOY_DECOY, targetNodeId: id, edgeId: '' });
    }
    // Every move into the cluster goes through a web pod: the first attempt is seen.
    let alerted = false;
    let step;
    do {
      step = env.step({ kind: K.DEFENDER_ACTION_KIND_NOOP, targetNodeId: '', edgeId: '' });
      alerted ||= step.observation.nodes.some((n) => n.alerted && n.decoy);
    } while (!env.done);
    expect(alerted).toBe(true);
    expect(step.terminated || step.truncated).toBe(true);
  });

  it('plays the nasim-tiny scenario with the same reset/step contract', () => {
    const env = DefenderEnv.reset({ scenario: 'nasim-tiny', seed: 3n, maxSteps: 0 });
    expect(env.spec.nodeIds).toEqual(['host/1,0', 'host/2,0', 'host/3,0']);
    expect(env.spec.maxSteps).toBe(1000);
    const result = playEpisode(env, heuristicDefender());
    expect(result.steps).toBeGreaterThan(0);
  });
});
