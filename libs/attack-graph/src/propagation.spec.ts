// Monte-Carlo spread against closed forms worked out by hand (not by the code under test):
//   series s→a→b:       P(a) = p1, P(b) = p1·p2; fixed times: T(a) = t1, T(b) = t1 + t2;
//                        exponential times: E[T(b)] = t1 + t2 (means add, independent of success).
//   parallel s→a, s→m→a: P(a) = 1 − (1 − p1)(1 − p2·p3)
//                        = 1 − 0.4·0.6 = 0.76 for p1 = 0.6, p2 = 0.5, p3 = 0.8;
//                        E[T(a) | reached], times 1 each: (0.6·1 + 0.4·0.4·2) / 0.76 = 0.92/0.76.
//   two arcs s→a, p = 1, exponential mean 1 each: T(a) = min of two Exp(1) ~ Exp(2): mean 0.5.
//   a random 8-vertex, 14-arc graph: exact values by enumerating every subset of succeeding arcs.
// Each truth must lie in the 99.9% interval of 40,000 runs (a true value falls outside one in a
// thousand times; the seeds are fixed, so a pass or failure is reproducible).
import { attackArcs, seededRandom, simulatePropagation, type PropagationArc } from './propagation';
import { buildShop } from './testing/shop-cluster';

const arc = (from: string, to: string, probability: number, time = 1): PropagationArc => ({
  from,
  to,
  probability,
  time,
});

function run(arcs: PropagationArc[], seed: number, timeModel: 'fixed' | 'exponential' = 'fixed') {
  const result = simulatePropagation(arcs, {
    sources: ['s'],
    iterations: 40_000,
    random: seededRandom(seed),
    timeModel,
    confidence: 0.999,
  });
  return new Map(result.map((r) => [r.id, r]));
}

// Inside the interval, up to rounding (a vertex reached at one time only has a zero-width interval).
const inside = (value: number, [lo, hi]: readonly [number, number]) =>
  lo - 1e-9 <= value && value <= hi + 1e-9;

describe('simulatePropagation', () => {
  it('matches the series closed form: probabilities multiply, fixed times add', () => {
    const r = run([arc('s', 'a', 0.9, 2), arc('a', 'b', 0.5, 3)], 1);
    expect(inside(0.9, r.get('a')!.probabilityInterval)).toBe(true);
    expect(inside(0.45, r.get('b')!.probabilityInterval)).toBe(true);
    expect(r.get('a')!.meanTime).toBe(2);
    expect(r.get('b')!.meanTime).toBe(5);
    expect(Math.abs(r.get('b')!.probability - 0.45)).toBeLessThan(0.01);
  });

  it('matches the parallel closed form: 1 − (1 − p1)(1 − p2·p3), and the conditional mean time', () => {
    const r = run([arc('s', 'a', 0.6), arc('s', 'm', 0.5), arc('m', 'a', 0.8)], 2).get('a')!;
    expect(inside(0.76, r.probabilityInterval)).toBe(true);
    expect(inside(0.92 / 0.76, r.meanTimeInterval)).toBe(true);
  });

  it('matches exponential times: means add along a chain, and the minimum of two Exp(1) has mean 0.5', () => {
    const chain = run([arc('s', 'a', 0.7, 2), arc('a', 'b', 1, 3)], 3, 'exponential').get('b')!;
    expect(inside(5, chain.meanTimeInterval)).toBe(true);
    expect(inside(0.7, chain.probabilityInterval)).toBe(true);
    const race = run([arc('s', 'a', 1, 1), arc('s', 'a', 1, 1)], 4, 'exponential').get('a')!;
    expect(race.probability).toBe(1);
    expect(inside(0.5, race.meanTimeInterval)).toBe(true);
  });

  it('matches exact values on a graph that is neither series nor parallel, by enumerating all 2^14 arc outcomes', () => {
    // The exact answer, computed here independently: every subset of arcs that succeed, weighted by
    // its probability, and in it the shortest fixed-time path from s (Bellman-Ford).
    const random = seededRandom(42);
    const names = ['s', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const arcs: PropagationArc[] = [];
    while (arcs.length < 14) {
      const from = names[Math.floor(random() * 7)]!;
      const to = names[1 + Math.floor(random() * 7)]!;
      if (from !== to) arcs.push(arc(from, to, 0.2 + 0.7 * random(), 1 + Math.floor(random() * 4)));
    }
    const exactP = new Map<string, number>();
    const exactT = new Map<string, number>();
    for (let mask = 0; mask < 1 << arcs.length; mask++) {
      let weight = 1;
      arcs.forEach((a, i) => (weight *= mask & (1 << i) ? a.probability : 1 - a.probability));
      const dist = new Map<string, number>([['s', 0]]);
      for (let round = 0; round < names.length; round++) {
        arcs.forEach((a, i) => {
          const d = dist.get(a.from);
          if (mask & (1 << i) && d !== undefined && d + a.time < (dist.get(a.to) ?? Infinity))
            dist.set(a.to, d + a.time);
        });
      }
      for (const [v, d] of dist) {
        if (v === 's') continue;
        exactP.set(v, (exactP.get(v) ?? 0) + weight);
        exactT.set(v, (exactT.get(v) ?? 0) + weight * d);
      }
    }
    const r = run(arcs, 5);
    expect(exactP.size).toBeGreaterThan(3);
    for (const [v, p] of exactP) {
      expect(inside(p, r.get(v)!.probabilityInterval)).toBe(true);
      expect(inside(exactT.get(v)! / p, r.get(v)!.meanTimeInterval)).toBe(true);
    }
  });

  it('is reproducible from its seed and differs across seeds', () => {
    const arcs = [arc('s', 'a', 0.6), arc('s', 'm', 0.5), arc('m', 'a', 0.8)];
    expect(run(arcs, 7)).toEqual(run(arcs, 7));
    expect(run(arcs, 7).get('a')!.hits).not.toBe(run(arcs, 8).get('a')!.hits);
  });

  it('spreads over a real graph from the exposed web pod, the database ahead of the secret', () => {
    const graph = buildShop();
    const risks = simulatePropagation(attackArcs(graph), {
      sources: ['external'],
      iterations: 5_000,
      random: seededRandom(9),
    });
    const p = new Map(risks.map((r) => [r.id, r.probability]));
    // external → web is one try at 0.3: nothing downstream can beat it.
    expect(inside(0.3, risks.find((r) => r.id === 'pod/shop/web')!.probabilityInterval)).toBe(true);
    for (const [id, value] of p)
      if (id !== 'pod/shop/web') expect(value).toBeLessThanOrEqual(p.get('pod/shop/web')!);
    expect(p.get('pod/shop/db')!).toBeGreaterThan(p.get('secret/shop/db-creds')!);
  });

  it('bounds its work and checks its arcs', () => {
    const random = seededRandom(1);
    expect(() => simulatePropagation([], { sources: ['s'], iterations: 0, random })).toThrow(
      'iterations must be an integer in 1..1000000, got 0',
    );
    expect(() =>
      simulatePropagation([arc('s', 'a', 1.5)], { sources: ['s'], iterations: 1, random }),
    ).toThrow(
      'propagation: arcs[0] (s → a): probability must be in 0..1 and time a positive number',
    );
    const many = Array.from({ length: 3000 }, (_, i) => arc('s', `v${i}`, 0.5));
    expect(() =>
      simulatePropagation(many, { sources: ['s'], iterations: 1_000_000, random }),
    ).toThrow(/ResourceExhausted|arc trials allowed/);
  });
});
