// Seeded Monte-Carlo spread over attack edges: in each run every edge is tried once, succeeding
// with its probability (independent cascade), and a vertex is compromised at the earliest time
// a chain of successful edges from a source reaches it (each edge takes its time: fixed, or drawn
// from an exponential with that mean). Per vertex: P(compromise) with a Wilson interval, and the
// mean time-to-compromise over the runs that reach it with a normal interval. No clock, no
// Math.random: the random source is passed in.
import { Code, OmegaError } from '@omega/errors';
import type { GraphView } from './attack-paths';
import type { Edge } from './graph-model';

export interface PropagationArc {
  readonly from: string;
  readonly to: string;
  /** Chance the attack along it succeeds, 0..1. */
  readonly probability: number;
  /** Time it takes (mean with `timeModel: 'exponential'`), > 0, in any unit (hours, say). */
  readonly time: number;
}

export interface PropagationOptions {
  readonly sources: readonly string[];
  /** Runs; at most PROPAGATION_LIMITS.iterations. */
  readonly iterations: number;
  /** Uniform in [0, 1): a seeded generator (seededRandom). */
  readonly random: () => number;
  /** Default 'fixed'. */
  readonly timeModel?: 'fixed' | 'exponential';
  /** Two-sided confidence level of the intervals: 0.95 (default), 0.99 or 0.999. */
  readonly confidence?: 0.95 | 0.99 | 0.999;
}

export interface AssetRisk {
  readonly id: string;
  readonly probability: number;
  readonly probabilityInterval: readonly [number, number];
  /** Mean time to compromise over the runs that compromised it; NaN when none did. */
  readonly meanTime: number;
  readonly meanTimeInterval: readonly [number, number];
  /** Runs that compromised it. */
  readonly hits: number;
}

export const PROPAGATION_LIMITS = { iterations: 1_000_000, arcs: 5_000_000, work: 2e9 } as const;

const Z = { 0.95: 1.959963984540054, 0.99: 2.5758293035489004, 0.999: 3.2905267314919255 } as const;

/** mulberry32: a small seeded generator for the `random` option (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The attack edges of a graph as arcs: probability = exploitability, time from `timeOf` (default 1). */
export function attackArcs(
  graph: GraphView,
  timeOf: (edge: Edge) => number = () => 1,
): PropagationArc[] {
  const arcs: PropagationArc[] = [];
  graph.forEachEdge((e) => {
    if (e.attack && e.exploitability > 0) {
      arcs.push({
        from: e.fromNodeId,
        to: e.toNodeId,
        probability: e.exploitability,
        time: timeOf(e),
      });
    }
  });
  return arcs;
}

