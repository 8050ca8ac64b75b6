// The attacker scenarios ResetEnv accepts, with their defaults, and the reward schedule every
// scenario shares (docs/twin-env.md explains it to people training defenders).
import type { AttackGraph } from '@omega/attack-graph';
import { Code, OmegaError } from '@omega/errors';
import { clip } from './clip';
import { LateralAttacker, NasimAttacker, type Attacker } from './attackers';
import { ENV_LIMITS, worldFromGraph } from './world';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly defaultMaxSteps: number;
  /** Chance that an alert fires on a node when the attacker compromises it. */
  readonly detectionProbability: number;
  /** Chance per step that a clean node raises a false alert. */
  readonly falseAlertProbability: number;
  /** Whether it plays on the cluster's graph (else it brings its own board). */
  readonly usesGraph: boolean;
  build(
    graph: (() => AttackGraph) | undefined,
    maxNodes: number,
  ): { attacker: Attacker; droppedNodes: number };
}

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'lateral-to-secrets': {
    name: 'lateral-to-secrets',
    description:
      'from outside through exposed pods along attack edges to a crown jewel (secrets, kube-system, omega.io/crown-jewel)',
    defaultMaxSteps: 200,
    detectionProbability: 0.5,
    falseAlertProbability: 0.002,
    usesGraph: true,
    build(graph, maxNodes) {
      if (graph === undefined)
        throw new OmegaError(
          Code.FailedPrecondition,
          "scenario 'lateral-to-secrets': no graph to play on",
        );
      const { world, droppedNodes } = worldFromGraph(graph(), maxNodes);
      return { attacker: new LateralAttacker(world), droppedNodes };
    },
  },
  'nasim-tiny': {
    name: 'nasim-tiny',
    description:
      "NASim's tiny benchmark (3 hosts, 3 subnets) with NASim's uniform random attacker; root on both sensitive hosts wins",
    defaultMaxSteps: 1000,
    detectionProbability: 0.5,
    falseAlertProbability: 0.002,
    usesGraph: false,
    build() {
      return { attacker: new NasimAttacker(), droppedNodes: 0 };
    },
  },
};

export function scenarioNamed(name: string): Scenario {
  const scenario = Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined;
  if (scenario === undefined) {
    throw new OmegaError(
      Code.InvalidArgument,
      `scenario: unknown scenario '${clip(name)}' (known: ${Object.keys(SCENARIOS).join(', ')})`,
    );
  }
  return scenario;
}

/**
 * The reward schedule, per defender step: the cost of the defence held (isolated nodes are
 * service lost; blocked edges and decoys are cheaper), one-off costs of rotations, a penalty per
 * node the attacker newly holds (scaled by its criticality), and the episode's end: a crown jewel
 * lost, or the attacker contained (it holds a foothold and has no move left against the
 * defence; an attacker merely kept out ends nothing, and the defence keeping it out goes on
 * costing).
 */
export const REWARDS = {
  isolatedNodePerStep: -0.2,
  blockedEdgePerStep: -0.05,
  decoyPerStep: -0.02,
  rotation: -1,
  compromisedNodePerCriticality: -5,
  crownJewelLost: -100,
  attackerContained: 50,
} as const;

/** Most decoys a defender may have deployed at once. */
export const MAX_DECOYS = 4;

export function maxStepsFor(scenario: Scenario, requested: number): number {
  if (requested > ENV_LIMITS.maxSteps) {
    throw new OmegaError(
      Code.InvalidArgument,
      `max_steps: ${requested} is more than ${ENV_LIMITS.maxSteps}`,
    );
  }
  return requested === 0 ? scenario.defaultMaxSteps : requested;
}
