// Betweenness and cut vertices against a second implementation: Python networkx (3.x) computes
// the same on the same arcs (betweenness_centrality, betweenness_centrality_subset with
// normalized=False, articulation_points of the undirected graph), run by this spec.
import { execFileSync } from 'node:child_process';
import { twinGymPython } from '@omega/testkit';
import { betweenness, cutVertices, findChokepoints, SimpleDigraph } from './chokepoints';
import { seededRandom } from './propagation';
import { buildShop } from './testing/shop-cluster';

const NETWORKX = `
import json, sys
import networkx as nx
data = json.load(sys.stdin)
g = nx.DiGraph()
g.add_nodes_from(data["vertices"])
g.add_edges_from((a, b) for a, b in data["arcs"] if a != b)
out = {"version": nx.__version__, "all": nx.betweenness_centrality(g),
       "cut": sorted(nx.articulation_points(g.to_undirected()))}
if data.get("sources"):
    out["subset"] = nx.betweenness_centrality_subset(g, data["sources"], data["targets"], normalized=False)
print(json.dumps(out))
`;

interface NetworkxAnswer {
  version: string;
  all: Record<string, number>;
  cut: string[];
  subset?: Record<string, number>;
}

// networkx 3.6.1, pinned in the twin environment's venv (scripts/twin-gym-tools.mjs builds it).
let python = '';
beforeAll(() => {
  python = twinGymPython();
}, 600_000);

function networkx(g: SimpleDigraph, sources?: string[], targets?: string[]): NetworkxAnswer {
  const arcs = g.out.flatMap((ws, u) => ws.map((w) => [g.ids[u], g.ids[w]]));
  const input = JSON.stringify({ vertices: g.ids, arcs, sources, targets });
  return JSON.parse(
    execFileSync(python, ['-c', NETWORKX], { input, encoding: 'utf8' }),
  ) as NetworkxAnswer;
}

function randomGraph(seed: number, vertices: number, arcs: number): SimpleDigraph {
  const random = seededRandom(seed);
  const pick = () => `v${Math.floor(random() * vertices)}`;
  return new SimpleDigraph(Array.from({ length: arcs }, () => [pick(), pick()] as const));
}

function compare(g: SimpleDigraph, sources?: string[], targets?: string[]): void {
  const theirs = networkx(g, sources, targets);
  expect(theirs.version).toMatch(/^3\./);
  const all = betweenness(g);
  g.ids.forEach((id, v) => expect(all[v]).toBeCloseTo(theirs.all[id]!, 12));
  const cut = cutVertices(g);
  expect(g.ids.filter((_, v) => cut[v]).sort()).toEqual(theirs.cut);
  if (sources) {
    const subset = betweenness(g, sources, targets);
    g.ids.forEach((id, v) => expect(subset[v]).toBeCloseTo(theirs.subset![id]!, 9));
  }
}

describe('chokepoints', () => {
  it('agrees with networkx on the shop cluster’s attack graph, all pairs and external → crown jewels', () => {
    const g = SimpleDigraph.ofAttackEdges(buildShop());
    compare(g, ['external'], ['pod/shop/db', 'secret/shop/db-creds']);
  });

  it('agrees with networkx on seeded random graphs, sparse (many cut vertices) and dense', () => {
    compare(randomGraph(1, 60, 70), ['v0', 'v1'], ['v50', 'v51', 'v52']);
    compare(randomGraph(2, 200, 600), ['v0'], ['v199']);
    compare(randomGraph(3, 40, 400));
  });

  it('ranks the web pod first on the shop cluster: every path from outside crosses it', () => {
    const [first, ...rest] = findChokepoints(buildShop(), {
      sources: ['external'],
      targets: ['pod/shop/db', 'secret/shop/db-creds'],
    });
    expect(first).toMatchObject({ id: 'pod/shop/web', cutVertex: true });
    expect(rest.every((c) => c.betweenness < first!.betweenness)).toBe(true);
  });

  it('refuses half a pair set and bad limits', () => {
    const graph = buildShop();
    expect(() => findChokepoints(graph, { sources: ['external'] })).toThrow(
      'give both sources and targets, or neither',
    );
    expect(() => findChokepoints(graph, { limit: 0 })).toThrow(
      'limit must be an integer in 1..1000, got 0',
    );
    // All pairs on 3,000 vertices and ~1,000,000 arcs: 3·10⁹ steps, refused before any is taken.
    const many = Array.from({ length: 3000 }, (_, i) => `v${i}`);
    const arcs = many.flatMap((a, i) => many.slice(i + 1, i + 334).map((b) => [a, b] as const));
    const wide = {
      forEachEdge: (visit: (e: object) => void) =>
        arcs.forEach(([a, b]) =>
          visit({ fromNodeId: a, toNodeId: b, attack: 'NETWORK_REACH', exploitability: 0.3 }),
        ),
    };
    expect(() => findChokepoints(wide as never)).toThrow(
      /3000 searches over \d+ arcs is more than the 2000000000 steps allowed/,
    );
  });
});
