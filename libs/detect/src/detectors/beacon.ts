// Beaconing (command-and-control check-ins) per source and destination, scored the way RITA does,
// with an early, provisional signal for a beacon too young for RITA's full score.
// Over 400 lines on purpose: one detector whose steps share its per-pair interval state.
//
// One connection counts once, as one Zeek conn.log line does for RITA: connection-records.ts says
// which of a sensor's records (socket OPEN/CLOSE/FAIL, NetFlow-style TRAFFIC summaries) stand for a
// new connection. Per pair the detector keeps the last `maxSamples` timestamps and byte counts
// (timing and size sub-scores) and connections per hour over the last 24 complete hours (histogram
// and duration sub-scores); see beacon-score.ts for the maths.
//
// The histogram and duration sub-scores need hours of connections, so a beacon minutes old scores at
// most 0.5, under RITA's 0.75 low band. A pair whose timing and size sub-scores are both near 1 after
// `earlyMinConnections` connections is reported early, at low severity and marked provisional
// (kind `early-beacon`): the two sub-scores that can be judged in minutes say "machine, not person".
// The full score's finding is still reported when it reaches the low band.
//
// Neither is reported for a destination that `prevalentSources` internal hosts connect to (RITA
// v5's prevalence): a fleet's NTP server or update service is as regular as any beacon.
import { NetworkActivityId, Severity, type Entity, type Event } from '@omega/proto';
import {
  dataSizeScore,
  durationScore,
  histogramScore,
  RITA_BEACON_WEIGHTS,
  shortIntervalShare,
  RITA_DURATION,
  timingScore,
  weightedBeaconScore,
} from './beacon-score';
import { BEACON_DEFAULTS, type BeaconConfig } from './beacon-config';
import { resolveConfig } from './detector-config';
import {
  reason,
  round3,
  secondsOf,
  type Detector,
  type DetectorFinding,
  NO_FINDINGS,
} from './detector';
import { connectionEntities, sourceKey } from './entity-key';
import { Code, OmegaError } from '@omega/errors';
import { ConnectionRecords, isConnectionActivity } from './connection-records';
import { earlyBeaconFinding } from './early-beacon';
import { parseIpNetwork, type IpNetwork } from '../ip-network';
import { EvidenceRing } from './evidence-ring';
import { LruMap } from './lru-map';

export { BEACON_DEFAULTS, PRIVATE_NETWORKS, type BeaconConfig } from './beacon-config';

const HOUR_SEC = 3600;
const BINS = 24;

interface PairState {
  source: string;
  destination: string;
  entities: Entity[];
  connections: number;
  timestampsSec: number[];
  bytes: number[];
  next: number;
  binCounts: Uint32Array;
  binIndex: Int32Array;
  reportedBand: number;
  reportedSec: number;
  /** When the early signal was last reported (-Infinity: never). */
  earlyReportedSec: number;
  /** Event time (s) of the pair's first counted connection. */
  firstSec: number;
  /** Event time (s) the pair was last scored (-Infinity: never). */
  scoredSec: number;
  evidence: EvidenceRing;
}

export interface BeaconScores {
  score: number;
  timing: number;
  dataSize: number;
  duration: number;
  histogram: number;
  intervalMedianSec: number;
  intervalMadSec: number;
  intervalSkew: number;
  bytesMedian: number;
  bytesMad: number;
  bytesSkew: number;
  hoursSeen: number;
  hoursInWindow: number;
}

export class BeaconDetector implements Detector {
  readonly id = 'beacon';
  readonly config: BeaconConfig;
  private readonly pairs: LruMap<string, PairState>;
  private startSec: number | undefined;
  private readonly internal: readonly IpNetwork[];
  /** Destination address → inside the internal networks (addresses repeat: cached, bounded). */
  private readonly internalCache = new LruMap<string, boolean>(4096);
  private readonly connections: ConnectionRecords;
  /** External destination → internal sources seen connecting to it (at most prevalentSources). */
  private readonly sourcesOf: LruMap<string, Set<string>>;

