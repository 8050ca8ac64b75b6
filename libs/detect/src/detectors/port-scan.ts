// Port and host scan detection: Threshold Random Walk per source, plus Zeek scan.zeek's fixed thresholds.
//
// TRW: Jung, Paxson, Berger, Balakrishnan, "Fast Portscan Detection Using Sequential Hypothesis
// Testing", IEEE S&P 2004. Each first contact of a source with a new destination host is a Bernoulli
// trial: success with probability θ0 = 0.8 if the source is benign, θ1 = 0.2 if it is a scanner. The
// likelihood ratio Λ is multiplied by θ1/θ0 on a success and (1−θ1)/(1−θ0) on a failure; the source is
// declared a scanner when Λ ≥ η1 = β/α and benign when Λ ≤ η0 = (1−β)/(1−α), with the paper's
// α = 0.01, β = 0.99 (η1 = 99, η0 ≈ 0.0101). Four straight failures give Λ = 4⁴ = 256 ≥ 99.
//
// Baseline: Zeek's scripts/policy/misc/scan.zeek: an address scan is failed attempts to 25 distinct
// hosts on one port, a port scan is failed attempts to 15 distinct ports of one host, each counted
// over 5 minutes (addr_scan_threshold = 25, port_scan_threshold = 15, *_interval = 5 min). Here the
// window is an hour: a scan of one probe a minute never reaches 15 ports in Zeek's 5 minutes.
//
// Both count only failures to services (host and port) the source never reached: a failed attempt
// to a service it had a working connection with is an outage (a monitoring system scraping a node
// that went down, a sidecar reconnecting to a pod a rollout removed), not a probe, while the other
// ports of a host it talks to are still probed when they fail. The services each source reached are
// remembered in one bounded LRU of (source, host, port).
import { EntityKind, IpProtocol, NetworkActivityId, Severity, type Event } from '@omega/proto';
import { resolveConfig } from './detector-config';
import { reason, type Detector, type DetectorFinding, NO_FINDINGS } from './detector';
import { ContactedHosts } from './contacted-hosts';
import { ActorIdentity, entity, reachedServiceKey, sourceKey, sourceStateKey } from './entity-key';
import { EvidenceRing } from './evidence-ring';
import { LruMap } from './lru-map';

export interface PortScanConfig {
  /** TRW: success probability of a benign source's first contacts. */
  theta0: number;
  /** TRW: success probability of a scanner's first contacts. */
  theta1: number;
  /** TRW: target false-positive rate (P_F). */
  alpha: number;
  /** TRW: target detection rate (P_D). */
  beta: number;
  /** Zeek: distinct hosts on one port (failed attempts) that make an address scan. */
  addressScanHosts: number;
  /** Zeek: distinct ports on one host (failed attempts) that make a port scan. */
  portScanPorts: number;
  /** Zeek: counting window. */
  windowNs: number;
  /** Cap on sources tracked (LRU). */
  maxSources: number;
  /** Cap on destination hosts remembered per source for TRW's first-contact test (LRU). */
  maxHostsPerSource: number;
  /** Cap on (port) and (host) counters per source for the Zeek thresholds. */
  maxCountersPerSource: number;
  /** Cap on (source, host, port) services remembered as reached (LRU). */
  maxReachedPairs: number;
}

export const PORT_SCAN_DEFAULTS: PortScanConfig = {
  theta0: 0.8,
  theta1: 0.2,
  alpha: 0.01,
  beta: 0.99,
  addressScanHosts: 25,
  portScanPorts: 15,
  windowNs: 60 * 60 * 1e9,
  maxSources: 20_000,
  maxHostsPerSource: 64,
  maxCountersPerSource: 16,
  maxReachedPairs: 65_536,
};

