// NASim's dynamics ported (nasim/envs/network.py perform_action and host_vector.py perform_action
// at the commit NASIM_TINY names): the same flat action list, the same preconditions in the same
// order, the same success draws, rewards and goal. A defender may isolate hosts: an isolated host
// answers every action with a connection error and is no source of traffic or permission.
import type { Prng } from './prng';
import { Access, addressKey, type NasimHost, type NasimScenario } from './nasim-scenario';

export type NasimActionType =
  'service_scan' | 'os_scan' | 'subnet_scan' | 'process_scan' | 'exploit' | 'privesc';

export interface NasimAction {
  readonly type: NasimActionType;
  /** Index into scenario.hosts. */
  readonly host: number;
  readonly cost: number;
  readonly prob: number;
  readonly service?: string;
  readonly os?: string;
  readonly process?: string;
  readonly access: Access;
  readonly name: string;
}

export interface NasimOutcome {
  readonly success: boolean;
  readonly reward: number;
  /** Host the action hit (exploit or privilege escalation) whether or not it succeeded. */
  readonly touchedHost: number | undefined;
  /** Host newly compromised (or raised to root) by this action. */
  readonly escalatedHost: number | undefined;
}

interface HostState {
  compromised: boolean;
  reachable: boolean;
  discovered: boolean;
  access: Access;
}

/** NASim's load_action_list order: per host, 4 scans, then each exploit, then each escalation. */
export function nasimActions(scenario: NasimScenario): NasimAction[] {
  const out: NasimAction[] = [];
  scenario.hosts.forEach((host, index) => {
    const scan = (type: NasimActionType, cost: number): NasimAction => ({
      type,
      host: index,
      cost,
      prob: 1,
      access: Access.None,
      name: `${type} ${addressKey(host.address)}`,
    });
    out.push(scan('service_scan', scenario.scanCosts.service));
    out.push(scan('os_scan', scenario.scanCosts.os));
    out.push(scan('subnet_scan', scenario.scanCosts.subnet));
    out.push(scan('process_scan', scenario.scanCosts.process));
    for (const e of scenario.exploits) {
      out.push({
        type: 'exploit',
        host: index,
        cost: e.cost,
        prob: e.prob,
        service: e.service,
        os: e.os,
        access: e.access,
        name: `${e.name} ${addressKey(host.address)}`,
      });
    }
    for (const p of scenario.privescs) {
      out.push({
        type: 'privesc',
        host: index,
        cost: p.cost,
        prob: p.prob,
        process: p.process,
        os: p.os,
        access: p.access,
        name: `${p.name} ${addressKey(host.address)}`,
      });
    }
  });
  return out;
}

/** Every NASim action needs user access (Action's req_access default); only NoOp needs none. */
const REQUIRED_ACCESS = Access.User;

const NOTHING = { success: false, reward: 0, touchedHost: undefined, escalatedHost: undefined };

/** One NASim network's state, acted on by an attacker. */
export class NasimNetwork {
  readonly actions: readonly NasimAction[];
  private readonly state: HostState[];

  constructor(readonly scenario: NasimScenario) {
    this.actions = nasimActions(scenario);
    this.state = scenario.hosts.map(() => ({
      compromised: false,
      reachable: false,
      discovered: false,
      access: Access.None,
    }));
    this.reset();
  }

  /** network.reset: hosts in public subnets start reachable and discovered. */
  reset(): void {
    this.scenario.hosts.forEach((host, i) => {
      const s = this.state[i]!;
      s.compromised = false;
      s.access = Access.None;
      s.reachable = this.subnetPublic(host.address[0]);
      s.discovered = s.reachable;
    });
  }

  compromised(host: number): boolean {
    return this.state[host]!.compromised;
  }

  access(host: number): Access {
    return this.state[host]!.access;
  }

  /** The defender restores a host: a clean machine, as at reset (reachability stays known). */
  restore(host: number): void {
    const s = this.state[host]!;
    s.compromised = false;
    s.access = Access.None;
  }

  /** All sensitive hosts (value > 0) held with root: NASim's goal. */
  goalReached(): boolean {
    return this.scenario.hosts.every(
      (h, i) => h.value <= 0 || this.state[i]!.access >= Access.Root,
    );
  }

  /** network.perform_action followed by the environment's reward (value − cost). */
  perform(index: number, rng: Prng, isolated: ReadonlySet<number> = new Set()): NasimOutcome {
    const action = this.actions[index];
    if (action === undefined) throw new RangeError(`nasim action ${index} out of range`);
    const outcome = this.outcome(action, rng, isolated);
    return { ...outcome, reward: outcome.reward - action.cost };
  }

  private outcome(action: NasimAction, rng: Prng, isolated: ReadonlySet<number>): NasimOutcome {
    const target = this.state[action.host]!;
    const host = this.scenario.hosts[action.host]!;
    const touched =
      action.type === 'exploit' || action.type === 'privesc' ? action.host : undefined;
    if (isolated.has(action.host) || !target.reachable || !target.discovered) return NOTHING;
    const remote =
      action.type === 'service_scan' || action.type === 'os_scan' || action.type === 'exploit';
    if (remote && !this.hasRemotePermission(action, isolated)) return NOTHING;
    if (
      action.type === 'exploit' &&
      !this.trafficPermitted(action.host, action.service!, isolated)
    ) {
      return { ...NOTHING, touchedHost: touched };
    }
    if (action.type === 'privesc' && !target.compromised) return NOTHING;
    const skipDraw = action.type === 'exploit' && target.compromised;
    if (!skipDraw && rng.next() > action.prob) return { ...NOTHING, touchedHost: touched };
    if (action.type === 'subnet_scan') return this.subnetScan(action, target);
    return this.onHost(action, host, target);
  }