  constructor(config?: Partial<BeaconConfig>) {
    this.config = resolveConfig(
      this.id,
      BEACON_DEFAULTS,
      {
        minConnections: 'positive-integer',
        evaluateEvery: 'positive-integer',
        maxSamples: 'positive-integer',
        maxPairs: 'positive-integer',
        lowScore: 'positive',
        mediumScore: 'positive',
        highScore: 'positive',
        reportIntervalNs: 'non-negative',
        minTimingScore: 'non-negative',
        maxIntervalDispersion: 'positive',
        maxShortIntervalShare: 'non-negative',
        minRegularIntervals: 'non-negative',
        scoreEveryNs: 'positive',
        minIntervalSec: 'non-negative',
        earlyMinConnections: 'positive-integer',
        earlyMinSubScore: 'positive',
        maxConnections: 'positive-integer',
        connectionMemoryNs: 'non-negative',
        prevalentSources: 'positive-integer',
      },
      config,
    );
    this.pairs = new LruMap(this.config.maxPairs);
    this.sourcesOf = new LruMap(this.config.maxPairs);
    this.connections = new ConnectionRecords({
      maxConnections: this.config.maxConnections,
      memoryNs: this.config.connectionMemoryNs,
    });
    this.internal = this.config.internalNetworks.map((cidr) => {
      const network = parseIpNetwork(cidr);
      if (!network) {
        throw new OmegaError(
          Code.InvalidArgument,
          `detector beacon: config.internalNetworks: ${JSON.stringify(cidr)} is not a CIDR`,
        );
      }
      return network;
    });
  }

  /** Whether `ip` is inside the internal networks (then the connection is not scored). */
  private isInternal(ip: string): boolean {
    if (this.internal.length === 0 || ip === '') return false;
    let inside = this.internalCache.get(ip);
    if (inside === undefined) {
      inside = this.internal.some((n) => n.contains(ip));
      this.internalCache.set(ip, inside);
    }
    return inside;
  }

  /** Pairs, remembered connections and destinations' sources (caps: 2 × maxPairs + maxConnections). */
  stateSize(): number {
    return this.pairs.size + this.connections.size + this.sourcesOf.size;
  }

  /** Counts `source` among `destination`'s sources; whether the destination is prevalent. */
  private prevalent(destination: string, source: string): boolean {
    let sources = this.sourcesOf.get(destination);
    if (!sources) {
      sources = new Set();
      this.sourcesOf.set(destination, sources);
    }
    if (sources.size < this.config.prevalentSources) sources.add(source);
    return sources.size >= this.config.prevalentSources;
  }

  observe(event: Event): DetectorFinding[] {
    if (event.payload?.$case !== 'networkActivity') return NO_FINDINGS;
    const activity = event.payload.value.activityId;
    if (!isConnectionActivity(activity)) return NO_FINDINGS;
    const source = sourceKey(event);
    const destination = event.dstEndpoint?.hostname || event.dstEndpoint?.ip;
    if (!source || !destination) return NO_FINDINGS;
    // A flow summary is timed at its start, as a conn.log record is.
    const interval = event.payload.value.interval;
    const nowSec = secondsOf(
      interval && interval.startTimeNs > 0n ? interval.startTimeNs : event.timeNs,
    );
    // The dataset starts at the first connection seen, scored or not (RITA's dataset span).
    if (activity !== NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN) this.startSec ??= nowSec;
    if (this.isInternal(event.dstEndpoint?.ip ?? '')) return NO_FINDINGS;
    if (!this.connections.countsAsConnection(event)) return NO_FINDINGS;
    const pairKey = source + '>' + destination;
    let pair = this.pairs.get(pairKey);
    if (!pair) {
      pair = {
        source,
        destination,
        entities: connectionEntities(event),
        connections: 0,
        timestampsSec: [],
        bytes: [],
        next: 0,
        binCounts: new Uint32Array(BINS),
        binIndex: new Int32Array(BINS).fill(-1),
        reportedBand: 0,
        reportedSec: -Infinity,
        earlyReportedSec: -Infinity,
        firstSec: nowSec,
        scoredSec: -Infinity,
        evidence: new EvidenceRing(),
      };
      this.pairs.set(pairKey, pair);
    }
    this.record(pair, nowSec, event);
    if (this.prevalent(destination, source)) return NO_FINDINGS;
    if (!this.dueForScoring(pair, nowSec)) return NO_FINDINGS;
    pair.scoredSec = nowSec;
    const scores = this.score(pair, nowSec);
    if (!scores) return NO_FINDINGS;
    const full = this.report(pair, scores, nowSec, event);
    return full.length > 0 ? full : this.reportEarly(pair, scores, nowSec, event);
  }