function wilson(hits: number, n: number, z: number): [number, number] {
  const p = hits / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** P(compromise) and time-to-compromise of every vertex an arc reaches, sources excluded. */
export function simulatePropagation(
  arcs: readonly PropagationArc[],
  options: PropagationOptions,
): AssetRisk[] {
  const { iterations, random } = options;
  if (
    !Number.isInteger(iterations) ||
    iterations < 1 ||
    iterations > PROPAGATION_LIMITS.iterations
  ) {
    throw new OmegaError(
      Code.InvalidArgument,
      `propagation: iterations must be an integer in 1..${PROPAGATION_LIMITS.iterations}, got ${iterations}`,
    );
  }
  if (arcs.length > PROPAGATION_LIMITS.arcs || arcs.length * iterations > PROPAGATION_LIMITS.work) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `propagation: ${arcs.length} arcs × ${iterations} runs is more than the ${PROPAGATION_LIMITS.work} arc trials allowed`,
    );
  }
  const index = new Map<string, number>();
  const ids: string[] = [];
  const at = (id: string) => {
    let i = index.get(id);
    if (i === undefined) {
      index.set(id, (i = ids.length));
      ids.push(id);
    }
    return i;
  };
  for (const s of options.sources) at(s);
  arcs.forEach((a, i) => {
    if (!(a.probability >= 0 && a.probability <= 1) || !(a.time > 0 && Number.isFinite(a.time))) {
      throw new OmegaError(
        Code.InvalidArgument,
        `propagation: arcs[${i}] (${a.from} → ${a.to}): probability must be in 0..1 and time a positive number`,
      );
    }
    at(a.from);
    at(a.to);
  });
  const n = ids.length;
  const start = new Int32Array(n + 1);
  for (const a of arcs) start[index.get(a.from)! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  const to = new Int32Array(arcs.length);
  const prob = new Float64Array(arcs.length);
  const time = new Float64Array(arcs.length);
  for (const a of arcs) {
    const slot = fill[index.get(a.from)!]!++;
    to[slot] = index.get(a.to)!;
    prob[slot] = a.probability;
    time[slot] = a.time;
  }
  const exponential = options.timeModel === 'exponential';
  const hits = new Float64Array(n);
  const sumT = new Float64Array(n);
  const sumT2 = new Float64Array(n);
  const dist = new Float64Array(n);
  const heap = new TimeHeap();
  const sources = options.sources.map((s) => index.get(s)!);
  for (let run = 0; run < iterations; run++) {
    dist.fill(Infinity);
    for (const s of sources) {
      dist[s] = 0;
      heap.push(s, 0);
    }
    // Dijkstra over the arcs that succeed this run (each tried once, when its tail is first settled).
    while (heap.size > 0) {
      const [v, d] = heap.pop();
      if (d > dist[v]!) continue;
      for (let a = start[v]!; a < start[v + 1]!; a++) {
        if (random() >= prob[a]!) continue;
        const t = exponential ? -Math.log(1 - random()) * time[a]! : time[a]!;
        const w = to[a]!;
        if (d + t < dist[w]!) {
          dist[w] = d + t;
          heap.push(w, d + t);
        }
      }
    }
    for (let v = 0; v < n; v++) {
      if (dist[v] === Infinity) continue;
      hits[v]!++;
      sumT[v]! += dist[v]!;
      sumT2[v]! += dist[v]! * dist[v]!;
    }
  }
  const z = Z[options.confidence ?? 0.95];
  const isSource = new Set(sources);
  const out: AssetRisk[] = [];
  for (let v = 0; v < n; v++) {
    if (isSource.has(v)) continue;
    const h = hits[v]!;
    const mean = h > 0 ? sumT[v]! / h : NaN;
    const variance = h > 1 ? (sumT2[v]! - h * mean * mean) / (h - 1) : 0;
    const half = h > 0 ? z * Math.sqrt(Math.max(0, variance) / h) : NaN;
    out.push({
      id: ids[v]!,
      probability: h / iterations,
      probabilityInterval: wilson(h, iterations, z),
      meanTime: mean,
      meanTimeInterval: [mean - half, mean + half],
      hits: h,
    });
  }
  return out.sort((a, b) => b.probability - a.probability || (a.id < b.id ? -1 : 1));
}

/** A binary min-heap of (vertex, time). */
class TimeHeap {
  private readonly vs: number[] = [];
  private readonly ts: number[] = [];
  get size(): number {
    return this.vs.length;
  }
  push(v: number, t: number): void {
    let i = this.vs.length;
    this.vs.push(v);
    this.ts.push(t);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.ts[p]! <= t) break;
      this.vs[i] = this.vs[p]!;
      this.ts[i] = this.ts[p]!;
      i = p;
    }
    this.vs[i] = v;
    this.ts[i] = t;
  }
  pop(): [number, number] {
    const top: [number, number] = [this.vs[0]!, this.ts[0]!];
    const v = this.vs.pop()!;
    const t = this.ts.pop()!;
    const n = this.vs.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && this.ts[l + 1]! < this.ts[l]! ? l + 1 : l;
        if (this.ts[c]! >= t) break;
        this.vs[i] = this.vs[c]!;
        this.ts[i] = this.ts[c]!;
        i = c;
      }
      this.vs[i] = v;
      this.ts[i] = t;
    }
    return top;
  }
}
