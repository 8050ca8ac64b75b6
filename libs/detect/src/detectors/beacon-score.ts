// RITA's beacon sub-scores as pure functions: timing and data size (Bowley skewness + MAD),
// histogram (coefficient of variation or bimodal fit) and duration (coverage or consistency).
//
// Reference (read, not copied): activecm/rita v5 analysis/beacons.go, and its defaults in
// config.hjson (weights 0.25 each, unique_connection_threshold 4, duration_min_hours_seen 6,
// duration_consistency_ideal_hours_seen 12) and analysis scripts (histogram mode sensitivity 0.05,
// bimodal outlier removal 1, bimodal min hours 11). Score bands: RITA's beacon score_thresholds
// (base 50, low 75, medium 90, high 100, in percent; config/config_test.go).
import { round3 } from './detector';

export interface BeaconWeights {
  timing: number;
  dataSize: number;
  duration: number;
  histogram: number;
}

export const RITA_BEACON_WEIGHTS: BeaconWeights = {
  timing: 0.25,
  dataSize: 0.25,
  duration: 0.25,
  histogram: 0.25,
};

export interface StatisticalScore {
  /** (skewScore + madScore) / 2, 0–1. */
  score: number;
  skew: number;
  skewScore: number;
  median: number;
  mad: number;
  madScore: number;
}

/** Median of a sorted array. */
function medianOfSorted(sorted: ArrayLike<number>, from = 0, to = sorted.length): number {
  const n = to - from;
  if (n <= 0) return 0;
  const mid = from + (n >> 1);
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Quartiles by the halves method (Q1/Q3 are the medians of the lower/upper half, the median itself
 * left out when n is odd), the definition RITA's statistics package uses.
 */
export function quartiles(sorted: ArrayLike<number>): [number, number, number] {
  const n = sorted.length;
  const half = n >> 1;
  return [
    medianOfSorted(sorted, 0, half),
    medianOfSorted(sorted),
    medianOfSorted(sorted, n % 2 === 1 ? half + 1 : half, n),
  ];
}

/**
 * Bowley skewness (Q1 + Q3 − 2·Q2) / (Q3 − Q1), taken as 0 when the spread Q3 − Q1 is under 10 or the
 * median sits on a quartile (RITA's guard against tiny spreads); score = 1 − |skew|.
 */
export function bowleySkewness(sorted: ArrayLike<number>): { skew: number; score: number } {
  const [q1, q2, q3] = quartiles(sorted);
  const spread = q3 - q1;
  const skew = spread >= 10 && q2 !== q1 && q2 !== q3 ? (q1 + q3 - 2 * q2) / spread : 0;
  return { skew, score: 1 - Math.abs(skew) };
}

/** Median absolute deviation; score = (median − MAD) / median, or `defaultScore` when median < 1. */
export function medianAbsoluteDeviation(
  sorted: ArrayLike<number>,
  defaultScore: number,
): { median: number; mad: number; score: number } {
  const median = medianOfSorted(sorted);
  const deviations = Float64Array.from(sorted as ArrayLike<number>, (v) =>
    Math.abs(v - median),
  ).sort();
  const mad = medianOfSorted(deviations);
  let score = median >= 1 ? (median - mad) / median : defaultScore;
  if (!(score >= 0)) score = 0;
  return { median, mad, score };
}

function statisticalScore(sorted: ArrayLike<number>, defaultMadScore: number): StatisticalScore {
  const { skew, score: skewScore } = bowleySkewness(sorted);
  const { median, mad, score: madScore } = medianAbsoluteDeviation(sorted, defaultMadScore);
  return { score: round3((skewScore + madScore) / 2), skew, skewScore, median, mad, madScore };
}

/**
 * Timing sub-score over connection timestamps (seconds): the non-zero inter-arrival times, at least 3
 * of them. Undefined when there are too few.
 */
export function timingScore(timestampsSec: ArrayLike<number>): StatisticalScore | undefined {
  const ts = Float64Array.from(timestampsSec).sort();
  const intervals: number[] = [];
  for (let i = 1; i < ts.length; i++) {
    const delta = ts[i]! - ts[i - 1]!;
    if (delta > 0) intervals.push(delta);
  }
  if (intervals.length < 3) return undefined;
  // A median interval under a second cannot be judged by MAD/median: RITA scores it 1 (default).
  return statisticalScore(Float64Array.from(intervals).sort(), 1);
}

/**
 * Share of the intervals between `timestampsSec` (any order) shorter than `fraction` of
 * `medianSec`. Random-timed calls (Poisson) put 29% of their intervals under half the median; a
 * beacon jittered by ±30% puts none there (its shortest is 0.7/1.3 of the median).
 */
export function shortIntervalShare(
  timestampsSec: ArrayLike<number>,
  medianSec: number,
  fraction = 0.5,
): number {
  const ts = Float64Array.from(timestampsSec).sort();
  let intervals = 0;
  let short = 0;
  for (let i = 1; i < ts.length; i++) {
    const delta = ts[i]! - ts[i - 1]!;
    if (delta <= 0) continue;
    intervals++;
    if (delta < fraction * medianSec) short++;
  }
  return intervals === 0 ? 0 : short / intervals;
}

/** Data size sub-score over bytes per connection, at least 3 values. */
export function dataSizeScore(bytes: ArrayLike<number>): StatisticalScore | undefined {
  if (bytes.length < 3) return undefined;
  return statisticalScore(Float64Array.from(bytes).sort(), 0);
}

export interface HistogramScore {
  score: number;
  cvScore: number;
  bimodalScore: number;
  /** Bins with at least one connection. */
  totalBars: number;
  /** Longest run of non-empty bins, wrapping from the last bin to the first. */
  longestRun: number;
}

export const RITA_HISTOGRAM = {
  modeSensitivity: 0.05,
  bimodalOutlierRemoval: 1,
  bimodalMinHours: 11,
};

/** Histogram sub-score over connections per bin: max(1 − CV, bimodal fit). */
export function histogramScore(counts: ArrayLike<number>): HistogramScore {
  const n = counts.length;
  let total = 0;
  let totalBars = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const count = counts[i]!;
    total += count;
    if (count > 0) totalBars++;
    if (count > largest) largest = count;
  }
  if (total === 0) return { score: 0, cvScore: 0, bimodalScore: 0, totalBars: 0, longestRun: 0 };
  const mean = total / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (counts[i]! - mean) ** 2;
  const cv = Math.sqrt(variance / n) / mean;
  const cvScore = cv > 1 ? 0 : round3(1 - cv);

  // Bimodal fit: bars grouped into buckets of `modeSensitivity` × the tallest bar; the share of bars in
  // the two most common buckets (a beacon alternating between two rates still scores well).
  const bucketSize = Math.ceil(largest * RITA_HISTOGRAM.modeSensitivity);
  const buckets = new Map<number, number>();
  let run = 0;
  let longestRun = 0;
  for (let i = 0; i < 2 * n; i++) {
    const count = counts[i % n]!;
    if (count > 0) run++;
    else {
      longestRun = Math.max(longestRun, run);
      run = 0;
    }
    if (i < n && count > 0) {
      const bucket = Math.floor(count / bucketSize) * bucketSize;
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }
  }
  longestRun = Math.min(Math.max(longestRun, run), n);
  let bimodalScore = 0;
  if (totalBars >= RITA_HISTOGRAM.bimodalMinHours) {
    let first = 0;
    let second = 0;
    for (const bars of buckets.values()) {
      if (bars > first) [first, second] = [bars, first];
      else if (bars > second) second = bars;
    }
    const denominator = Math.max(totalBars - RITA_HISTOGRAM.bimodalOutlierRemoval, 1);
    bimodalScore = Math.min(1, round3((first + second) / denominator));
  }
  return { score: Math.max(cvScore, bimodalScore), cvScore, bimodalScore, totalBars, longestRun };
}