  /**
   * Scoring sorts the pair's samples, so it runs at `minConnections`, every `evaluateEvery`
   * connections, (for the early signal) at each connection from `earlyMinConnections` until twice
   * that, and at a new connection once `scoreEveryNs` has passed: a young beacon is judged as soon
   * as it can be, a slow one as its hours accumulate, at a bounded cost per pair.
   */
  private dueForScoring(pair: PairState, nowSec: number): boolean {
    const { minConnections, evaluateEvery, earlyMinConnections, scoreEveryNs } = this.config;
    const connections = pair.connections;
    if (connections < minConnections) return false;
    return (
      connections === minConnections ||
      connections % evaluateEvery === 0 ||
      (connections >= earlyMinConnections && connections < 2 * earlyMinConnections) ||
      (nowSec - pair.scoredSec) * 1e9 >= scoreEveryNs
    );
  }

  private record(pair: PairState, nowSec: number, event: Event): void {
    pair.connections++;
    const traffic =
      event.payload?.$case === 'networkActivity' ? event.payload.value.traffic : undefined;
    const bytes = traffic ? Number(traffic.bytesOut) : 0;
    if (pair.timestampsSec.length < this.config.maxSamples) {
      pair.timestampsSec.push(nowSec);
      pair.bytes.push(bytes);
    } else {
      pair.timestampsSec[pair.next] = nowSec;
      pair.bytes[pair.next] = bytes;
      pair.next = (pair.next + 1) % this.config.maxSamples;
    }
    // A connection timed before the dataset began (a capture replayed after live traffic) counts in
    // its first hour: hours are counted from the start, and a negative one has no bin.
    const bin = Math.max(0, Math.floor((nowSec - (this.startSec ?? nowSec)) / HOUR_SEC));
    const slot = bin % BINS;
    if (pair.binIndex[slot] !== bin) {
      pair.binIndex[slot] = bin;
      pair.binCounts[slot] = 0;
    }
    pair.binCounts[slot] = pair.binCounts[slot]! + 1;
    pair.evidence.push(event);
  }

  /** All four sub-scores at `nowSec`; undefined if timing cannot be judged yet. */
  score(pair: PairState, nowSec: number): BeaconScores | undefined {
    const timing = timingScore(pair.timestampsSec);
    const size = dataSizeScore(pair.bytes);
    if (!timing || !size) return undefined;
    // Histogram over the complete hours of the last day (the current, partial hour would look like a dip).
    const currentBin = Math.max(0, Math.floor((nowSec - (this.startSec ?? nowSec)) / HOUR_SEC));
    const hoursInWindow = Math.min(BINS, currentBin);
    const counts = new Uint32Array(hoursInWindow);
    let firstBar = -1;
    let lastBar = -1;
    for (let i = 0; i < hoursInWindow; i++) {
      const bin = currentBin - hoursInWindow + i;
      const slot = bin % BINS;
      const count = pair.binIndex[slot] === bin ? pair.binCounts[slot]! : 0;
      counts[i] = count;
      if (count > 0) {
        if (firstBar < 0) firstBar = i;
        lastBar = i;
      }
    }
    const histogram = hoursInWindow > 0 ? histogramScore(counts) : undefined;
    const duration = histogram
      ? durationScore(
          hoursInWindow,
          firstBar < 0 ? 0 : lastBar - firstBar + 1,
          histogram.totalBars,
          histogram.longestRun,
        )
      : { score: 0 };
    const sub = {
      // Bursts are not check-ins (minIntervalSec); RITA would rate their sub-second intervals 1.
      timing: timing.median < this.config.minIntervalSec ? 0 : timing.score,
      dataSize: size.score,
      duration: duration.score,
      histogram: histogram?.score ?? 0,
    };
    return {
      score: weightedBeaconScore(sub, RITA_BEACON_WEIGHTS),
      ...sub,
      intervalMedianSec: timing.median,
      intervalMadSec: timing.mad,
      intervalSkew: round3(timing.skew),
      bytesMedian: size.median,
      bytesMad: size.mad,
      bytesSkew: round3(size.skew),
      hoursSeen: histogram?.totalBars ?? 0,
      hoursInWindow,
    };
  }

