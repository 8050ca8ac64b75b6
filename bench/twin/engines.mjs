// The two path engines bench/twin compares on the same arcs (the attack graph's attack edges,
// weight -ln(exploitability), parallel arcs collapsed to the cheapest, a virtual source before
// `external` and a virtual sink after every crown jewel): the lib's CompactGraph (flat arrays,
// Dijkstra on a binary heap, the one Yen's algorithm calls) and graphology's DirectedGraph with
// graphology-shortest-path's bidirectional Dijkstra. Both must find a path of the same cost.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { DirectedGraph } = require('graphology');
const { dijkstra } = require('graphology-shortest-path');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function arcsOf(lib, graph) {
  const best = new Map();
  for (const e of graph.edges()) {
    if (!e.attack || e.exploitability <= 0) continue;
    const key = `${e.fromNodeId}\u0000${e.toNodeId}`;
    const weight = -Math.log(e.exploitability);
    if (!best.has(key) || best.get(key).weight > weight)
      best.set(key, { from: e.fromNodeId, to: e.toNodeId, weight });
  }
  const arcs = [...best.values()];
  arcs.push({ from: '\u0000s', to: 'external', weight: 0 });
  for (const t of lib.crownJewels(graph)) {
    arcs.push({ from: t, to: '\u0000t', weight: -Math.log(graph.vertex(t).criticality) });
  }
  return arcs;
}

export function compareEngines(lib, graph, { rounds }) {
  const arcs = arcsOf(lib, graph);
  const results = [];
  {
    const build = [];
    const query = [];
    let cost;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      const g = new lib.CompactGraph(
        [],
        arcs.map((a) => ({ ...a, payload: undefined })),
      );
      build.push(performance.now() - t0);
      t0 = performance.now();
      const p = g.shortestPath(g.index.get('\u0000s'), g.index.get('\u0000t'));
      query.push(performance.now() - t0);
      cost = p.cost;
    }
    results.push({
      engine: 'CompactGraph (kept)',
      arcs: arcs.length,
      rounds,
      buildMs: median(build),
      queryMs: median(query),
      cost,
    });
  }
  {
    const build = [];
    const query = [];
    let cost;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      const g = new DirectedGraph();
      for (const a of arcs) {
        g.mergeNode(a.from);
        g.mergeNode(a.to);
        g.addDirectedEdge(a.from, a.to, { weight: a.weight });
      }
      build.push(performance.now() - t0);
      t0 = performance.now();
      const nodes = dijkstra.bidirectional(g, '\u0000s', '\u0000t', 'weight');
      query.push(performance.now() - t0);
      cost = 0;
      for (let i = 0; i + 1 < nodes.length; i++)
        cost += g.getEdgeAttribute(g.edge(nodes[i], nodes[i + 1]), 'weight');
    }
    results.push({
      engine: 'graphology 0.26 + graphology-shortest-path 2.1',
      arcs: arcs.length,
      rounds,
      buildMs: median(build),
      queryMs: median(query),
      cost,
    });
  }
  return results;
}
