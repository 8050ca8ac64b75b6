// Baseline defenders and how they are scored: a uniform random defender over the allowed actions
// and a heuristic one, run over seeded episodes and summarised as CyberBattleSim and NASim report
// their agents (mean ± standard deviation of episode reward and length, and the attacker's
// success rate).
import { DefenderActionKind } from '@omega/proto';
import type { DefenderEnv } from './defender-env';
import { Prng } from './prng';
import { rotatable, type World } from './world';

/** Picks the next action index from what the defender observes. */
export type DefenderPolicy = (
  env: DefenderEnv,
  observation: ReturnType<DefenderEnv['observation']>,
) => number;

export function randomDefender(seed: bigint): DefenderPolicy {
  const rng = new Prng(seed);
  return (_env, observation) => {
    const allowed = observation.actionMask.flatMap((ok, i) => (ok ? [i] : []));
    return rng.pick(allowed);
  };
}

/**
 * Chokepoints: nodes ranked by the share of shortest attack paths from the entry points to each
 * crown jewel that cross them, summed over the jewels (Brandes-style path counting by BFS).
 */
export function chokepoints(world: World): number[] {
  const n = world.nodes.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const into: number[][] = Array.from({ length: n }, () => []);
  for (const e of world.edges) {
    out[e.from]!.push(e.to);
    into[e.to]!.push(e.from);
  }
  /** Distances from the starts and how many shortest paths reach each node. */
  const bfs = (starts: number[], adj: number[][]): { d: number[]; paths: number[] } => {
    const d = new Array<number>(n).fill(Infinity);
    const paths = new Array<number>(n).fill(0);
    const queue = [...starts];
    for (const s of starts) {
      d[s] = 0;
      paths[s] = 1;
    }
    for (let i = 0; i < queue.length; i += 1) {
      const u = queue[i]!;
      for (const v of adj[u]!) {
        if (d[v] === Infinity) {
          d[v] = d[u]! + 1;
          queue.push(v);
        }
        if (d[v] === d[u]! + 1) paths[v]! += paths[u]!;
      }
    }
    return { d, paths };
  };
  const entries = world.nodes.flatMap((node, i) => (node.entry ? [i] : []));
  const fromEntry = bfs(entries, out);
  const score = new Array<number>(n).fill(0);
  world.nodes.forEach((node, jewel) => {
    const length = fromEntry.d[jewel]!;
    if (!node.crownJewel || length === Infinity) return;
    const toJewel = bfs([jewel], into);
    for (let v = 0; v < n; v += 1) {
      if (v === jewel || world.nodes[v]!.entry || fromEntry.d[v]! + toJewel.d[v]! !== length)
        continue;
      score[v]! += (fromEntry.paths[v]! * toJewel.paths[v]!) / fromEntry.paths[jewel]!;
    }
  });
  return score.flatMap((s, i) => (s > 0 ? [i] : [])).sort((a, b) => score[b]! - score[a]! || a - b);
}

/**
 * Isolates any alerted node it can, rebuilds it clean (RESTORE) once it has been cut off for
 * `restoreAfterSteps` (never, by default: on the bench's boards restoring let the attacker back
 * in more than it saved), rotates an alerted credential, deploys decoys on the chokepoints while it
 * has some to spare, and otherwise waits.
 */
export function heuristicDefender(restoreAfterSteps = Infinity): DefenderPolicy {
  let choke: number[] | undefined;
  const isolatedAt = new Map<number, number>();
  return (env, observation) => {
    choke ??= chokepoints(env.world);
    const { layout, world } = env;
    const index = (kind: DefenderActionKind, node: number) =>
      layout.indexOf({ kind, targetNodeId: world.nodes[node]!.id, edgeId: '' });
    const allowed = (i: number) => observation.actionMask[i] === true;
    for (const [n, at] of isolatedAt) {
      if (observation.step - at < restoreAfterSteps) continue;
      isolatedAt.delete(n);
      return index(DefenderActionKind.DEFENDER_ACTION_KIND_RESTORE, n);
    }
    for (const [n, state] of observation.nodes.entries()) {
      if (!state.alerted) continue;
      const isolate = index(DefenderActionKind.DEFENDER_ACTION_KIND_ISOLATE, n);
      if (allowed(isolate)) {
        isolatedAt.set(n, observation.step);
        return isolate;
      }
      const rotate = index(DefenderActionKind.DEFENDER_ACTION_KIND_ROTATE_SECRET, n);
      if (rotatable(world.nodes[n]!) && allowed(rotate)) return rotate;
    }
    for (const n of choke) {
      const decoy = index(DefenderActionKind.DEFENDER_ACTION_KIND_DEPLOY_DECOY, n);
      if (allowed(decoy)) return decoy;
    }
    return 0;
  };
}

export interface EpisodeResult {
  readonly reward: number;
  readonly steps: number;
  readonly attackerSucceeded: boolean;
}

export interface BaselineSummary {
  readonly episodes: number;
  readonly reward: { readonly mean: number; readonly std: number };
  readonly steps: { readonly mean: number; readonly std: number };
  readonly attackerSuccessRate: number;
}

export function playEpisode(env: DefenderEnv, policy: DefenderPolicy): EpisodeResult {
  let reward = 0;
  let observation = env.observation();
  while (!env.done) {
    const step = env.step(env.layout.action(policy(env, observation)));
    reward += step.reward;
    observation = step.observation;
  }
  return { reward, steps: env.steps, attackerSucceeded: env.attackerSucceeded };
}

function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}

export function summarise(results: readonly EpisodeResult[]): BaselineSummary {
  return {
    episodes: results.length,
    reward: meanStd(results.map((r) => r.reward)),
    steps: meanStd(results.map((r) => r.steps)),
    attackerSuccessRate: results.filter((r) => r.attackerSucceeded).length / results.length,
  };
}
