// The simulated attackers an episode can be played against (the scenario names of ResetEnv):
// each moves one tick per defender step and reports what it touched, so alerts can fire.
import { NASIM_TINY, addressKey, type NasimScenario } from './nasim-scenario';
import { NasimNetwork } from './nasim-sim';
import type { Prng } from './prng';
import type { World } from './world';
import { GraphNodeKind } from '@omega/proto';

/** What the defender has done to the board, as the attacker meets it. */
export interface Defense {
  readonly isolated: ReadonlySet<number>;
  readonly blockedEdges: ReadonlySet<number>;
}

export interface AttackerTick {
  /** Nodes the attacker tried (an exploit attempt, a traversal), whether or not it succeeded. */
  readonly touched: readonly number[];
  /** Nodes newly compromised this tick. */
  readonly compromised: readonly number[];
  /** The attacker holds a crown jewel (its goal). */
  readonly goalReached: boolean;
}

export interface Attacker {
  readonly world: World;
  tick(rng: Prng, defense: Defense): AttackerTick;
  /** Whether the attacker could still make any move against this defense. */
  canMove(defense: Defense): boolean;
  isCompromised(node: number): boolean;
  /** Whether it holds anything beyond its starting point. */
  hasFoothold(): boolean;
  /** The defender restored the node or rotated its credential: the attacker loses it. */
  evict(node: number): void;
}

/**
 * lateral-to-secrets: starts outside, and each tick tries one attack edge, chosen uniformly among
 * those leaving a node it holds towards one it does not (neither end isolated, edge not blocked),
 * succeeding with the edge's exploitability; it wins on reaching a crown jewel.
 */
export class LateralAttacker implements Attacker {
  private readonly held: boolean[];

  constructor(readonly world: World) {
    this.held = world.nodes.map((n) => n.entry);
  }

  private usable(defense: Defense): number[] {
    const out: number[] = [];
    this.world.edges.forEach((e, i) => {
      if (!this.held[e.from] || this.held[e.to] || defense.blockedEdges.has(i)) return;
      if (defense.isolated.has(e.from) || defense.isolated.has(e.to)) return;
      out.push(i);
    });
    return out;
  }

  canMove(defense: Defense): boolean {
    return this.usable(defense).length > 0;
  }

  tick(rng: Prng, defense: Defense): AttackerTick {
    const usable = this.usable(defense);
    if (usable.length === 0) return { touched: [], compromised: [], goalReached: false };
    const edge = this.world.edges[rng.pick(usable)]!;
    if (!rng.chance(edge.probability))
      return { touched: [edge.to], compromised: [], goalReached: false };
    this.held[edge.to] = true;
    return {
      touched: [edge.to],
      compromised: [edge.to],
      goalReached: this.world.nodes[edge.to]!.crownJewel,
    };
  }

  isCompromised(node: number): boolean {
    return this.held[node] === true;
  }

  hasFoothold(): boolean {
    return this.world.nodes.some((n, i) => !n.entry && this.held[i] === true);
  }

  evict(node: number): void {
    if (!this.world.nodes[node]!.entry) this.held[node] = false;
  }
}

/**
 * A NASim scenario with NASim's uniform random attacker (one of its flat actions per tick); the
 * hosts are the board's nodes (sensitive hosts are the crown jewels) and isolation is the one
 * defence its dynamics know (an isolated host answers with connection errors).
 */
export class NasimAttacker implements Attacker {
  readonly world: World;
  private readonly network: NasimNetwork;

  constructor(scenario: NasimScenario = NASIM_TINY) {
    this.network = new NasimNetwork(scenario);
    this.world = {
      nodes: scenario.hosts.map((h) => ({
        id: `host/${addressKey(h.address)}`,
        kind: GraphNodeKind.GRAPH_NODE_KIND_NODE,
        criticality: h.value > 0 ? 1 : 0.2,
        crownJewel: h.value > 0,
        entry: false,
      })),
      edges: [],
    };
  }

  canMove(defense: Defense): boolean {
    // A move needs a foothold (a host held and not isolated) or a public host to start from.
    return this.network.scenario.hosts.some(
      (h, i) =>
        !defense.isolated.has(i) &&
        (this.network.compromised(i) || this.network.scenario.topology[h.address[0]]?.[0] === 1),
    );
  }

  tick(rng: Prng, defense: Defense): AttackerTick {
    const outcome = this.network.perform(
      rng.int(this.network.actions.length),
      rng,
      defense.isolated,
    );
    return {
      touched: outcome.touchedHost === undefined ? [] : [outcome.touchedHost],
      compromised:
        outcome.escalatedHost === undefined || !outcome.success ? [] : [outcome.escalatedHost],
      goalReached: this.network.goalReached(),
    };
  }

  isCompromised(node: number): boolean {
    return this.network.compromised(node);
  }

  hasFoothold(): boolean {
    return this.world.nodes.some((_, i) => this.network.compromised(i));
  }

  evict(node: number): void {
    this.network.restore(node);
  }
}
