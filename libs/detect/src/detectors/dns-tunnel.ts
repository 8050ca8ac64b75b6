// DNS tunnelling and DNS C2: many unique subdomains under one base domain, with random-looking labels.
//
// The base domain is the registrable domain (public suffix + 1 label, from the Public Suffix List via
// tldts, its private section included), so `x.example.co.uk` counts under `example.co.uk`, not
// `co.uk`, and each S3 bucket, CloudFront distribution or load balancer under a cloud's shared
// suffix (`<bucket>.s3.<region>.amazonaws.com`, `d<id>.cloudfront.net`) is a domain of its own:
// they belong to different owners, and one client using thirty of them is not one domain's thirty
// generated names. A query for a name another source asked moments before is a relay (a resolver
// forwarding its client's question) and counts only for the source that asked first. Per (source, base domain) the
// detector counts unique subdomains (RITA's DNS C2 measure) and, for each new one, the Shannon entropy
// (bits per character) and length of its labels: tunnels encode data in long base32/base64/hex labels.
import { Severity, type Event } from '@omega/proto';
import { getDomain } from 'tldts';
import { resolveConfig } from './detector-config';
import { reason, round3, type Detector, type DetectorFinding, NO_FINDINGS } from './detector';
import { entity, sourceActor, sourceKey } from './entity-key';
import { DnsActivityId, EntityKind } from '@omega/proto';
import { EvidenceRing } from './evidence-ring';
import { LruMap } from './lru-map';
import { seededHash32 } from './seeded-hash';

export interface DnsTunnelConfig {
  /** Unique subdomains of one base domain (per source, per window) that make a DNS C2 finding. */
  subdomainThreshold: number;
  /** Unique subdomains needed before entropy and length are judged. */
  minSubdomainsForEntropy: number;
  /** Mean Shannon entropy (bits/char) of the subdomain part at or above which labels look encoded. */
  entropyBitsPerChar: number;
  /** Mean subdomain length (characters, dots excluded) at or above which labels look like payload. */
  minMeanLength: number;
  /**
   * Counting window, per (source, base domain), started by its first query. Six hours: a tunnel
   * sending one query every few minutes never puts `minSubdomainsForEntropy` names in one hour.
   */
  windowNs: number;
  /** Cap on (source, base domain) pairs tracked (LRU). */
  maxPairs: number;
  /** Hash seed for the unique-subdomain sets. */
  seed: number;
  /** A query for a name another source asked less than this long before is a relay, not counted for it (0: off). */
  relayWindowNs: number;
  /** Names remembered for relay detection (LRU). */
  maxRecentNames: number;
}

export const DNS_TUNNEL_DEFAULTS: DnsTunnelConfig = {
  subdomainThreshold: 100,
  minSubdomainsForEntropy: 10,
  entropyBitsPerChar: 3.5,
  minMeanLength: 20,
  windowNs: 6 * 3600e9,
  maxPairs: 20_000,
  seed: 0x5bd1e995,
  relayWindowNs: 5e9,
  maxRecentNames: 65_536,
};

/** Names that never count: reverse lookups and cluster-internal zones (they have no public suffix owner). */
const IGNORED_SUFFIXES = ['.arpa', '.cluster.local', '.local', '.internal', '.localhost'];

const BASE_DOMAIN_CACHE_ENTRIES = 4096;

interface PairState {
  source: string;
  baseDomain: string;
  windowStartNs: bigint;
  /** Hashes of unique subdomains, at most subdomainThreshold of them. */
  subdomains: Set<number>;
  entropySum: number;
  lengthSum: number;
  longest: string;
  reported: Set<string>;
  evidence: EvidenceRing;
  entities: ReturnType<typeof sourceActor>['entities'];
}

