// Minimum cuts on the flow network of CLRS (Introduction to Algorithms, 3rd ed., Figure 26.1):
// maximum flow 23, and the minimum cut ({s, v1, v2, v4}, {v3, t}) crosses v1→v3, v4→v3 and v4→t.
import { CompactGraph } from './compact-graph';
import { minCut } from './min-cut';

const CLRS: [string, string, number][] = [
  ['s', 'v1', 16],
  ['s', 'v2', 13],
  ['v2', 'v1', 4],
  ['v1', 'v3', 12],
  ['v3', 'v2', 9],
  ['v2', 'v4', 14],
  ['v4', 'v3', 7],
  ['v3', 't', 20],
  ['v4', 't', 4],
];

function network(arcs: [string, string, number][]) {
  const graph = new CompactGraph(
    [],
    arcs.map(([from, to, capacity]) => ({ from, to, weight: 0, payload: capacity })),
  );
  const at = (id: string) => graph.index.get(id)!;
  const name = (a: number) => `${graph.ids[graph.source[a]!]}→${graph.ids[graph.target[a]!]}`;
  return { graph, at, name };
}

it('finds the textbook cut of value 23 with arc capacities as costs', () => {
  const { graph, at, name } = network(CLRS);
  const cut = minCut(graph, [at('s')], [at('t')], { cost: (a) => graph.payload[a]! });
  expect(cut.value).toBe(23);
  expect(cut.cut.map(name).sort()).toEqual(['v1→v3', 'v4→t', 'v4→v3']);
});

it('counts arcs when every arc costs 1: two arcs cut s from t', () => {
  const { graph, at } = network(CLRS);
  const cut = minCut(graph, [at('s')], [at('t')]);
  // s has two arcs out and t two arcs in: a cut of 2 exists and none of 1 (two disjoint paths).
  expect(cut.value).toBe(2);
  expect(cut.cut).toHaveLength(2);
});

it('cuts vertices through the node split: the cut nearest the source, {v1, v2}', () => {
  // Two vertex cuts of size 2 exist: s's only successors {v1, v2} and t's only predecessors {v3, v4};
  // the residual graph's source side gives the one nearest the source.
  const { graph, at } = network(CLRS);
  const cut = minCut(graph, [at('s')], [at('t')], { vertices: true });
  expect(cut.value).toBe(2);
  expect(cut.cut.map((v) => graph.ids[v]).sort()).toEqual(['v1', 'v2']);
});

it('answers Infinity when a source is a target, and 0 when nothing connects them', () => {
  const { graph, at } = network(CLRS);
  expect(minCut(graph, [at('s')], [at('s')]).value).toBe(Infinity);
  expect(minCut(graph, [at('t')], [at('s')])).toEqual({ value: 0, cut: [] });
});

it('never cuts an arc that costs Infinity', () => {
  const { graph, at, name } = network([
    ['a', 'b', Infinity],
    ['b', 'c', 1],
    ['a', 'c', 5],
  ]);
  const cut = minCut(graph, [at('a')], [at('c')], { cost: (x) => graph.payload[x]! });
  expect(cut.value).toBe(6);
  expect(cut.cut.map(name).sort()).toEqual(['a→c', 'b→c']);
});
