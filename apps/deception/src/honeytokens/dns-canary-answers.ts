// What the DNS canary responder answers (pure, on dns-packet's codec): authoritative answers for
// its one zone, a plausible SOA and NS set at the apex, NXDOMAIN for names nobody minted, NOERROR
// with no data for a canary, REFUSED outside the zone, FORMERR/NOTIMP for what a query may not be.
import * as dnsPacket from 'dns-packet';

/** The zone served and its apex records. */
export interface ZoneSettings {
  /** Lowercase, without the trailing dot: `canary.example.com`. */
  readonly zone: string;
  readonly nameServers: readonly string[];
  readonly hostmaster: string;
}

/** TTLs: short, so a canary queried again reaches the responder again soon. */
const ANSWER_TTL_S = 60;
const SOA_TIMES = { refresh: 3600, retry: 600, expire: 1_209_600, minimum: 60 } as const;
/** Query sizes this responder reads at most: a question is at most 255 + 4 bytes plus EDNS. */
export const MAX_QUERY_BYTES = 1024;
/** The classic UDP answer limit; past it the answer is cut to its question and flagged truncated. */
const MAX_UDP_ANSWER_BYTES = 512;

export type DnsOutcome =
  | 'canary'
  | 'apex'
  | 'nxdomain'
  | 'refused'
  | 'formerr'
  | 'notimp'
  | 'dropped'
  | 'rate-limited'
  | 'oversized';

/** Where a name sits: outside the zone, its apex, or under it (with the label nearest the apex). */
export type NamePlace =
  | { readonly place: 'outside' }
  | { readonly place: 'apex' }
  | { readonly place: 'below'; readonly label: string };

/** Where `name` (any case, trailing dot or not) sits relative to `zone`. */
export function placeOf(name: string, zone: string): NamePlace {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower === zone) return { place: 'apex' };
  if (!lower.endsWith(`.${zone}`)) return { place: 'outside' };
  const labels = lower.slice(0, -(zone.length + 1)).split('.');
  return { place: 'below', label: labels[labels.length - 1] ?? '' };
}

/** The decoded question, when the query is one this responder answers; else why not. */
export type QueryCheck =
  | {
      readonly ok: true;
      readonly query: dnsPacket.DecodedPacket;
      readonly question: dnsPacket.Question;
    }
  | {
      readonly ok: false;
      readonly outcome: 'formerr' | 'notimp' | 'dropped';
      readonly id?: number;
    };

/** Decodes a query; a response (QR set) or undecodable header is dropped, never answered. */
export function checkQuery(bytes: Buffer): QueryCheck {
  if (bytes.length < 12) return { ok: false, outcome: 'dropped' };
  const id = bytes.readUInt16BE(0);
  if ((bytes[2]! & 0x80) !== 0) return { ok: false, outcome: 'dropped' };
  let query: dnsPacket.DecodedPacket;
  try {
    query = dnsPacket.decode(bytes);
  } catch {
    return { ok: false, outcome: 'formerr', id };
  }
  const opcode = (bytes.readUInt16BE(2) >> 11) & 0xf;
  if (opcode !== 0) return { ok: false, outcome: 'notimp', id };
  const question = query.questions?.[0];
  if (query.questions?.length !== 1 || question === undefined) {
    return { ok: false, outcome: 'formerr', id };
  }
  return { ok: true, query, question };
}

const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

function soa(settings: ZoneSettings): dnsPacket.Answer {
  return {
    name: settings.zone,
    type: 'SOA',
    class: 'IN',
    ttl: ANSWER_TTL_S,
    data: {
      mname: settings.nameServers[0] ?? `ns1.${settings.zone}`,
      rname: settings.hostmaster,
      serial: 2024010101,
      ...SOA_TIMES,
    },
  };
}

/** An error answer with no question (the query could not be read that far). */
export function errorAnswer(id: number, outcome: 'formerr' | 'notimp'): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: outcome === 'formerr' ? RCODE.FORMERR : RCODE.NOTIMP,
    questions: [],
  });
}

/**
 * The answer to a checked query: `canary` says whether the label under the zone is a minted
 * canary (only asked for names below the apex).
 */
export function answer(
  check: Extract<QueryCheck, { ok: true }>,
  settings: ZoneSettings,
  place: NamePlace,
  canary: boolean,
): { bytes: Buffer; outcome: DnsOutcome } {
  const { query, question } = check;
  const recursionDesired = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const reply = (
    rcode: number,
    answers: dnsPacket.Answer[],
    authorities: dnsPacket.Answer[],
    authoritative = true,
  ): Buffer =>
    dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | recursionDesired | rcode,
      questions: [question],
      answers,
      authorities,
    });
  if (place.place === 'outside') {
    return { bytes: reply(RCODE.REFUSED, [], [], false), outcome: 'refused' };
  }
  if (place.place === 'apex') {
    const zoneSoa = soa(settings);
    if (question.type === 'SOA')
      return { bytes: reply(RCODE.NOERROR, [zoneSoa], []), outcome: 'apex' };
    if (question.type === 'NS') {
      const ns = settings.nameServers.map((data): dnsPacket.Answer => ({
        name: settings.zone,
        type: 'NS',
        class: 'IN',
        ttl: ANSWER_TTL_S,
        data,
      }));
      return { bytes: reply(RCODE.NOERROR, ns, []), outcome: 'apex' };
    }
    return { bytes: reply(RCODE.NOERROR, [], [zoneSoa]), outcome: 'apex' };
  }
  // A canary exists but holds no records of any type: NOERROR with the SOA (no data); any other
  // name under the zone does not exist.
  return canary
    ? { bytes: reply(RCODE.NOERROR, [], [soa(settings)]), outcome: 'canary' }
    : { bytes: reply(RCODE.NXDOMAIN, [], [soa(settings)]), outcome: 'nxdomain' };
}

/** An answer as UDP carries it: past 512 bytes, the header and question only, truncated (TC). */
export function forUdp(bytes: Buffer): Buffer {
  if (bytes.length <= MAX_UDP_ANSWER_BYTES) return bytes;
  const decoded = dnsPacket.decode(bytes);
  return dnsPacket.encode({
    ...decoded,
    flags: (decoded.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    additionals: [],
  });
}
