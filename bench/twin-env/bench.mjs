#!/usr/bin/env node
// libs/twin-env: baseline defenders (NOOP, uniform random over the allowed actions, and the
// heuristic: isolate alerted nodes, rotate alerted credentials, decoys on chokepoints) over seeded
// episodes on NASim's tiny scenario and on a synthetic cluster's snapshot, reported as NASim and
// CyberBattleSim report their agents (mean ± standard deviation of episode reward and length,
// attacker success rate); and the anchor for the port of NASim's tiny scenario: a uniform random
// attacker's steps to the goal, beside NASim's published figure and NASim itself run here.
//
//   npx node bench/twin-env/bench.mjs [--episodes 100] [--attacker-episodes 1000]
//       [--namespaces 12] [--workers 4] [--generated-pods 500] [--no-nasim] [--no-build]
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCluster } from '../twin/cluster.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    episodes: { type: 'string', default: '100' },
    'attacker-episodes': { type: 'string', default: '1000' },
    namespaces: { type: 'string', default: '12' },
    workers: { type: 'string', default: '4' },
    'generated-pods': { type: 'string', default: '500' },
    'no-nasim': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build']) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/twin-env'], {
    cwd: root,
    stdio: 'inherit',
  });
}
const { AttackGraph } = require('@omega/attack-graph');
const env = require('@omega/twin-env');

const meanStd = (xs) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
};
const pm = ({ mean, std }, digits = 2) => `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;

// 1. The port of NASim's tiny scenario: a uniform random attacker's steps to the goal.
const attackerEpisodes = Number(args['attacker-episodes']);
const port = Array.from({ length: attackerEpisodes }, (_, seed) =>
  env.randomAttackerEpisode(env.NASIM_TINY, new env.Prng(BigInt(seed))),
);
console.log(`NASim tiny, uniform random attacker, steps to goal (mean ± std):`);
console.log(
  `  port (libs/twin-env), ${attackerEpisodes} episodes: ${pm(meanStd(port.map((e) => e.steps)))}, goal reached ${port.filter((e) => e.goalReached).length}/${attackerEpisodes}`,
);
const published = env.NASIM_TINY_RANDOM_STEPS;
console.log(
  `  NASim published (benchmark_scenarios_agent_scores.csv, ${published.runs} runs): ${published.mean} ± ${published.std}`,
);
if (!args['no-nasim']) {
  const python = execFileSync(process.execPath, [join(root, 'scripts', 'twin-gym-tools.mjs')], {
    encoding: 'utf8',
  }).trim();
  const script = join(root, 'libs', 'twin-env', 'src', 'testing', 'nasim_random_agent.py');
  const run = spawnSync(python, [script, 'tiny', String(attackerEpisodes), '0'], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`NASim run failed: ${run.stderr}`);
  const nasim = JSON.parse(run.stdout);
  console.log(
    `  NASim 0.12 itself, ${attackerEpisodes} seeded episodes: ${pm(meanStd(nasim.steps))}, goal reached ${nasim.goals}/${attackerEpisodes}`,
  );
}

// 2. Baseline defenders.
const episodes = Number(args.episodes);
const objects = env.syntheticCluster({
  namespaces: Number(args.namespaces),
  workersPerNamespace: Number(args.workers),
  seed: 1n,
});
const graph = AttackGraph.build(objects, { reachability: env.syntheticReachability });
// bench/twin's generated cluster (deployments, exposure, host-mounting agents, real-shaped RBAC).
const generated = AttackGraph.build(
  generateCluster({ pods: Number(args['generated-pods']), nodes: 10 }),
);
const boards = [
  { name: 'nasim-tiny', options: { scenario: 'nasim-tiny', maxSteps: 0 } },
  {
    name: `lateral-to-secrets (synthetic cluster, ${args.namespaces} namespaces)`,
    options: { scenario: 'lateral-to-secrets', maxSteps: 0, graph: () => graph },
  },
  {
    name: `lateral-to-secrets (bench/twin generated cluster, ${args['generated-pods']} pods)`,
    options: { scenario: 'lateral-to-secrets', maxSteps: 0, graph: () => generated },
  },
];
const defenders = [
  { name: 'noop', make: () => () => 0 },
  { name: 'random', make: (seed) => env.randomDefender(seed + 1_000_000n) },
  { name: 'heuristic', make: () => env.heuristicDefender() },
];
console.log(
  `\nBaseline defenders, ${episodes} seeded episodes each (reward and steps: mean ± std):`,
);
console.log(
  '| board | nodes / edges / actions | defender | episode reward | episode steps | attacker success | steps/s |',
);
console.log('|---|---|---|---|---|---|---|');
for (const board of boards) {
  const probe = env.DefenderEnv.reset({ ...board.options, seed: 0n });
  const dropped = Number(probe.resetInfo['dropped_nodes']);
  const size = `${probe.world.nodes.length} / ${probe.world.edges.length} / ${probe.layout.size}${dropped > 0 ? ` (${dropped} reachable nodes off the board)` : ''}`;
  for (const defender of defenders) {
    const results = [];
    const t0 = performance.now();
    for (let i = 0; i < episodes; i += 1) {
      const seed = BigInt(i);
      results.push(
        env.playEpisode(env.DefenderEnv.reset({ ...board.options, seed }), defender.make(seed)),
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    const s = env.summarise(results);
    const steps = results.reduce((a, r) => a + r.steps, 0);
    console.log(
      `| ${board.name} | ${size} | ${defender.name} | ${pm(s.reward)} | ${pm(s.steps, 1)} | ${(100 * s.attackerSuccessRate).toFixed(0)} % | ${Math.round(steps / seconds)} |`,
    );
  }
}