/** Shannon entropy in bits per character of `text` (dots excluded). */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const ch of text) {
    if (ch === '.') continue;
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    n++;
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export class DnsTunnelDetector implements Detector {
  readonly id = 'dns-tunnel';
  readonly config: DnsTunnelConfig;
  private readonly pairs: LruMap<string, PairState>;
  /** hostname → base domain ('' for none): the Public Suffix lookup is the costliest step, and names repeat. */
  private readonly baseDomains = new Map<string, string>();

  /** config.windowNs as a bigint, made once (event times are bigints). */
  private readonly windowNs: bigint;
  /** Name hash → who asked it first and when (relay detection). */
  private readonly recentNames: LruMap<number, { source: string; timeNs: bigint }>;
  private readonly relayWindowNs: bigint;

  constructor(config?: Partial<DnsTunnelConfig>) {
    this.config = resolveConfig(
      this.id,
      DNS_TUNNEL_DEFAULTS,
      {
        subdomainThreshold: 'positive-integer',
        minSubdomainsForEntropy: 'positive-integer',
        entropyBitsPerChar: 'positive',
        minMeanLength: 'positive',
        windowNs: 'positive',
        maxPairs: 'positive-integer',
        relayWindowNs: 'non-negative',
        maxRecentNames: 'positive-integer',
      },
      config,
    );
    this.windowNs = BigInt(this.config.windowNs);
    this.pairs = new LruMap(this.config.maxPairs);
    this.recentNames = new LruMap(this.config.maxRecentNames);
    this.relayWindowNs = BigInt(this.config.relayWindowNs);
  }

  /** Pairs plus names remembered for relay detection (caps: maxPairs + maxRecentNames). */
  stateSize(): number {
    return this.pairs.size + this.recentNames.size;
  }

  observe(event: Event): DetectorFinding[] {
    if (event.payload?.$case !== 'dnsActivity') return NO_FINDINGS;
    // A response's source is the resolver that answered, not the client that asked: counting it would
    // make every resolver a tunnelling client. The client's query (or a TRAFFIC record, which keeps
    // the querier as source) is what counts.
    if (event.payload.value.activityId === DnsActivityId.DNS_ACTIVITY_ID_RESPONSE)
      return NO_FINDINGS;
    const name = (event.payload.value.query?.hostname ?? '').toLowerCase().replace(/\.$/, '');
    if (!name || IGNORED_SUFFIXES.some((suffix) => name.endsWith(suffix))) return NO_FINDINGS;
    const baseDomain = this.baseDomainOf(name);
    if (!baseDomain || name.length <= baseDomain.length + 1) return NO_FINDINGS;
    const subdomain = name.slice(0, name.length - baseDomain.length - 1);
    const source = sourceKey(event);
    if (!source) return NO_FINDINGS;
    if (this.isRelay(name, source, event.timeNs)) return NO_FINDINGS;

    const pairKey = source + '>' + baseDomain;
    let pair = this.pairs.get(pairKey);
    if (!pair || event.timeNs - pair.windowStartNs > this.windowNs) {
      pair = {
        source,
        baseDomain,
        windowStartNs: event.timeNs,
        subdomains: new Set(),
        entropySum: 0,
        lengthSum: 0,
        longest: '',
        reported: new Set(),
        evidence: new EvidenceRing(),
        entities: sourceActor(event).entities,
      };
      this.pairs.set(pairKey, pair);
    }
    if (pair.subdomains.size >= this.config.subdomainThreshold) return NO_FINDINGS;
    const hash = seededHash32(subdomain, this.config.seed);
    if (pair.subdomains.has(hash)) return NO_FINDINGS;
    pair.subdomains.add(hash);
    pair.entropySum += shannonEntropy(subdomain);
    const length = subdomain.length - (subdomain.match(/\./g)?.length ?? 0);
    pair.lengthSum += length;
    if (subdomain.length > pair.longest.length) pair.longest = subdomain;
    pair.evidence.push(event);
    return this.judge(pair, event);
  }

  /** Whether another source asked for `name` within the relay window; records the asker otherwise. */
  private isRelay(name: string, source: string, timeNs: bigint): boolean {
    const hash = seededHash32(name, this.config.seed);
    const asked = this.recentNames.get(hash);
    if (asked) {
      if (asked.source !== source && timeNs - asked.timeNs < this.relayWindowNs) return true;
      // get() made it the most recent entry, as set() would: the entry is updated in place.
      asked.source = source;
      asked.timeNs = timeNs;
      return false;
    }
    // An entry is held by this map alone: the one it last evicted is reused for the new name.
    const entry = this.recentNames.takeEvicted() ?? { source, timeNs };
    entry.source = source;
    entry.timeNs = timeNs;
    this.recentNames.set(hash, entry);
    return false;
  }

  private baseDomainOf(name: string): string {
    let base = this.baseDomains.get(name);
    if (base === undefined) {
      // Bounded: when full, start over (cheaper than LRU bookkeeping on every query).
      if (this.baseDomains.size >= BASE_DOMAIN_CACHE_ENTRIES) this.baseDomains.clear();
      base = getDomain(name, { allowPrivateDomains: true }) ?? '';
      this.baseDomains.set(name, base);
    }
    return base;
  }

  private judge(pair: PairState, event: Event): DetectorFinding[] {
    const unique = pair.subdomains.size;
    const meanEntropy = pair.entropySum / unique;
    const meanLength = pair.lengthSum / unique;
    const c = this.config;
    const findings: DetectorFinding[] = [];
    const encoded =
      unique >= c.minSubdomainsForEntropy &&
      meanEntropy >= c.entropyBitsPerChar &&
      meanLength >= c.minMeanLength;
    if (encoded && !pair.reported.has('tunnel')) {
      pair.reported.add('tunnel');
      findings.push(
        this.finding(pair, event, 'dns-tunnel', Severity.SEVERITY_HIGH, meanEntropy, meanLength),
      );
    }
    if (unique >= c.subdomainThreshold && !pair.reported.has('c2')) {
      pair.reported.add('c2');
      findings.push(
        this.finding(
          pair,
          event,
          'dns-c2-subdomains',
          Severity.SEVERITY_MEDIUM,
          meanEntropy,
          meanLength,
        ),
      );
    }
    return findings;
  }

  private finding(
    pair: PairState,
    event: Event,
    kind: 'dns-tunnel' | 'dns-c2-subdomains',
    severity: Severity,
    meanEntropy: number,
    meanLength: number,
  ): DetectorFinding {
    const c = this.config;
    const unique = pair.subdomains.size;
    const minutes = c.windowNs / 60e9;
    const tunnel = kind === 'dns-tunnel';
    return {
      detectorId: this.id,
      kind,
      timeNs: event.timeNs,
      severity,
      title: tunnel
        ? `DNS tunnel suspected: ${pair.source} → *.${pair.baseDomain}`
        : `Many unique subdomains of ${pair.baseDomain} queried by ${pair.source}`,
      attackTechniqueIds: tunnel ? ['T1071.004', 'T1572', 'T1048'] : ['T1071.004', 'T1568'],
      attackTacticIds: tunnel ? ['TA0011', 'TA0010'] : ['TA0011'],
      entityKey: pair.source,
      entities: [...pair.entities, entity(EntityKind.ENTITY_KIND_DOMAIN, pair.baseDomain, false)],
      ...pair.evidence.findingFields(),
      explanation:
        `${pair.source} queried ${unique} unique subdomains of ${pair.baseDomain} within ${minutes} minutes ` +
        `(C2 threshold ${c.subdomainThreshold}). Their labels average ${meanEntropy.toFixed(2)} bits/char of ` +
        `Shannon entropy (encoded-data threshold ${c.entropyBitsPerChar}) and ${meanLength.toFixed(1)} ` +
        `characters (threshold ${c.minMeanLength}); longest: "${pair.longest.slice(0, 80)}". ` +
        (tunnel
          ? 'Long, high-entropy, never-repeating labels are how data is carried inside DNS queries.'
          : 'Ordinary sites use a handful of stable host names; hundreds of distinct names suggest generated C2 or tunnelling.'),
      reasons: [
        reason(
          'dns.unique_subdomains',
          unique,
          tunnel ? `>= ${c.minSubdomainsForEntropy}` : `>= ${c.subdomainThreshold}`,
          'Unique subdomains per base domain',
        ),
        reason(
          'dns.label_entropy_bits_per_char',
          round3(meanEntropy),
          `>= ${c.entropyBitsPerChar}`,
          'Mean Shannon entropy of subdomain labels',
        ),
        reason(
          'dns.label_length_chars',
          round3(meanLength),
          `>= ${c.minMeanLength}`,
          'Mean subdomain length',
        ),
      ],
      confidence: tunnel ? 0.9 : 0.7,
    };
  }
}