  /** The early, provisional finding, when the pair qualifies and was not reported lately. */
  private reportEarly(
    pair: PairState,
    s: BeaconScores,
    nowSec: number,
    event: Event,
  ): DetectorFinding[] {
    const { earlyMinConnections, earlyMinSubScore, reportIntervalNs } = this.config;
    if (pair.connections < earlyMinConnections) return NO_FINDINGS;
    if (s.dataSize < earlyMinSubScore) return NO_FINDINGS;
    // Timing near 1, or a timer jittered by up to ±30% (RITA's timing score falls to 0.7-0.9 there)
    // once enough intervals show it: the same jitter-tolerant test the full finding uses.
    const steady = s.timing >= earlyMinSubScore;
    const jittered = steady ? undefined : this.regularity(pair, s);
    if (!steady && !jittered!.regular) return NO_FINDINGS;
    // Once per report interval, and not while a full finding for the pair is recent.
    const lastReportSec = Math.max(pair.earlyReportedSec, pair.reportedSec);
    if ((nowSec - lastReportSec) * 1e9 < reportIntervalNs) return NO_FINDINGS;
    pair.earlyReportedSec = nowSec;
    return [
      earlyBeaconFinding({
        detectorId: this.id,
        timeNs: event.timeNs,
        source: pair.source,
        destination: pair.destination,
        entities: pair.entities,
        ...pair.evidence.findingFields(),
        connections: pair.connections,
        spanSec: nowSec - pair.firstSec,
        scores: s,
        config: this.config,
        jittered: jittered && {
          dispersion: s.intervalMedianSec > 0 ? s.intervalMadSec / s.intervalMedianSec : 0,
          shortShare: jittered.shortShare,
        },
      }),
    ];
  }

  /**
   * Whether the pair's intervals are regular, judged jitter-tolerantly (beacon-config.ts: timing
   * floor, MAD over median, share of short intervals, enough intervals, median above the floor).
   */
  private regularity(pair: PairState, s: BeaconScores): { regular: boolean; shortShare: number } {
    const c = this.config;
    const shortShare = shortIntervalShare(pair.timestampsSec, s.intervalMedianSec);
    const regular =
      Math.min(pair.connections, c.maxSamples) - 1 >= c.minRegularIntervals &&
      s.intervalMedianSec >= c.minIntervalSec &&
      s.timing >= c.minTimingScore &&
      s.intervalMadSec <= c.maxIntervalDispersion * s.intervalMedianSec &&
      shortShare <= c.maxShortIntervalShare;
    return { regular, shortShare };
  }

  private band(score: number): number {
    const { lowScore, mediumScore, highScore } = this.config;
    return score >= highScore ? 3 : score >= mediumScore ? 2 : score >= lowScore ? 1 : 0;
  }