  /** host_vector.perform_action. */
  private onHost(action: NasimAction, host: NasimHost, target: HostState): NasimOutcome {
    const touched = action.host;
    if (action.type === 'service_scan' || action.type === 'os_scan')
      return { ...NOTHING, success: true };
    if (action.type === 'exploit') {
      const fits =
        host.services.includes(action.service!) &&
        (action.os === undefined || host.os === action.os);
      if (fits) return this.gain(action, host, target, true);
    }
    if (!(target.compromised && REQUIRED_ACCESS <= target.access)) {
      return { ...NOTHING, touchedHost: action.type === 'process_scan' ? undefined : touched };
    }
    if (action.type === 'process_scan') return { ...NOTHING, success: true };
    if (action.type === 'privesc') {
      const fits =
        (action.process === undefined || host.processes.includes(action.process)) &&
        (action.os === undefined || host.os === action.os);
      if (fits) return this.gain(action, host, target, false);
    }
    return { ...NOTHING, touchedHost: touched };
  }

  private gain(
    action: NasimAction,
    host: NasimHost,
    target: HostState,
    exploit: boolean,
  ): NasimOutcome {
    let value = 0;
    const wasCompromised = target.compromised;
    const before = target.access;
    target.compromised = true;
    if (target.access !== Access.Root) {
      target.access = action.access;
      if (action.access === Access.Root) value = host.value;
    }
    if (exploit) this.updateReachable(host.address[0]);
    const escalated = !wasCompromised || target.access > before ? action.host : undefined;
    return { success: true, reward: value, touchedHost: action.host, escalatedHost: escalated };
  }

  private updateReachable(subnet: number): void {
    this.scenario.hosts.forEach((h, i) => {
      if (this.subnetsConnected(subnet, h.address[0])) this.state[i]!.reachable = true;
    });
  }

  /** network._perform_subnet_scan: discovers every host in a subnet connected to the target's. */
  private subnetScan(action: NasimAction, target: HostState): NasimOutcome {
    if (!target.compromised || target.access < REQUIRED_ACCESS) return NOTHING;
    const subnet = this.scenario.hosts[action.host]!.address[0];
    this.scenario.hosts.forEach((h, i) => {
      if (this.subnetsConnected(subnet, h.address[0])) this.state[i]!.discovered = true;
    });
    return { ...NOTHING, success: true };
  }

  private hasRemotePermission(action: NasimAction, isolated: ReadonlySet<number>): boolean {
    const subnet = this.scenario.hosts[action.host]!.address[0];
    if (this.subnetPublic(subnet)) return true;
    return this.scenario.hosts.some((src, i) => {
      const s = this.state[i]!;
      if (!s.compromised || isolated.has(i)) return false;
      if (action.type !== 'exploit' && !this.subnetsConnected(src.address[0], subnet)) return false;
      if (
        action.type === 'exploit' &&
        !this.subnetTrafficPermitted(src.address[0], subnet, action.service!)
      )
        return false;
      return s.access >= REQUIRED_ACCESS;
    });
  }

  private trafficPermitted(dest: number, service: string, isolated: ReadonlySet<number>): boolean {
    const destHost = this.scenario.hosts[dest]!;
    return this.scenario.hosts.some((src, i) => {
      if (isolated.has(i)) return false;
      if (!this.state[i]!.compromised && !this.subnetPublic(src.address[0])) return false;
      if (!this.subnetTrafficPermitted(src.address[0], destHost.address[0], service)) return false;
      return !(destHost.deniedFrom[addressKey(src.address)] ?? []).includes(service);
    });
  }

  private subnetsConnected(a: number, b: number): boolean {
    return this.scenario.topology[a]?.[b] === 1;
  }

  private subnetTrafficPermitted(src: number, dest: number, service: string): boolean {
    if (src === dest) return true;
    if (!this.subnetsConnected(src, dest)) return false;
    return (this.scenario.firewall[`${src},${dest}`] ?? []).includes(service);
  }

  private subnetPublic(subnet: number): boolean {
    return this.scenario.topology[subnet]?.[0] === 1;
  }
}

export interface RandomAttackerEpisode {
  readonly steps: number;
  readonly reward: number;
  readonly goalReached: boolean;
}

/**
 * NASim's random agent (nasim/agents/random_agent.py run_random_agent): a uniform random action
 * each step until the goal or the scenario's step limit.
 */
export function randomAttackerEpisode(scenario: NasimScenario, rng: Prng): RandomAttackerEpisode {
  const network = new NasimNetwork(scenario);
  let reward = 0;
  for (let step = 1; step <= scenario.stepLimit; step += 1) {
    reward += network.perform(rng.int(network.actions.length), rng).reward;
    if (network.goalReached()) return { steps: step, reward, goalReached: true };
  }
  return { steps: scenario.stepLimit, reward, goalReached: false };
}