/** One source's state; an evicted one is reset in place for the next new source (see `observe`). */
interface SourceState {
  actor: ActorIdentity;
  /** TRW log-likelihood ratio (log Λ), so long walks do not under/overflow. */
  logRatio: number;
  trials: number;
  failures: number;
  /** Hosts already contacted, oldest first; the oldest is forgotten past maxHostsPerSource. */
  contacted: ContactedHosts;
  windowStartNs: bigint;
  /** port → distinct hosts with a failed attempt (Zeek address scan); created on the first failure. */
  hostsByPort: Map<number, Set<string>> | undefined;
  /** host → distinct ports with a failed attempt (Zeek port scan). */
  portsByHost: Map<string, Set<number>> | undefined;
  reported: Set<string> | undefined;
  evidence: EvidenceRing;
}

/** `state` (a new one when undefined) made the state of a source first seen in `event`. */
function freshSource(
  state: SourceState | undefined,
  event: Event,
  maxHostsPerSource: number,
): SourceState {
  if (!state) {
    state = {
      actor: new ActorIdentity(),
      logRatio: 0,
      trials: 0,
      failures: 0,
      contacted: new ContactedHosts(maxHostsPerSource),
      windowStartNs: 0n,
      hostsByPort: undefined,
      portsByHost: undefined,
      reported: undefined,
      evidence: new EvidenceRing(),
    };
  } else {
    state.logRatio = 0;
    state.trials = 0;
    state.failures = 0;
    state.contacted.clear();
    state.hostsByPort = undefined;
    state.portsByHost = undefined;
    state.reported = undefined;
    state.evidence.clear();
  }
  state.actor.assignSource(event);
  state.windowStartNs = event.timeNs;
  return state;
}

const TCP_RST = 0x04;

/**
 * Outcome of a connection event for scan purposes; undefined when the event says neither. A TRAFFIC
 * summary (one per flow, e.g. from pcap replay) failed when nothing came back, or when the answer was
 * a lone reset (Zeek's REJ: at most one packet in, flags include RST, at most two packets out).
 */
export function connectionOutcome(event: Event): 'success' | 'failure' | undefined {
  if (event.payload?.$case !== 'networkActivity') return undefined;
  const activity = event.payload.value;
  switch (activity.activityId) {
    case NetworkActivityId.NETWORK_ACTIVITY_ID_FAIL:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_RESET:
      return 'failure';
    case NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE:
      return 'success';
    case NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC: {
      const traffic = activity.traffic;
      if (!traffic || activity.protocol !== IpProtocol.IP_PROTOCOL_TCP) return 'success';
      if (traffic.packetsIn === 0n) return 'failure';
      const rejected =
        (activity.tcpFlags & TCP_RST) !== 0 && traffic.packetsIn <= 1n && traffic.packetsOut <= 2n;
      return rejected ? 'failure' : 'success';
    }
    default:
      return undefined;
  }
}

export class PortScanDetector implements Detector {
  readonly id = 'port-scan';
  readonly config: PortScanConfig;
  private readonly sources: LruMap<string | number, SourceState>;
  /** Services (`reachedServiceKey`) a source connected to: later failures to them are outages. */
  private readonly reached: LruMap<string, true>;
  private readonly logSuccessStep: number;
  private readonly logFailureStep: number;
  private readonly logUpper: number;
  private readonly logLower: number;

  /** config.windowNs as a bigint, made once (event times are bigints). */
  private readonly windowNs: bigint;

  constructor(config?: Partial<PortScanConfig>) {
    this.config = resolveConfig(
      this.id,
      PORT_SCAN_DEFAULTS,
      {
        theta0: 'probability',
        theta1: 'probability',
        alpha: 'probability',
        beta: 'probability',
        addressScanHosts: 'positive-integer',
        portScanPorts: 'positive-integer',
        windowNs: 'positive',
        maxSources: 'positive-integer',
        maxHostsPerSource: 'positive-integer',
        maxCountersPerSource: 'positive-integer',
        maxReachedPairs: 'positive-integer',
      },
      config,
    );
    this.windowNs = BigInt(this.config.windowNs);
    const { theta0, theta1, alpha, beta } = this.config;
    this.logSuccessStep = Math.log(theta1 / theta0);
    this.logFailureStep = Math.log((1 - theta1) / (1 - theta0));
    this.logUpper = Math.log(beta / alpha);
    this.logLower = Math.log((1 - beta) / (1 - alpha));
    this.sources = new LruMap(this.config.maxSources);
    this.reached = new LruMap(this.config.maxReachedPairs);
  }

