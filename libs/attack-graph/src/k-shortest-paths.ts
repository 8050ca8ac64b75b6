// Yen's k-shortest loopless paths (J. Y. Yen, "Finding the K Shortest Loopless Paths in a
// Network", Management Science 17(11), 1971) with Lawler's saving (a path's spurs start at the
// vertex where it left its parent: earlier spurs were tried with the parent) over a CompactGraph;
// paths are arc sequences, so two attacks between the same pair of vertices are two paths.
import type { CompactGraph } from './compact-graph';

export interface ArcPath {
  readonly arcs: readonly number[];
  readonly cost: number;
}

/** Up to `k` cheapest loopless paths from `from` to `to`, cheapest first (ties in discovery order). */
export function kShortestPaths<T>(
  graph: CompactGraph<T>,
  from: number,
  to: number,
  k: number,
): ArcPath[] {
  const shortest = graph.shortestPath(from, to);
  if (!shortest || k <= 0) return [];
  const first = { ...shortest, deviation: 0 };
  const found: (ArcPath & { deviation: number })[] = [first];
  const candidates: (ArcPath & { deviation: number })[] = [];
  const seen = new Set<string>([first.arcs.join(',')]);
  const vertexAt = (path: ArcPath, i: number) =>
    i === 0 ? from : graph.targetOf(path.arcs[i - 1]!);
  while (found.length < k) {
    const last = found[found.length - 1]!;
    for (let i = last.deviation; i < last.arcs.length; i++) {
      const spur = vertexAt(last, i);
      const root = last.arcs.slice(0, i);
      const blockedArcs = new Set<number>();
      for (const p of found) {
        if (p.arcs.length > i && root.every((a, j) => p.arcs[j] === a)) blockedArcs.add(p.arcs[i]!);
      }
      const blockedVertices = new Set<number>();
      for (let j = 0; j < i; j++) blockedVertices.add(vertexAt(last, j));
      const spurPath = graph.shortestPath(spur, to, blockedVertices, blockedArcs);
      if (!spurPath) continue;
      const arcs = [...root, ...spurPath.arcs];
      const key = arcs.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      let cost = spurPath.cost;
      for (const a of root) cost += graph.weightOf(a);
      candidates.push({ arcs, cost, deviation: i });
    }
    if (candidates.length === 0) break;
    let best = 0;
    for (let c = 1; c < candidates.length; c++) {
      if (candidates[c]!.cost < candidates[best]!.cost) best = c;
    }
    found.push(candidates.splice(best, 1)[0]!);
  }
  return found.map(({ arcs, cost }) => ({ arcs, cost }));
}
