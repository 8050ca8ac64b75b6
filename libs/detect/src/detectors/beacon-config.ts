// The beacon detector's options and defaults: RITA's thresholds and bands, and Omega's departures
// from RITA (timing gates, interval floor, prevalence, hourly scoring), each with why.

export interface BeaconConfig {
  /** RITA unique_connection_threshold: fewer connections are never scored. */
  minConnections: number;
  /** Score again every this many connections (and at minConnections). */
  evaluateEvery: number;
  /** Timestamps and sizes kept per pair for the timing and size sub-scores. */
  maxSamples: number;
  /** Cap on (source, destination) pairs tracked (LRU). */
  maxPairs: number;
  /** RITA's bands (score 0–1): at or above `low` a finding is reported. */
  lowScore: number;
  mediumScore: number;
  highScore: number;
  /** A pair already reported in the same band is reported again only after this long. */
  reportIntervalNs: number;
  /**
   * A full finding also needs a timing sub-score at least this (0–1). Duration and histogram give any
   * always-on client about half of the low band, and a random-timed API client's size sub-score
   * the rest. Only a floor: the Bowley skew half of the timing score is noisy on a few dozen
   * intervals (a slow beacon jittered by ±30% scores 0.7–0.9), so regularity itself is judged by
   * `maxIntervalDispersion`.
   */
  minTimingScore: number;
  /**
   * ... and the intervals' median absolute deviation over their median at most this. Jitter of ±j
   * (uniform) gives j/2 in expectation and never more than j: ±30% stays under 0.27 even on a dozen
   * intervals, while random-timed calls (Poisson: 0.69 in expectation) go under it on 15 intervals
   * about once in a hundred pairs, and then rarely with a score in RITA's bands.
   */
  maxIntervalDispersion: number;
  /**
   * ... and at most this share of the intervals shorter than half their median: the MAD test alone
   * lets a Poisson pair through about once in a hundred on a dozen intervals, this one more rarely
   * than once in a thousand when both must hold, and no ±30% jitter fails it.
   */
  maxShortIntervalShare: number;
  /**
   * ... judged on at least this many intervals: on fewer, random timing passes both tests too often
   * (1% of Poisson pairs on 11 intervals, 0.15% on 15) for a client with dozens of destinations.
   */
  minRegularIntervals: number;
  /** A pair with new connections is scored at least this often (slow beacons make few connections). */
  scoreEveryNs: number;
  /**
   * Below this median interval (seconds) timing scores 0 in every path: connections fired in a burst
   * (a page's parallel downloads) have sub-second intervals, which RITA's MAD score rates 1.
   */
  minIntervalSec: number;
  /**
   * Networks inside the deployment (CIDRs). As in RITA, only connections to a destination outside
   * them are scored: command and control sits outside, while steady in-cluster service traffic
   * (always on, evenly spread over the hours) scores in RITA's low band and would drown it.
   * An empty list scores every destination.
   */
  internalNetworks: readonly string[];
  /** The early, provisional signal: at least this many connections (raise it to turn it off). */
  earlyMinConnections: number;
  /** ... and both the timing and the data size sub-scores at or above this (0–1). */
  earlyMinSubScore: number;
  /** Connections remembered to count each once (connection-records.ts). */
  maxConnections: number;
  /** How long a connection is remembered after its last record; above the sentinel's flow active timeout (60 s). */
  connectionMemoryNs: number;
  /**
   * A destination this many internal sources connect to is not reported (RITA v5's prevalence): NTP
   * servers, update services and cloud APIs are polled on a timer by whole fleets, command and
   * control by the few hosts an attacker holds. Raise it to score every destination.
   */
  prevalentSources: number;
}

/** RFC 1918, shared (RFC 6598), loopback, link-local and IPv6 unique-local/link-local/loopback. */
export const PRIVATE_NETWORKS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
];

export const BEACON_DEFAULTS: BeaconConfig = {
  minConnections: 4,
  evaluateEvery: 16,
  maxSamples: 128,
  maxPairs: 20_000,
  lowScore: 0.75,
  mediumScore: 0.9,
  highScore: 1,
  reportIntervalNs: 3600e9,
  minTimingScore: 0.6,
  maxIntervalDispersion: 0.27,
  maxShortIntervalShare: 0.1,
  minRegularIntervals: 15,
  scoreEveryNs: 3600e9,
  minIntervalSec: 1,
  internalNetworks: PRIVATE_NETWORKS,
  earlyMinConnections: 8,
  earlyMinSubScore: 0.95,
  maxConnections: 65_536,
  connectionMemoryNs: 120e9,
  prevalentSources: 4,
};
