// decodeDnsSummary against dns-packet.decode (the library it replaces on the hot path): the same
// messages decode, the same ones are refused, and the fields agree, on valid messages, every
// truncation of them and seeded random byte mutations.
import * as dnsPacket from 'dns-packet';
import { decodeDnsSummary } from './dns-message';

const query = dnsPacket.encode({
  type: 'query',
  id: 4242,
  flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ type: 'A', class: 'IN', name: 'bench.omega.test' }],
});
const queryWithEdns = dnsPacket.encode({
  type: 'query',
  id: 7,
  questions: [{ type: 'AAAA', class: 'IN', name: 'www.example.org' }],
  additionals: [
    {
      type: 'OPT',
      name: '.',
      udpPayloadSize: 1232,
      extendedRcode: 0,
      ednsVersion: 0,
      flags: 0,
      flag_do: false,
      options: [],
    },
  ],
});
const response = dnsPacket.encode({
  type: 'response',
  id: 99,
  flags: dnsPacket.RECURSION_AVAILABLE,
  questions: [{ type: 'A', class: 'IN', name: 'api.example.com' }],
  answers: [
    { type: 'CNAME', class: 'IN', name: 'api.example.com', ttl: 300, data: 'edge.example.net' },
    { type: 'A', class: 'IN', name: 'edge.example.net', ttl: 60, data: '192.0.2.7' },
    { type: 'AAAA', class: 'IN', name: 'edge.example.net', ttl: 60, data: '2001:db8::7' },
    {
      type: 'MX',
      class: 'IN',
      name: 'example.com',
      ttl: 60,
      data: { preference: 10, exchange: 'mx.example.com' },
    },
    { type: 'TXT', class: 'IN', name: 'example.com', ttl: 1, data: ['v=spf1 -all'] },
  ],
  authorities: [{ type: 'NS', class: 'IN', name: 'example.com', ttl: 10, data: 'ns1.example.com' }],
});
const nxdomain = Buffer.from(response);
nxdomain.writeUInt16BE(0x8183, 2); // response, RD, RA, rcode 3
const rcode9 = Buffer.from(response);
rcode9.writeUInt16BE(0x8189, 2);
/** A question whose label is not UTF-8 and one with a compression pointer to it. */
const oddNames = Buffer.from([
  0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 3, 0x61, 0xff, 0x2e, 4, 0x74, 0xc3, 0xa9, 0x73, 0, 0, 1, 0, 1,
  1, 0x78, 0xc0, 12, 0, 16, 0, 3,
]);
const rootAndNoQuestion = Buffer.from([0, 9, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1]);
const empty = Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const samples: Array<[string, Buffer]> = [
  ['a query', query],
  ['a query with an EDNS OPT record', queryWithEdns],
  ['a response with CNAME, A, AAAA, MX, TXT answers and an authority', response],
  ['an NXDOMAIN response', nxdomain],
  ['a response with rcode 9', rcode9],
  ['non-UTF-8 labels and a compression pointer', oddNames],
  ['the root name', rootAndNoQuestion],
  ['a header without questions', empty],
];

type Outcome = { error: true } | { error: false; fields: unknown };

function viaDnsPacket(bytes: Buffer): Outcome {
  let m: dnsPacket.DecodedPacket;
  try {
    m = dnsPacket.decode(bytes);
  } catch {
    return { error: true };
  }
  const q = m.questions?.[0];
  return {
    error: false,
    fields: {
      id: m.id,
      response: m.type === 'response',
      rcode: (m.flags ?? 0) & 0x0f,
      question: q ? { name: q.name, type: q.type, class: q.class } : undefined,
      answers: (m.answers ?? []).map((a) => ({
        type: a.type,
        ttlSeconds: 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0,
      })),
    },
  };
}

function viaSummary(bytes: Buffer): Outcome {
  try {
    const s = decodeDnsSummary(bytes);
    return {
      error: false,
      fields: {
        id: s.id,
        response: s.response,
        rcode: s.rcode,
        question: s.question,
        answers: s.answers.map((a) => ({ type: a.type, ttlSeconds: a.ttlSeconds })),
      },
    };
  } catch {
    return { error: true };
  }
}

/** mulberry32: a seeded PRNG, so a failing mutation can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('decodeDnsSummary', () => {
  it.each(samples)('agrees with dns-packet on %s', (_name, bytes) => {
    const expected = viaDnsPacket(bytes);
    expect(expected.error).toBe(false);
    expect(viaSummary(bytes)).toEqual(expected);
  });

  it('gives the answers as text, with their TTLs', () => {
    expect(decodeDnsSummary(response).answers).toEqual([
      { type: 'CNAME', rdata: 'edge.example.net', ttlSeconds: 300 },
      { type: 'A', rdata: '192.0.2.7', ttlSeconds: 60 },
      { type: 'AAAA', rdata: '2001:db8::7', ttlSeconds: 60 },
      { type: 'MX', rdata: '{"preference":10,"exchange":"mx.example.com"}', ttlSeconds: 60 },
      { type: 'TXT', rdata: 'v=spf1 -all', ttlSeconds: 1 },
    ]);
    expect(decodeDnsSummary(nxdomain).rcode).toBe(3);
  });

  it('refuses what dns-packet refuses, at every truncation of every sample', () => {
    for (const [name, bytes] of samples) {
      for (let n = 0; n < bytes.length; n++) {
        const cut = bytes.subarray(0, n);
        expect({ name, n, outcome: viaSummary(cut) }).toEqual({
          name,
          n,
          outcome: viaDnsPacket(cut),
        });
      }
    }
  });

  it('agrees with dns-packet on 20,000 randomly mutated messages, never crashing', () => {
    const random = prng(20261123);
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const [, sample] = samples[i % samples.length] as [string, Buffer];
      const bytes = Buffer.from(sample);
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      const expected = viaDnsPacket(bytes);
      if (expected.error) refused++;
      expect({ i, outcome: viaSummary(bytes) }).toEqual({ i, outcome: expected });
    }
    expect(refused).toBeGreaterThan(1_000); // the mutations did reach the error paths
  });
});