  /** Sources plus reached pairs (caps: maxSources + maxReachedPairs). */
  stateSize(): number {
    return this.sources.size + this.reached.size;
  }

  observe(event: Event): DetectorFinding[] {
    const outcome = connectionOutcome(event);
    if (!outcome) return NO_FINDINGS;
    const host = event.dstEndpoint?.ip ?? '';
    const key = sourceKey(event);
    if (!host || !key) return NO_FINDINGS;
    const stateKey = sourceStateKey(event);
    let state = this.sources.get(stateKey);
    if (!state) {
      // Nothing but this map holds a source's state, so the one the map last evicted (every insert
      // evicts one at the cap) is reused: a sweep of new sources allocates no state at all.
      state = freshSource(this.sources.takeEvicted(), event, this.config.maxHostsPerSource);
      this.sources.set(stateKey, state);
    }
    const pair = reachedServiceKey(stateKey, key, host, event.dstEndpoint?.port ?? 0);
    if (outcome === 'success') this.reached.set(pair, true);
    else if (this.reached.get(pair)) return NO_FINDINGS;
    state.evidence.push(event);
    const findings: DetectorFinding[] = [];
    this.walk(state, key, host, outcome, event, findings);
    if (outcome === 'failure') this.count(state, key, host, event, findings);
    return findings.length > 0 ? findings : NO_FINDINGS;
  }

  /** One TRW step, on first contact with `host` only (the paper's test ignores repeat contacts). */
  private walk(
    state: SourceState,
    key: string,
    host: string,
    outcome: 'success' | 'failure',
    event: Event,
    findings: DetectorFinding[],
  ): void {
    if (state.contacted.has(host)) return;
    state.contacted.add(host);
    state.trials++;
    if (outcome === 'failure') state.failures++;
    state.logRatio += outcome === 'failure' ? this.logFailureStep : this.logSuccessStep;
    if (state.logRatio >= this.logUpper) {
      findings.push(this.trwFinding(state, key, event));
      this.restartWalk(state);
    } else if (state.logRatio <= this.logLower) {
      // H0 accepted: benign so far. Start a fresh test so a later change of behaviour is still caught.
      this.restartWalk(state);
    }
  }

  private restartWalk(state: SourceState): void {
    state.logRatio = 0;
    state.trials = 0;
    state.failures = 0;
  }

  private trwFinding(state: SourceState, key: string, event: Event): DetectorFinding {
    const { theta0, theta1, alpha, beta } = this.config;
    const ratio = Math.exp(state.logRatio);
    const upper = beta / alpha;
    const successes = state.trials - state.failures;
    return {
      detectorId: this.id,
      kind: 'trw-host-scan',
      timeNs: event.timeNs,
      severity: Severity.SEVERITY_MEDIUM,
      title: `Host scan from ${key} (Threshold Random Walk)`,
      attackTechniqueIds: ['T1046'],
      attackTacticIds: ['TA0007'],
      entityKey: key,
      entities: state.actor.entities(),
      ...state.evidence.findingFields(),
      explanation:
        `${key} made first contact with ${state.trials} new hosts and ${state.failures} of them failed ` +
        `(${successes} succeeded). A benign host's first contacts succeed with probability ${theta0}, a ` +
        `scanner's with ${theta1}; the likelihood ratio reached ${ratio.toFixed(1)}, past the scanner ` +
        `threshold β/α = ${upper.toFixed(0)} (Jung et al. 2004, α = ${alpha}, β = ${beta}).`,
      reasons: [
        reason(
          'trw.likelihood_ratio',
          ratio.toFixed(2),
          `>= ${upper.toFixed(2)}`,
          'Sequential test decided: scanner',
        ),
        reason(
          'trw.first_contact_failures',
          state.failures,
          `of ${state.trials} first contacts`,
          'Failed first contacts',
        ),
      ],
      confidence: beta,
    };
  }