export const RITA_DURATION = { minHoursSeen: 6, idealConsistentHours: 12 };

/**
 * Duration sub-score: once connections were seen in at least 6 hourly bins, the larger of coverage
 * (first-to-last connection over the dataset span) and consistency (longest run of hours / 12).
 */
export function durationScore(
  datasetSpanSec: number,
  pairSpanSec: number,
  totalBars: number,
  longestRun: number,
): { score: number; coverage: number; consistency: number } {
  if (totalBars < RITA_DURATION.minHoursSeen || datasetSpanSec <= 0) {
    return { score: 0, coverage: 0, consistency: 0 };
  }
  const coverage = Math.min(1, Math.ceil((pairSpanSec / datasetSpanSec) * 1000) / 1000);
  const consistency = Math.min(
    1,
    Math.ceil((longestRun / RITA_DURATION.idealConsistentHours) * 1000) / 1000,
  );
  return { score: Math.max(coverage, consistency), coverage, consistency };
}

export function weightedBeaconScore(
  scores: { timing: number; dataSize: number; duration: number; histogram: number },
  weights: BeaconWeights = RITA_BEACON_WEIGHTS,
): number {
  return round3(
    scores.timing * weights.timing +
      scores.dataSize * weights.dataSize +
      scores.duration * weights.duration +
      scores.histogram * weights.histogram,
  );
}
