// NASim's tiny scenario ported: a uniform random attacker in the port takes as many steps to the
// goal as NASim's published figure says, and as NASim itself (run here from its own package).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NASIM_TINY, NASIM_TINY_RANDOM_STEPS } from './nasim-scenario';
import { NasimNetwork, randomAttackerEpisode } from './nasim-sim';
import { Prng } from './prng';
import { twinGymPython } from '@omega/testkit';

function stats(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, std };
}

const EPISODES = 1000;
const port = Array.from({ length: EPISODES }, (_, seed) =>
  randomAttackerEpisode(NASIM_TINY, new Prng(BigInt(seed))),
);
const portSteps = stats(port.map((e) => e.steps));

describe("NASim's tiny scenario, ported", () => {
  it('has NASim’s 18 flat actions: 3 hosts × (4 scans + 1 exploit + 1 privilege escalation)', () => {
    const names = new NasimNetwork(NASIM_TINY).actions.map((a) => a.name);
    expect(names.length).toBe(18);
    expect(names.slice(0, 6)).toEqual([
      'service_scan 1,0',
      'os_scan 1,0',
      'subnet_scan 1,0',
      'process_scan 1,0',
      'e_ssh 1,0',
      'pe_tomcat 1,0',
    ]);
  });

  it('reaches the goal along the optimal path the scenario file documents, scoring 200 − 6', () => {
    // tiny.yaml: (e_ssh,(1,0)) -> subnet_scan -> (e_ssh,(3,0)) -> (pe_tomcat,(3,0))
    //   -> (e_ssh,(2,0)) -> (pe_tomcat,(2,0)); "Score = 200 - (6*1) = 195" (sic: the file's own
    //   arithmetic slips; NASim 0.12 itself scores this path 194.0 when every attempt succeeds).
    const network = new NasimNetwork(NASIM_TINY);
    const index = (name: string) => network.actions.findIndex((a) => a.name === name);
    const path = [
      'e_ssh 1,0',
      'subnet_scan 1,0',
      'e_ssh 3,0',
      'pe_tomcat 3,0',
      'e_ssh 2,0',
      'pe_tomcat 2,0',
    ];
    const always = { next: () => 0 } as unknown as Prng; // every success draw passes
    const score = path.reduce((sum, name) => sum + network.perform(index(name), always).reward, 0);
    expect(score).toBe(200 - 6 * 1);
    expect(network.goalReached()).toBe(true);
  });

  it('refuses ssh from (1,0) to (2,0): (2,0) is reached only through (3,0), as its firewall says', () => {
    const network = new NasimNetwork(NASIM_TINY);
    const index = (name: string) => network.actions.findIndex((a) => a.name === name);
    const always = { next: () => 0 } as unknown as Prng;
    for (const name of ['e_ssh 1,0', 'subnet_scan 1,0', 'e_ssh 2,0'])
      network.perform(index(name), always);
    expect(network.compromised(1)).toBe(false);
  });

  it(`a uniform random attacker's steps to the goal match NASim's published ${NASIM_TINY_RANDOM_STEPS.mean} ± ${NASIM_TINY_RANDOM_STEPS.std}`, () => {
    expect(port.every((e) => e.goalReached)).toBe(true);
    // The published mean is over 100 runs: its standard error is std/√100 ≈ 4.4 steps; the port's
    // mean over 1,000 episodes must fall within two of those, and its spread within 15 %.
    const stderr = NASIM_TINY_RANDOM_STEPS.std / Math.sqrt(NASIM_TINY_RANDOM_STEPS.runs);
    expect(Math.abs(portSteps.mean - NASIM_TINY_RANDOM_STEPS.mean)).toBeLessThan(2 * stderr);
    expect(Math.abs(portSteps.std / NASIM_TINY_RANDOM_STEPS.std - 1)).toBeLessThan(0.15);
  });

  it("matches NASim's own random agent run on NASim's own tiny scenario", () => {
    const script = join(__dirname, 'testing', 'nasim_random_agent.py');
    const run = spawnSync(twinGymPython(), [script, 'tiny', String(EPISODES), '0'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    const nasim = JSON.parse(run.stdout) as { steps: number[]; goals: number };
    expect(nasim.goals).toBe(EPISODES);
    const theirs = stats(nasim.steps);
    // Two samples of 1,000: the difference of means has a standard error of about √2·σ/√1000.
    const stderr = Math.sqrt((theirs.std ** 2 + portSteps.std ** 2) / EPISODES);
    expect(Math.abs(portSteps.mean - theirs.mean)).toBeLessThan(3 * stderr);
    expect(Math.abs(portSteps.std / theirs.std - 1)).toBeLessThan(0.1);
    // Kolmogorov–Smirnov distance between the two step distributions, at α = 0.01.
    const ks = ksDistance(
      port.map((e) => e.steps),
      nasim.steps,
    );
    expect(ks).toBeLessThan(1.628 * Math.sqrt(2 / EPISODES));
  }, 180_000);
});

function ksDistance(a: readonly number[], b: readonly number[]): number {
  const xs = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const cdf = (s: readonly number[], x: number) => s.filter((v) => v <= x).length / s.length;
  return Math.max(...xs.map((x) => Math.abs(cdf(a, x) - cdf(b, x))));
}