  private report(
    pair: PairState,
    s: BeaconScores,
    nowSec: number,
    event: Event,
  ): DetectorFinding[] {
    const { regular, shortShare } = this.regularity(pair, s);
    const band = regular ? this.band(s.score) : 0;
    if (band === 0) return NO_FINDINGS;
    const sinceReportNs = (nowSec - pair.reportedSec) * 1e9;
    if (band <= pair.reportedBand && sinceReportNs < this.config.reportIntervalNs)
      return NO_FINDINGS;
    pair.reportedBand = band;
    pair.reportedSec = nowSec;
    const severity = [
      Severity.SEVERITY_INFORMATIONAL,
      Severity.SEVERITY_LOW,
      Severity.SEVERITY_MEDIUM,
      Severity.SEVERITY_HIGH,
    ][band]!;
    const bandName = ['base', 'low', 'medium', 'high'][band];
    // The gate is named only when it is on (minTimingScore 0 and maxIntervalDispersion ≥ 1 give
    // RITA's finding exactly).
    const gated =
      this.config.minTimingScore > 0 ||
      this.config.maxIntervalDispersion < 1 ||
      this.config.maxShortIntervalShare < 1 ||
      this.config.minRegularIntervals > 0;
    const dispersion = s.intervalMedianSec > 0 ? s.intervalMadSec / s.intervalMedianSec : 0;
    return [
      {
        detectorId: this.id,
        kind: 'rita-beacon',
        timeNs: event.timeNs,
        severity,
        title: `Beaconing from ${pair.source} to ${pair.destination} (score ${s.score.toFixed(3)})`,
        attackTechniqueIds: ['T1071', 'T1573'],
        attackTacticIds: ['TA0011'],
        entityKey: pair.source,
        entities: pair.entities,
        ...pair.evidence.findingFields(),
        explanation:
          `${pair.source} connected to ${pair.destination} ${pair.connections} times. Intervals have median ` +
          `${s.intervalMedianSec.toFixed(1)} s with median absolute deviation ${s.intervalMadSec.toFixed(1)} s and ` +
          `Bowley skew ${s.intervalSkew} (timing ${s.timing}); sizes have median ${s.bytesMedian} bytes, MAD ` +
          `${s.bytesMad} (size ${s.dataSize}); connections in ${s.hoursSeen} of the last ${s.hoursInWindow} hours ` +
          `(histogram ${s.histogram}, duration ${s.duration}). RITA-weighted score ${s.score.toFixed(3)} is in ` +
          `RITA's ${bandName} band (low ≥ ${this.config.lowScore}, medium ≥ ${this.config.mediumScore}, ` +
          `high ≥ ${this.config.highScore})${gated ? `, timing is at least ${this.config.minTimingScore} and the intervals' MAD is at most ${this.config.maxIntervalDispersion} of their median with at most ${this.config.maxShortIntervalShare} of them under half of it` : ''}; ` +
          `normal traffic is irregular in timing and size.`,
        reasons: [
          reason(
            'beacon.timing',
            s.timing,
            '1 = perfectly regular',
            'Inter-arrival regularity (Bowley skew + MAD)',
            RITA_BEACON_WEIGHTS.timing,
          ),
          reason(
            'beacon.data_size',
            s.dataSize,
            '1 = constant size',
            'Bytes per connection regularity',
            RITA_BEACON_WEIGHTS.dataSize,
          ),
          reason(
            'beacon.duration',
            s.duration,
            `>= ${RITA_DURATION.minHoursSeen} hours seen`,
            'Persistence over the last day',
            RITA_BEACON_WEIGHTS.duration,
          ),
          reason(
            'beacon.histogram',
            s.histogram,
            '1 = flat hourly histogram',
            'Connections per hour consistency',
            RITA_BEACON_WEIGHTS.histogram,
          ),
          reason('beacon.score', s.score, `>= ${this.config.lowScore}`, `RITA ${bandName} band`),
          ...(gated
            ? [
                reason(
                  'beacon.timing_gate',
                  s.timing,
                  `>= ${this.config.minTimingScore}`,
                  'Timing must carry the finding: always-on clients score on duration and histogram alone',
                ),
                reason(
                  'beacon.interval_dispersion',
                  round3(dispersion),
                  `<= ${this.config.maxIntervalDispersion}`,
                  'MAD of the intervals over their median: jitter of ±30% stays under it, random timing does not',
                ),
                reason(
                  'beacon.short_interval_share',
                  round3(shortShare),
                  `<= ${this.config.maxShortIntervalShare}`,
                  'Intervals under half the median: a jittered timer makes none, random calls about 29%',
                ),
              ]
            : []),
        ],
        confidence: s.score,
      },
    ];
  }
}
