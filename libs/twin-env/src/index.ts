// Public entry of @omega/twin-env: a reset/step RL environment for defenders over an attack-graph
// snapshot, with simulated attackers, NASim's tiny scenario ported, and baseline defenders
// (pure: no I/O, no clock; randomness from the seed).
export { ActionLayout, type LaidOutAction } from './action-layout';
export {
  LateralAttacker,
  NasimAttacker,
  type Attacker,
  type AttackerTick,
  type Defense,
} from './attackers';
export {
  chokepoints,
  heuristicDefender,
  playEpisode,
  randomDefender,
  summarise,
  type BaselineSummary,
  type DefenderPolicy,
  type EpisodeResult,
} from './baselines';
export { DefenderEnv, type EnvOptions, type EnvStep } from './defender-env';
export {
  Access,
  NASIM_TINY,
  NASIM_TINY_RANDOM_STEPS,
  addressKey,
  type HostAddress,
  type NasimExploit,
  type NasimHost,
  type NasimPrivEsc,
  type NasimScenario,
} from './nasim-scenario';
export {
  NasimNetwork,
  nasimActions,
  randomAttackerEpisode,
  type NasimAction,
  type NasimOutcome,
  type RandomAttackerEpisode,
} from './nasim-sim';
export { Prng } from './prng';
export { MAX_DECOYS, REWARDS, SCENARIOS, scenarioNamed, type Scenario } from './scenarios';
export {
  ENV_LIMITS,
  isolatable,
  rotatable,
  worldFromGraph,
  type World,
  type WorldEdge,
  type WorldNode,
} from './world';
export {
  syntheticCluster,
  syntheticReachability,
  type SyntheticClusterOptions,
} from './synthetic-cluster';
export { clip } from './clip';
