// First-seen communication edges after a learning period, counted in MIDAS-style count-min sketches.
//
// MIDAS (Bhatia, Hooi, Yoon, Shin, Faloutsos, "MIDAS: Microcluster-Based Detector of Anomalies in
// Edge Streams", AAAI 2020) keeps two count-min sketches per edge: s, all occurrences so far, and a,
// occurrences in the current tick, and scores an edge at tick t by the chi-squared statistic
// (a − s/t)² · t² / (s · (t − 1)). Here an edge is (source identity → destination identity:port); once
// the learning period has passed, an edge whose total estimate is 0 has never been seen (a count-min
// sketch never under-counts) and is reported with its MIDAS score. Memory is fixed by width × depth.
import { NetworkActivityId, Severity, type Event } from '@omega/proto';
import { CountMinSketch } from './count-min-sketch';
import { resolveConfig } from './detector-config';
import {
  evidenceOfEvent,
  reason,
  type Detector,
  type DetectorFinding,
  NO_FINDINGS,
} from './detector';
import { connectionEntities, destinationKey, sourceKey } from './entity-key';

export interface NewEdgeConfig {
  /** Edges seen during this long after the first event are learnt, never reported. */
  learningPeriodNs: number;
  /** MIDAS tick: the current-tick sketch is cleared at each tick boundary. */
  tickNs: number;
  /** Counters per row of the all-time sketch. */
  width: number;
  /** Counters per row of the current-tick sketch (cleared every tick, so it only holds one tick's edges). */
  tickWidth: number;
  /** Row hash seeds (the depth); pass your own for a different but still deterministic layout. */
  seeds: number[];
}

export const NEW_EDGE_DEFAULTS: NewEdgeConfig = {
  learningPeriodNs: 24 * 3600e9,
  tickNs: 60e9,
  width: 1 << 18,
  tickWidth: 1 << 14,
  seeds: [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f],
};

/** MIDAS's chi-squared edge score for `current` occurrences this tick, `total` overall, at tick `tick` (1-based). */
export function midasScore(current: number, total: number, tick: number): number {
  if (total === 0 || tick <= 1) return 0;
  return ((current - total / tick) ** 2 * tick * tick) / (total * (tick - 1));
}

export class NewEdgeDetector implements Detector {
  readonly id = 'new-edge';
  readonly config: NewEdgeConfig;
  private readonly total: CountMinSketch;
  private readonly current: CountMinSketch;
  private startNs: bigint | undefined;
  private tick = 0;
  private readonly cells: Uint32Array;
  private readonly tickCells: Uint32Array;

  /** config.tickNs and learningPeriodNs as bigints, made once (event times are bigints). */
  private readonly tickNs: bigint;
  private readonly learningPeriodNs: bigint;

  constructor(config?: Partial<NewEdgeConfig>) {
    this.config = resolveConfig(
      this.id,
      NEW_EDGE_DEFAULTS,
      {
        learningPeriodNs: 'non-negative',
        tickNs: 'positive',
        width: 'positive-integer',
        tickWidth: 'positive-integer',
      },
      config,
    );
    this.tickNs = BigInt(this.config.tickNs);
    this.learningPeriodNs = BigInt(this.config.learningPeriodNs);
    this.total = new CountMinSketch(this.config.width, this.config.seeds);
    this.current = new CountMinSketch(this.config.tickWidth, this.config.seeds);
    this.cells = new Uint32Array(this.config.seeds.length);
    this.tickCells = new Uint32Array(this.config.seeds.length);
  }

  /** Non-zero counters in the all-time sketch (at most width × depth). */
  stateSize(): number {
    return this.total.usedCells;
  }

  get sizeBytes(): number {
    return this.total.sizeBytes + this.current.sizeBytes;
  }

  observe(event: Event): DetectorFinding[] {
    if (event.payload?.$case !== 'networkActivity') return NO_FINDINGS;
    if (event.payload.value.activityId === NetworkActivityId.NETWORK_ACTIVITY_ID_LISTEN)
      return NO_FINDINGS;
    const source = sourceKey(event);
    const target = destinationKey(event);
    if (!source || !target) return NO_FINDINGS;
    const port = event.dstEndpoint?.port ?? 0;
    const edge = source + '>' + target + ':' + port;

    this.startNs ??= event.timeNs;
    const elapsedNs = event.timeNs - this.startNs;
    const tick = Number(elapsedNs / this.tickNs) + 1;
    if (tick !== this.tick) {
      this.tick = tick;
      this.current.clear();
    }
    // One hashing serves both sketches: the tick sketch's column is the all-time column modulo its width.
    const cells = this.total.cellsOf(edge, this.cells);
    const { width, tickWidth } = this.config;
    for (let row = 0; row < cells.length; row++) {
      this.tickCells[row] = row * tickWidth + ((cells[row]! - row * width) % tickWidth);
    }
    const seenBefore = this.total.estimateAt(cells);
    const total = this.total.addAt(cells);
    const current = this.current.addAt(this.tickCells);
    if (seenBefore > 0 || elapsedNs < this.learningPeriodNs) return NO_FINDINGS;

    const score = midasScore(current, total, tick);
    const learntHours = this.config.learningPeriodNs / 3600e9;
    return [
      {
        detectorId: this.id,
        kind: 'first-seen-edge',
        timeNs: event.timeNs,
        severity: Severity.SEVERITY_LOW,
        title: `New communication edge ${source} → ${target}:${port}`,
        attackTechniqueIds: ['T1021', 'T1046'],
        attackTacticIds: ['TA0008'],
        entityKey: source,
        entities: connectionEntities(event),
        ...evidenceOfEvent(event),
        explanation:
          `${source} talked to ${target} on port ${port} for the first time since Omega started watching ` +
          `(learning period ${learntHours} h, then ${Math.round(Number(elapsedNs) / 3600e9)} h observed). ` +
          `The edge's count-min estimate was 0 before this event; its MIDAS score is ${score.toFixed(1)} ` +
          `at tick ${tick} (${current} this tick, ${total} in all).`,
        reasons: [
          reason(
            'edge.previous_count',
            0,
            '> 0 after learning',
            'Never seen during or after the learning period',
          ),
          reason(
            'edge.midas_score',
            score.toFixed(2),
            'about 0 for a steady edge',
            'MIDAS chi-squared score (Bhatia et al. 2020)',
          ),
        ],
        confidence: 0.7,
      },
    ];
  }
}
