// Yen's algorithm on the worked example of Wikipedia's "Yen's algorithm" article (C to H, K = 3):
// A1 = C-E-F-H (5), A2 = C-E-G-H (7), A3 = C-D-F-H (8); C-E-D-F-H and C-E-F-G-H also cost 8.
import { CompactGraph } from './compact-graph';
import { kShortestPaths } from './k-shortest-paths';

const ARCS: [string, string, number][] = [
  ['C', 'D', 3],
  ['C', 'E', 2],
  ['D', 'F', 4],
  ['E', 'D', 1],
  ['E', 'F', 2],
  ['E', 'G', 3],
  ['F', 'G', 2],
  ['F', 'H', 1],
  ['G', 'H', 2],
];
const graph = new CompactGraph(
  [],
  ARCS.map(([from, to, weight]) => ({ from, to, weight, payload: `${from}${to}` })),
);
const route = (arcs: readonly number[]) =>
  ['C', ...arcs.map((a) => graph.ids[graph.target[a]!])].join('-');
const paths = (k: number) =>
  kShortestPaths(graph, graph.index.get('C')!, graph.index.get('H')!, k).map((p) => [
    route(p.arcs),
    p.cost,
  ]);

it('finds the article’s three shortest loopless paths, cheapest first', () => {
  const [a1, a2, a3] = paths(3);
  expect(a1).toEqual(['C-E-F-H', 5]);
  expect(a2).toEqual(['C-E-G-H', 7]);
  expect(a3![1]).toBe(8);
  expect(['C-D-F-H', 'C-E-D-F-H', 'C-E-F-G-H']).toContain(a3![0]);
});

it('finds the three paths of cost 8 third to fifth, and nothing twice', () => {
  const found = paths(10);
  expect(
    found
      .slice(2, 5)
      .map((p) => p[0])
      .sort(),
  ).toEqual(['C-D-F-H', 'C-E-D-F-H', 'C-E-F-G-H']);
  expect(new Set(found.map((p) => p[0])).size).toBe(found.length);
  const costs = found.map((p) => p[1] as number);
  expect(costs).toEqual([...costs].sort((a, b) => a - b));
  // Every loopless C→H path of this graph, by hand: CEFH CEGH CDFH CEDFH CEFGH CDFGH CEDFGH.
  expect(found).toHaveLength(7);
});

it('answers nothing when the target cannot be reached', () => {
  expect(kShortestPaths(graph, graph.index.get('H')!, graph.index.get('C')!, 3)).toEqual([]);
});

it('agrees with enumerating every loopless path on random graphs (costs of the k cheapest)', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 200; round++) {
    const n = 3 + Math.floor(random() * 5);
    const arcs: { from: string; to: string; weight: number; payload: number }[] = [];
    for (let u = 0; u < n; u++) {
      for (let v = 0; v < n; v++) {
        if (u === v || random() > 0.45) continue;
        arcs.push({ from: `v${u}`, to: `v${v}`, weight: Math.floor(random() * 5), payload: 0 });
        if (random() < 0.15)
          arcs.push({ from: `v${u}`, to: `v${v}`, weight: Math.floor(random() * 5), payload: 1 });
      }
    }
    const g = new CompactGraph(
      [...Array(n).keys()].map((i) => `v${i}`),
      arcs,
    );
    const from = g.index.get('v0')!;
    const to = g.index.get(`v${n - 1}`)!;
    // Every loopless path by depth-first search over arcs (parallel arcs are distinct paths).
    const all: number[] = [];
    const walk = (v: number, seen: Set<number>, cost: number) => {
      if (v === to) return void all.push(cost);
      for (let a = g.start[v]!; a < g.start[v + 1]!; a++) {
        const w = g.target[a]!;
        if (!seen.has(w)) walk(w, new Set([...seen, w]), cost + g.weight[a]!);
      }
    };
    walk(from, new Set([from]), 0);
    all.sort((a, b) => a - b);
    const k = 1 + Math.floor(random() * 8);
    const yen = kShortestPaths(g, from, to, k).map((p) => p.cost);
    expect([round, yen]).toEqual([round, all.slice(0, k)]);
  }
});
