// The early beacon finding: a pair too young for RITA's full score whose timing and size sub-scores
// already say "machine, not person". Provisional, low severity, and explained as such.
import { Severity, type Entity } from '@omega/proto';
import { RITA_BEACON_WEIGHTS, RITA_DURATION } from './beacon-score';
import { reason, round3, type DetectorFinding } from './detector';

export interface EarlyBeaconInput {
  detectorId: string;
  timeNs: bigint;
  source: string;
  destination: string;
  entities: Entity[];
  evidenceEventIds: string[];
  evidenceLocations?: unknown[];
  connections: number;
  /** First to last counted connection, seconds. */
  spanSec: number;
  scores: {
    score: number;
    timing: number;
    dataSize: number;
    duration: number;
    histogram: number;
    intervalMedianSec: number;
    intervalMadSec: number;
    bytesMedian: number;
    bytesMad: number;
  };
  config: {
    earlyMinConnections: number;
    earlyMinSubScore: number;
    minIntervalSec: number;
    lowScore: number;
    maxIntervalDispersion: number;
    maxShortIntervalShare: number;
    minRegularIntervals: number;
  };
  /** Set when timing qualified by the jitter-tolerant test rather than by the timing sub-score. */
  jittered?: { dispersion: number; shortShare: number };
}

/** The ATT&CK technique both beacon findings carry (Application Layer Protocol) and its tactic. */
export const EARLY_BEACON_TECHNIQUES = ['T1071'];
const COMMAND_AND_CONTROL = 'TA0011';

export function earlyBeaconFinding(input: EarlyBeaconInput): DetectorFinding {
  const { scores: s, config } = input;
  const threshold = `>= ${config.earlyMinSubScore}`;
  return {
    detectorId: input.detectorId,
    kind: 'early-beacon',
    timeNs: input.timeNs,
    severity: Severity.SEVERITY_LOW,
    title:
      `Possible beaconing from ${input.source} to ${input.destination} (provisional: ` +
      `${input.connections} connections every ${s.intervalMedianSec.toFixed(1)} s)`,
    attackTechniqueIds: [...EARLY_BEACON_TECHNIQUES],
    attackTacticIds: [COMMAND_AND_CONTROL],
    entityKey: input.source,
    entities: input.entities,
    evidenceEventIds: input.evidenceEventIds,
    ...(input.evidenceLocations ? { evidenceLocations: input.evidenceLocations } : {}),
    explanation:
      `Provisional: ${input.source} connected to ${input.destination} ${input.connections} times in ` +
      `${input.spanSec.toFixed(0)} s. Intervals have median ${s.intervalMedianSec.toFixed(2)} s with ` +
      `median absolute deviation ${s.intervalMadSec.toFixed(2)} s (timing sub-score ${s.timing}); ` +
      `bytes sent per connection have median ${s.bytesMedian}, MAD ${s.bytesMad} (data size ` +
      `sub-score ${s.dataSize}). ` +
      (input.jittered
        ? `Sizes are ${threshold}; timing is a jittered timer's: the intervals' MAD is ` +
          `${input.jittered.dispersion.toFixed(3)} of their median (at most ` +
          `${config.maxIntervalDispersion}) and ${input.jittered.shortShare.toFixed(3)} of them are ` +
          `under half of it (at most ${config.maxShortIntervalShare}), over ${input.connections - 1} ` +
          `intervals (at least ${config.minRegularIntervals}), as a check-in sleeping with up to ` +
          `±30% jitter makes and random-timed traffic does not. `
        : `Both are ${threshold} after at least ${config.earlyMinConnections} ` +
          `connections with a median interval of at least ${config.minIntervalSec} s: regular like ` +
          `a program's check-ins, where a person's traffic is irregular in time and size. `) +
      `RITA's other ` +
      `two sub-scores need hours of connections (duration: seen in ${RITA_DURATION.minHoursSeen} or ` +
      `more hourly bins; histogram: a flat hourly profile), so the full RITA score is ` +
      `${s.score.toFixed(3)} for now, under its ${config.lowScore} low band; a separate finding ` +
      `follows if this pair reaches it. A regular benign poller (an update check, a health probe) ` +
      `looks the same: confirm the destination before acting.`,
    reasons: [
      ...(input.jittered
        ? [
            reason(
              'beacon.interval_dispersion',
              round3(input.jittered.dispersion),
              `<= ${config.maxIntervalDispersion}`,
              'MAD of the intervals over their median: a jittered timer stays under it',
            ),
            reason(
              'beacon.short_interval_share',
              round3(input.jittered.shortShare),
              `<= ${config.maxShortIntervalShare}`,
              'Intervals under half the median: a jittered timer makes none',
            ),
          ]
        : [
            reason(
              'beacon.timing',
              s.timing,
              threshold,
              'Inter-arrival regularity (Bowley skew + MAD)',
              RITA_BEACON_WEIGHTS.timing,
            ),
          ]),
      reason(
        'beacon.data_size',
        s.dataSize,
        threshold,
        'Bytes per connection regularity',
        RITA_BEACON_WEIGHTS.dataSize,
      ),
      reason(
        'beacon.connections',
        input.connections,
        `>= ${config.earlyMinConnections}`,
        'Connections seen so far',
      ),
      reason(
        'beacon.interval_median_s',
        s.intervalMedianSec,
        `>= ${config.minIntervalSec}`,
        'Median seconds between connections (a burst is not a beacon)',
      ),
      reason(
        'beacon.score',
        s.score,
        `>= ${config.lowScore} (not reached: duration ${s.duration}, histogram ${s.histogram} need hours)`,
        'RITA score so far: provisional finding',
      ),
    ],
    // RITA's score so far (about 0.5 for a perfect young beacon): provisional, and says so.
    confidence: s.score,
  };
}