  /** Zeek's counters: distinct hosts per port and distinct ports per host, failed attempts only. */
  private count(
    state: SourceState,
    key: string,
    host: string,
    event: Event,
    findings: DetectorFinding[],
  ): void {
    if (!state.hostsByPort || event.timeNs - state.windowStartNs > this.windowNs) {
      state.windowStartNs = event.timeNs;
      state.hostsByPort = new Map();
      state.portsByHost = new Map();
      state.reported = new Set();
    }
    const reported = state.reported!;
    const port = event.dstEndpoint?.port ?? 0;
    const hosts = boundedSet(state.hostsByPort, port, this.config.maxCountersPerSource);
    if (hosts && hosts.size < this.config.addressScanHosts) {
      hosts.add(host);
      if (hosts.size === this.config.addressScanHosts && !reported.has(`a${port}`)) {
        reported.add(`a${port}`);
        findings.push(
          this.zeekFinding(state, key, event, 'zeek-address-scan', hosts.size, port, host),
        );
      }
    }
    const ports = boundedSet(state.portsByHost!, host, this.config.maxCountersPerSource);
    if (ports && ports.size < this.config.portScanPorts) {
      ports.add(port);
      if (ports.size === this.config.portScanPorts && !reported.has(`p${host}`)) {
        reported.add(`p${host}`);
        findings.push(
          this.zeekFinding(state, key, event, 'zeek-port-scan', ports.size, port, host),
        );
      }
    }
  }

  private zeekFinding(
    state: SourceState,
    key: string,
    event: Event,
    kind: 'zeek-address-scan' | 'zeek-port-scan',
    distinct: number,
    port: number,
    host: string,
  ): DetectorFinding {
    const minutes = this.config.windowNs / 60e9;
    const address = kind === 'zeek-address-scan';
    const threshold = address ? this.config.addressScanHosts : this.config.portScanPorts;
    const what = address
      ? `${distinct} distinct hosts on port ${port}`
      : `${distinct} distinct ports on ${host}`;
    return {
      detectorId: this.id,
      kind,
      timeNs: event.timeNs,
      severity: Severity.SEVERITY_MEDIUM,
      title: address
        ? `Address scan of port ${port} from ${key}`
        : `Port scan of ${host} from ${key}`,
      attackTechniqueIds: ['T1046'],
      attackTacticIds: ['TA0007'],
      entityKey: key,
      // A port scan is aimed at one host: it is the target (an address scan's hosts are many).
      entities: address
        ? state.actor.entities()
        : [...state.actor.entities(), entity(EntityKind.ENTITY_KIND_IP_ADDRESS, host, false)],
      ...state.evidence.findingFields(),
      explanation:
        `${key} had failed connection attempts to ${what} within ${minutes} minutes, reaching Zeek ` +
        `scan.zeek's ${address ? 'address' : 'port'} scan threshold of ${threshold}.`,
      reasons: [
        reason(
          address ? 'zeek.distinct_hosts_per_port' : 'zeek.distinct_ports_per_host',
          distinct,
          `>= ${threshold} in ${minutes} min`,
          'Zeek scan.zeek baseline threshold reached',
        ),
      ],
      confidence: 0.9,
    };
  }
}

/** The set under `key`, created if there is room; undefined once `maxKeys` counters exist. */
function boundedSet<K, V>(map: Map<K, Set<V>>, key: K, maxKeys: number): Set<V> | undefined {
  let set = map.get(key);
  if (!set) {
    if (map.size >= maxKeys) return undefined;
    set = new Set();
    map.set(key, set);
  }
  return set;
}
