// NASim's scenario format (hosts in subnets, services, processes, exploits, privilege escalations,
// firewalls, scan costs) and its `tiny` benchmark transcribed from the source (see NASIM_TINY).

/** Access levels as NASim numbers them (nasim/envs/utils.py AccessLevel). */
export const Access = { None: 0, User: 1, Root: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];

/** A host address: [subnet, index in subnet]; subnet 0 is the internet. */
export type HostAddress = readonly [number, number];

export interface NasimExploit {
  readonly name: string;
  readonly service: string;
  readonly os: string | undefined;
  readonly prob: number;
  readonly cost: number;
  readonly access: Access;
}

export interface NasimPrivEsc {
  readonly name: string;
  readonly process: string | undefined;
  readonly os: string | undefined;
  readonly prob: number;
  readonly cost: number;
  readonly access: Access;
}

export interface NasimHost {
  readonly address: HostAddress;
  readonly os: string;
  readonly services: readonly string[];
  readonly processes: readonly string[];
  /** Host firewall: services denied from a source host, keyed `"subnet,index"`. */
  readonly deniedFrom: Readonly<Record<string, readonly string[]>>;
  /** Reward for gaining root (the sensitive hosts' value; 0 elsewhere, NASim's default). */
  readonly value: number;
}

export interface NasimScenario {
  readonly name: string;
  /** Where it was transcribed from. */
  readonly source: string;
  /** topology[a][b] = 1 when subnet a connects to subnet b (row 0: the internet). */
  readonly topology: readonly (readonly number[])[];
  /** Subnet firewall: services allowed from subnet a to b, keyed `"a,b"`. */
  readonly firewall: Readonly<Record<string, readonly string[]>>;
  readonly hosts: readonly NasimHost[];
  readonly exploits: readonly NasimExploit[];
  readonly privescs: readonly NasimPrivEsc[];
  readonly scanCosts: {
    readonly service: number;
    readonly os: number;
    readonly subnet: number;
    readonly process: number;
  };
  readonly stepLimit: number;
}

export function addressKey(address: HostAddress): string {
  return `${address[0]},${address[1]}`;
}

/**
 * NASim's `tiny` benchmark: 3 hosts in 3 subnets (one public), ssh exploitable with probability
 * 0.8, tomcat privilege escalation, sensitive hosts (2,0) and (3,0) worth 100 each, every action
 * costing 1, step limit 1000. Transcribed from nasim/scenarios/benchmark/tiny.yaml of
 * github.com/Jjschwartz/NetworkAttackSimulator at commit 4f26de37cfdc3e4553ed8b7484c4db8e2924bdea.
 */
export const NASIM_TINY: NasimScenario = {
  name: 'tiny',
  source:
    'github.com/Jjschwartz/NetworkAttackSimulator nasim/scenarios/benchmark/tiny.yaml @ 4f26de37cfdc3e4553ed8b7484c4db8e2924bdea',
  topology: [
    [1, 1, 0, 0],
    [1, 1, 1, 1],
    [0, 1, 1, 1],
    [0, 1, 1, 1],
  ],
  firewall: {
    '0,1': ['ssh'],
    '1,0': [],
    '1,2': [],
    '2,1': ['ssh'],
    '1,3': ['ssh'],
    '3,1': ['ssh'],
    '2,3': ['ssh'],
    '3,2': ['ssh'],
  },
  hosts: [
    {
      address: [1, 0],
      os: 'linux',
      services: ['ssh'],
      processes: ['tomcat'],
      deniedFrom: { '3,0': ['ssh'] },
      value: 0,
    },
    {
      address: [2, 0],
      os: 'linux',
      services: ['ssh'],
      processes: ['tomcat'],
      deniedFrom: { '1,0': ['ssh'] },
      value: 100,
    },
    {
      address: [3, 0],
      os: 'linux',
      services: ['ssh'],
      processes: ['tomcat'],
      deniedFrom: {},
      value: 100,
    },
  ],
  exploits: [
    { name: 'e_ssh', service: 'ssh', os: 'linux', prob: 0.8, cost: 1, access: Access.User },
  ],
  privescs: [
    { name: 'pe_tomcat', process: 'tomcat', os: 'linux', prob: 1.0, cost: 1, access: Access.Root },
  ],
  scanCosts: { service: 1, os: 1, subnet: 1, process: 1 },
  stepLimit: 1000,
};

/**
 * NASim's published figure for a uniform random agent on `tiny`: steps to the goal, mean ± standard
 * deviation over 100 runs (docs/source/reference/scenarios/benchmark_scenarios_agent_scores.csv,
 * same repository and commit as NASIM_TINY; "Steps: 108.02 +/- 43.82").
 */
export const NASIM_TINY_RANDOM_STEPS = { mean: 108.02, std: 43.82, runs: 100 } as const;
