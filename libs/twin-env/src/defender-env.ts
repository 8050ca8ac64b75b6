// One RL episode for a defender: the board, a simulated attacker, what the defender did, and the
// alerts it saw (partial observability: the true compromise state stays hidden). Gymnasium's
// reset/step contract in the shape of twin.proto's EnvSpec, EnvObservation and StepEnvResponse.
import type { AttackGraph } from '@omega/attack-graph';
import { Code, OmegaError } from '@omega/errors';
import {
  DefenderActionKind,
  type DefenderAction,
  type EnvObservation,
  type EnvSpec,
} from '@omega/proto';
import { ActionLayout } from './action-layout';
import type { Attacker } from './attackers';
import { Prng } from './prng';
import { MAX_DECOYS, REWARDS, maxStepsFor, scenarioNamed, type Scenario } from './scenarios';
import { ENV_LIMITS, isolatable, rotatable, type World } from './world';

export interface EnvOptions {
  readonly scenario: string;
  readonly seed: bigint;
  /** 0 = the scenario's default. */
  readonly maxSteps: number;
  /** The snapshot to play on, for scenarios that use the cluster's graph. */
  readonly graph?: () => AttackGraph;
  readonly maxNodes?: number;
}

export interface EnvStep {
  readonly observation: EnvObservation;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: Record<string, string>;
}

/** Features per node: isolated, alerted, decoy, alerted this step; then per edge: blocked; then progress. */
const NODE_FEATURES = 4;

export class DefenderEnv {
  readonly spec: EnvSpec;
  readonly layout: ActionLayout;
  readonly world: World;
  private readonly rng: Prng;
  private readonly attacker: Attacker;
  private readonly isolated = new Set<number>();
  private readonly blockedEdges = new Set<number>();
  private readonly decoys = new Set<number>();
  private readonly alerted = new Set<number>();
  private freshAlerts = new Set<number>();
  private stepCount = 0;
  private ended = false;
  private attackerWon = false;
  /** What reset reports in its info map. */
  readonly resetInfo: Record<string, string>;

  constructor(
    private readonly scenario: Scenario,
    options: EnvOptions,
  ) {
    const maxNodes = Math.min(options.maxNodes ?? ENV_LIMITS.maxNodes, ENV_LIMITS.maxNodes);
    const built = scenario.build(options.graph, maxNodes);
    this.attacker = built.attacker;
    this.world = built.attacker.world;
    this.rng = new Prng(options.seed);
    this.layout = new ActionLayout(this.world);
    this.spec = {
      nodeIds: this.world.nodes.map((n) => n.id),
      actionKinds: [...this.layout.kinds],
      featureCount: this.world.nodes.length * NODE_FEATURES + this.world.edges.length + 1,
      maxSteps: maxStepsFor(scenario, options.maxSteps),
    };
    this.resetInfo = {
      scenario: scenario.name,
      edge_ids: JSON.stringify(this.world.edges.map((e) => e.id)),
      action_count: String(this.layout.size),
      crown_jewels: JSON.stringify(this.world.nodes.filter((n) => n.crownJewel).map((n) => n.id)),
      dropped_nodes: String(built.droppedNodes),
    };
  }

  /** Starts an episode (ResetEnv): a scenario by name, seeded. */
  static reset(options: EnvOptions): DefenderEnv {
    return new DefenderEnv(scenarioNamed(options.scenario), options);
  }

  get steps(): number {
    return this.stepCount;
  }

  /** Whether the attacker reached its goal (for baselines; never shown to the defender). */
  get attackerSucceeded(): boolean {
    return this.attackerWon;
  }

  get done(): boolean {
    return this.ended;
  }

  allowed(index: number): boolean {
    const action = this.layout.at(index);
    if (action === undefined) return false;
    const n = action.node;
    switch (action.kind) {
      case DefenderActionKind.DEFENDER_ACTION_KIND_NOOP:
        return true;
      case DefenderActionKind.DEFENDER_ACTION_KIND_ISOLATE:
        return isolatable(this.world.nodes[n]!) && !this.isolated.has(n);
      case DefenderActionKind.DEFENDER_ACTION_KIND_RESTORE:
        return this.isolated.has(n);
      case DefenderActionKind.DEFENDER_ACTION_KIND_DEPLOY_DECOY:
        return !this.world.nodes[n]!.entry && !this.decoys.has(n) && this.decoys.size < MAX_DECOYS;
      case DefenderActionKind.DEFENDER_ACTION_KIND_ROTATE_SECRET:
        return rotatable(this.world.nodes[n]!);
      case DefenderActionKind.DEFENDER_ACTION_KIND_BLOCK_EDGE:
        return !this.blockedEdges.has(action.edge);
      default:
        return false;
    }
  }

