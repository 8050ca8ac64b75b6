// AssessExposure: how exposed each target is and where the attack paths narrow. Seeded
// Monte-Carlo spread over the snapshot's attack edges (each tried once per run with its
// exploitability, one step of time each) from the query's sources gives every target's
// probability of compromise and mean steps to it, with 95% intervals; Brandes betweenness over the
// shortest source-to-target attack paths, with cut vertices, ranks the chokepoints deception can
// place decoys on. Sources and targets default as FindAttackPaths's.
import {
  PROPAGATION_LIMITS,
  attackArcs,
  findChokepoints,
  seededRandom,
  simulatePropagation,
} from '@omega/attack-graph';
import type { AssessExposureRequest, AssessExposureResponse } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { TwinGraphSource } from '../graph-source';
import type { TwinHandlers } from '../twin-grpc';
import { EMPTY_QUERY, resolvePathQuery, type PathDefaults } from './path-handlers';

export interface ExposureDefaults extends PathDefaults {
  /** Runs when the request says 0. */
  readonly iterations: number;
  /** Most runs a request may ask for. */
  readonly maxIterations: number;
  /** Chokepoints when the request says 0 (at most 1,000). */
  readonly chokepoints: number;
}

const MAX_CHOKEPOINTS = 1_000;
const DEFAULT_SEED = 1n;

export function exposureHandlers(defaults: ExposureDefaults) {
  return (source: TwinGraphSource): TwinHandlers => ({
    assessExposure: (request) => assess(source, defaults, request),
  });
}

function bounded(value: number, fallback: number, max: number, field: string): number {
  if (value === 0) return fallback;
  if (value > max) {
    throw new OmegaError(
      Code.InvalidArgument,
      `AssessExposure: ${field}: ${value} is more than ${max}`,
    );
  }
  return value;
}

function assess(
  source: TwinGraphSource,
  defaults: ExposureDefaults,
  request: AssessExposureRequest,
): AssessExposureResponse {
  const iterations = bounded(
    request.iterations,
    defaults.iterations,
    Math.min(defaults.maxIterations, PROPAGATION_LIMITS.iterations),
    'iterations',
  );
  const limit = bounded(
    request.maxChokepoints,
    defaults.chokepoints,
    MAX_CHOKEPOINTS,
    'max_chokepoints',
  );
  const seed = request.seed === 0n ? DEFAULT_SEED : request.seed;
  const snapshot = source.snapshot(request.snapshotId);
  const { graph, sources, targets } = resolvePathQuery(
    snapshot,
    request.query ?? EMPTY_QUERY,
    defaults,
    'AssessExposure',
  );
  const answer = { snapshotId: snapshot.id, iterations, seed };
  if (targets.length === 0) return { assets: [], chokepoints: [], ...answer };
  const arcs = attackArcs(graph);
  if (arcs.length * iterations > PROPAGATION_LIMITS.work) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `AssessExposure: ${iterations} runs over ${arcs.length} attack edges is more than ${PROPAGATION_LIMITS.work} edge trials: ask for fewer iterations`,
    );
  }
  const risks = new Map(
    simulatePropagation(arcs, {
      sources,
      iterations,
      // mulberry32 takes 32 bits: the seed's low half, mixed with its high half.
      random: seededRandom(Number((seed ^ (seed >> 32n)) & 0xffffffffn)),
    }).map((r) => [r.id, r]),
  );
  const assets = targets
    .map((id) => {
      const r = risks.get(id);
      const reached = r !== undefined && r.hits > 0;
      return {
        nodeId: id,
        probability: r?.probability ?? 0,
        probabilityLow: r?.probabilityInterval[0] ?? 0,
        probabilityHigh: r?.probabilityInterval[1] ?? 0,
        meanSteps: reached ? r.meanTime : 0,
        meanStepsLow: reached ? r.meanTimeInterval[0] : 0,
        meanStepsHigh: reached ? r.meanTimeInterval[1] : 0,
      };
    })
    .sort((a, b) => b.probability - a.probability || a.nodeId.localeCompare(b.nodeId));
  const chokepoints = findChokepoints(graph, { sources, targets, limit }).map((c) => ({
    nodeId: c.id,
    betweenness: c.betweenness,
    cutVertex: c.cutVertex,
  }));
  return { assets, chokepoints, ...answer };
}