  /** allowed() for every index, in the layout's order, without building each action. */
  mask(): boolean[] {
    const { nodes, edges } = this.world;
    const room = this.decoys.size < MAX_DECOYS;
    return [
      true,
      ...nodes.map((node, n) => isolatable(node) && !this.isolated.has(n)),
      ...nodes.map((_, n) => this.isolated.has(n)),
      ...nodes.map((node, n) => room && !node.entry && !this.decoys.has(n)),
      ...nodes.map((node) => rotatable(node)),
      ...edges.map((_, e) => !this.blockedEdges.has(e)),
    ];
  }

  observation(): EnvObservation {
    const features: number[] = [];
    const nodes = this.world.nodes.map((node, i) => {
      const state = {
        nodeId: node.id,
        isolated: this.isolated.has(i),
        alerted: this.alerted.has(i),
        decoy: this.decoys.has(i),
      };
      features.push(+state.isolated, +state.alerted, +state.decoy, +this.freshAlerts.has(i));
      return state;
    });
    this.world.edges.forEach((_, i) => features.push(+this.blockedEdges.has(i)));
    features.push(this.stepCount / this.spec.maxSteps);
    return { step: this.stepCount, nodes, features, actionMask: this.mask() };
  }

  /** Applies one defender action, moves the attacker one tick, and scores the step. */
  step(action: DefenderAction): EnvStep {
    if (this.ended)
      throw new OmegaError(
        Code.FailedPrecondition,
        'episode has ended: call ResetEnv to start another',
      );
    const index = this.layout.indexOf(action);
    if (!this.allowed(index)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `action: ${this.layout.describe(index)} is not allowed now (action_mask[${index}] is false)`,
      );
    }
    let reward = this.apply(index);
    const tick = this.attacker.tick(this.rng, {
      isolated: this.isolated,
      blockedEdges: this.blockedEdges,
    });
    this.freshAlerts = new Set();
    for (const n of tick.touched) if (this.decoys.has(n)) this.raise(n);
    for (const n of tick.compromised) {
      reward += REWARDS.compromisedNodePerCriticality * this.world.nodes[n]!.criticality;
      if (this.rng.chance(this.scenario.detectionProbability)) this.raise(n);
    }
    this.world.nodes.forEach((node, i) => {
      if (
        !node.entry &&
        !this.attacker.isCompromised(i) &&
        this.rng.chance(this.scenario.falseAlertProbability)
      )
        this.raise(i);
    });
    reward +=
      this.isolated.size * REWARDS.isolatedNodePerStep +
      this.blockedEdges.size * REWARDS.blockedEdgePerStep +
      this.decoys.size * REWARDS.decoyPerStep;
    this.stepCount += 1;
    let outcome = 'running';
    if (tick.goalReached) {
      reward += REWARDS.crownJewelLost;
      this.attackerWon = true;
      outcome = 'crown_jewel_lost';
    } else if (
      this.attacker.hasFoothold() &&
      !this.attacker.canMove({ isolated: this.isolated, blockedEdges: this.blockedEdges })
    ) {
      // Contained: inside, and boxed in. An attacker kept out altogether is no win to cash in
      // early: the episode runs on, and the defence holding it out keeps costing.
      reward += REWARDS.attackerContained;
      outcome = 'attacker_contained';
    }
    const terminated = outcome !== 'running';
    const truncated = !terminated && this.stepCount >= this.spec.maxSteps;
    this.ended = terminated || truncated;
    return {
      observation: this.observation(),
      reward,
      terminated,
      truncated,
      info: { outcome: truncated ? 'max_steps' : outcome },
    };
  }

  private raise(node: number): void {
    this.alerted.add(node);
    this.freshAlerts.add(node);
  }

  private apply(index: number): number {
    const action = this.layout.at(index)!;
    const n = action.node;
    switch (action.kind) {
      case DefenderActionKind.DEFENDER_ACTION_KIND_ISOLATE:
        this.isolated.add(n);
        return 0;
      case DefenderActionKind.DEFENDER_ACTION_KIND_RESTORE:
        // Restored means rebuilt clean: the attacker loses its foothold and the alert is closed.
        this.isolated.delete(n);
        this.attacker.evict(n);
        this.alerted.delete(n);
        return 0;
      case DefenderActionKind.DEFENDER_ACTION_KIND_DEPLOY_DECOY:
        this.decoys.add(n);
        return 0;
      case DefenderActionKind.DEFENDER_ACTION_KIND_ROTATE_SECRET:
        this.attacker.evict(n);
        this.alerted.delete(n);
        return REWARDS.rotation;
      case DefenderActionKind.DEFENDER_ACTION_KIND_BLOCK_EDGE:
        this.blockedEdges.add(action.edge);
        return 0;
      default:
        return 0;
    }
  }
}
