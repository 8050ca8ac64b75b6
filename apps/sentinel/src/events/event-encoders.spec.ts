// The hand-written encoders against ts-proto and protobufjs: for the same input, writeDnsFrameEvent
// and writeFlowEvent write exactly the bytes ts-proto's Event.encode writes for the Event that
// network-events.ts builds, and protobufjs (an independent implementation reading the .proto)
// decodes them to the expected fields and re-encodes them to the same bytes.
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import * as protobuf from 'protobufjs';
import { Event } from '@omega/proto';
import { writeDnsFrameEvent, writeFlowEvent } from './event-encoders';
import { FrameDecoder, FrameType, type DnsFrame } from '../wire/loader-frames';
import { dnsEvent, flowEvent, type Flow } from './network-events';
import { ProtoWriter } from '@omega/proto';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(__dirname, '..', '..', '..', '..', 'proto', target);
root.loadSync('omega/v1/common.proto', { keepCase: false });
const PbEvent = root.lookupType('omega.v1.Event');
const pbObject = (bytes: Uint8Array): Record<string, unknown> =>
  PbEvent.toObject(PbEvent.decode(bytes), { longs: String, enums: String, bytes: String });

const NODE = 'node-ä-1';
const T = 1_763_900_000_123_456_789n;

function address(text: string): Buffer {
  const out = Buffer.alloc(16);
  if (text.includes(':')) {
    // expand "a::b" into 8 groups
    const [head, tail] = text.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  } else {
    text.split('.').forEach((b, i) => (out[i] = Number(b)));
  }
  return out;
}

function dnsBody(o: {
  family: 4 | 6;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  timeNs: bigint;
  payload: Buffer;
}): Buffer {
  const body = Buffer.alloc(56 + o.payload.length);
  body.writeBigUInt64LE(o.timeNs, 0);
  body.writeUInt32LE(3, 8);
  address(o.src).copy(body, 12);
  address(o.dst).copy(body, 28);
  body.writeUInt16LE(o.sport, 44);
  body.writeUInt16LE(o.dport, 46);
  body.writeUInt8(o.family, 48);
  body.writeUInt8(1, 49);
  body.writeUInt16LE(o.payload.length, 50);
  body.writeUInt16LE(o.payload.length, 52);
  o.payload.copy(body, 56);
  return body;
}

function decodedFrame(body: Buffer): DnsFrame {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt16LE(FrameType.Dns, 4);
  header.writeUInt16LE(1, 6);
  const { frames, error } = new FrameDecoder().push(Buffer.concat([header, body]));
  if (error) throw error;
  return frames[0] as DnsFrame;
}

const query = (name: string, type: dnsPacket.RecordType = 'A'): Buffer =>
  dnsPacket.encode({ type: 'query', id: 513, questions: [{ type, class: 'IN', name }] });
const answers = dnsPacket.encode({
  type: 'response',
  id: 0,
  questions: [{ type: 'A', class: 'IN', name: 'api.example.com' }],
  answers: [
    { type: 'CNAME', class: 'IN', name: 'api.example.com', ttl: 300, data: 'edge.example.net' },
    { type: 'A', class: 'IN', name: 'edge.example.net', ttl: 60, data: '192.0.2.7' },
    { type: 'AAAA', class: 'IN', name: 'edge.example.net', ttl: 0, data: '2001:db8::7' },
  ],
});
/** A TXT answer that fills the 512-byte capture, so lengths need two-byte varints. */
const bigTxt = dnsPacket.encode({
  type: 'response',
  id: 65535,
  questions: [{ type: 'TXT', class: 'IN', name: 'x.example.com' }],
  answers: [
    {
      type: 'TXT',
      class: 'IN',
      name: 'x.example.com',
      ttl: 4_000_000_000,
      data: ['y'.repeat(255), 'z'.repeat(200)],
    },
  ],
});
const noQuestion = Buffer.from([0, 0, 0x81, 0x85, 0, 0, 0, 0, 0, 0, 0, 0]);
const utf8Name = Buffer.from([
  0, 5, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x61, 0xff, 0x62, 4, 0x74, 0xc3, 0xa9, 0x73, 0, 0, 99, 0,
  1,
]);

const dnsCases: Array<[string, Parameters<typeof dnsBody>[0]]> = [
  [
    'an IPv4 query',
    {
      family: 4,
      src: '10.0.0.1',
      dst: '10.0.0.53',
      sport: 40000,
      dport: 53,
      timeNs: T,
      payload: query('bench.omega.test'),
    },
  ],
  [
    'an IPv6 query',
    {
      family: 6,
      src: '2001:db8::1',
      dst: 'fd00:0:0:1::35',
      sport: 5353,
      dport: 53,
      timeNs: T,
      payload: query('v6.example', 'AAAA'),
    },
  ],
  [
    'a v4-mapped IPv6 query',
    {
      family: 6,
      src: '0:0:0:0:0:ffff:c000:201',
      dst: '0:0:0:0:0:ffff:808:808',
      sport: 1,
      dport: 53,
      timeNs: T,
      payload: query('m.example'),
    },
  ],
  [
    'a response with answers and id 0',
    {
      family: 4,
      src: '8.8.8.8',
      dst: '192.168.100.200',
      sport: 53,
      dport: 0,
      timeNs: T,
      payload: answers,
    },
  ],
  [
    'a 512-byte response with a big TTL',
    {
      family: 4,
      src: '1.2.3.4',
      dst: '5.6.7.8',
      sport: 53,
      dport: 65535,
      timeNs: 1n,
      payload: bigTxt,
    },
  ],
  [
    'a message without a question (rcode 5)',
    {
      family: 4,
      src: '0.0.0.0',
      dst: '255.255.255.255',
      sport: 53,
      dport: 53,
      timeNs: T,
      payload: noQuestion,
    },
  ],
  [
    'non-UTF-8 and non-ASCII labels, an unknown type',
    {
      family: 4,
      src: '10.1.1.1',
      dst: '10.2.2.2',
      sport: 9,
      dport: 53,
      timeNs: T,
      payload: utf8Name,
    },
  ],
  [
    'a time of 0',
    {
      family: 4,
      src: '10.1.1.1',
      dst: '10.2.2.2',
      sport: 9,
      dport: 53,
      timeNs: 0n,
      payload: query('t0.example'),
    },
  ],
];

describe('writeDnsFrameEvent', () => {
  it.each(dnsCases)('writes what ts-proto writes for %s', (_name, input) => {
    const body = dnsBody(input);
    const w = new ProtoWriter(16);
    expect(writeDnsFrameEvent(w, body, NODE, 'ebpf')).toBe(true);
    const fast = Buffer.from(w.bytes());

    const decoded = Event.decode(fast);
    const reference = dnsEvent(decodedFrame(body), NODE, 'ebpf');
    expect(reference).toBeDefined();
    // ids are random: the reference takes the one the fast path wrote, and both must be UUIDv7
    expect(decoded.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(decoded.id.slice(0, 13)).toBe(reference!.id.slice(0, 13)); // same millisecond
    const expected = { ...reference!, id: decoded.id };
    expect(decoded).toEqual(expected);
    expect(Buffer.from(Event.encode(expected).finish()).equals(fast)).toBe(true);

    // protobufjs: the fields as the .proto reads them, and the same bytes when it re-encodes them
    const pb = pbObject(fast);
    expect(pb).toMatchObject({
      id: decoded.id,
      classUid: 'EVENT_CLASS_DNS_ACTIVITY',
      srcEndpoint: { ip: expected.srcEndpoint!.ip },
      node: NODE,
      unmapped: { 'sentinel.source': 'ebpf' },
      rawData: input.payload.toString('base64'),
    });
    if (input.timeNs !== 0n) expect(pb['timeNs']).toBe(input.timeNs.toString());
    expect(Buffer.from(PbEvent.encode(PbEvent.decode(fast)).finish()).equals(fast)).toBe(true);
  });

  it('writes the address texts the frame decoder gives', () => {
    const w = new ProtoWriter();
    writeDnsFrameEvent(w, dnsBody(dnsCases[2]![1]), NODE, 'ebpf');
    const e = Event.decode(w.bytes());
    expect([e.srcEndpoint?.ip, e.dstEndpoint?.ip]).toEqual(['192.0.2.1', '8.8.8.8']);
    const v6 = new ProtoWriter();
    writeDnsFrameEvent(v6, dnsBody(dnsCases[1]![1]), NODE, 'ebpf');
    expect(Event.decode(v6.bytes()).dstEndpoint?.ip).toBe('fd00:0:0:1::35');
  });

  it('writes nothing and says so for a payload that is not DNS', () => {
    const w = new ProtoWriter();
    const body = dnsBody({ ...dnsCases[0]![1], payload: query('x.example').subarray(0, 20) });
    expect(writeDnsFrameEvent(w, body, NODE, 'ebpf')).toBe(false);
    expect(w.pos).toBe(0);
    expect(dnsEvent(decodedFrame(body), NODE, 'ebpf')).toBeUndefined();
  });

  it("refuses a malformed frame with the frame decoder's message", () => {
    const body = dnsBody(dnsCases[0]![1]);
    expect(() => writeDnsFrameEvent(new ProtoWriter(), body.subarray(0, 70), NODE, 'ebpf')).toThrow(
      `DNS frame body is 70 bytes, at least ${56 + body.readUInt16LE(52)} expected`,
    );
    body.writeUInt8(5, 48);
    expect(() => writeDnsFrameEvent(new ProtoWriter(), body, NODE, 'ebpf')).toThrow(
      'DNS address family 5, expected 4 or 6',
    );
  });
});

const flow = (o: Partial<Flow>): Flow => ({
  protocol: 6,
  src: '10.0.0.1',
  srcPort: 43210,
  dst: '10.0.0.2',
  dstPort: 443,
  bytesOut: 1_500,
  bytesIn: 64_000,
  packetsOut: 12,
  packetsIn: 50,
  firstNs: T,
  lastNs: T + 5_000_000_000n,
  tcpFlags: 0x1b,
  ...o,
});
const flowCases: Array<[string, Flow]> = [
  ['a TCP flow', flow({})],
  [
    'an IPv6 UDP flow without flags',
    flow({ protocol: 17, src: '2001:db8::1', dst: 'fe80::1:2', tcpFlags: 0 }),
  ],
  [
    'counters past 2^32 (uint64)',
    flow({ bytesOut: 2 ** 40 + 5, bytesIn: 2 ** 52, packetsOut: 2 ** 32, packetsIn: 2 ** 32 - 1 }),
  ],
  [
    'zero counters, ports and times',
    flow({
      bytesOut: 0,
      bytesIn: 0,
      packetsOut: 0,
      packetsIn: 0,
      srcPort: 0,
      dstPort: 0,
      firstNs: 0n,
      lastNs: 0n,
      protocol: 0,
    }),
  ],
];

describe('writeFlowEvent', () => {
  it.each(flowCases)('writes what ts-proto writes for %s', (_name, input) => {
    for (const source of ['ebpf', 'pcap'] as const) {
      const w = new ProtoWriter(8);
      writeFlowEvent(w, input, NODE, source);
      const fast = Buffer.from(w.bytes());
      const decoded = Event.decode(fast);
      const expected = { ...flowEvent(input, NODE, source), id: decoded.id };
      expect(decoded).toEqual(expected);
      expect(Buffer.from(Event.encode(expected).finish()).equals(fast)).toBe(true);
      const pb = pbObject(fast);
      const activity = pb['networkActivity'] as { traffic?: Record<string, string> };
      if (input.bytesOut !== 0) expect(activity.traffic?.['bytesOut']).toBe(String(input.bytesOut));
      expect(Buffer.from(PbEvent.encode(PbEvent.decode(fast)).finish()).equals(fast)).toBe(true);
    }
  });
});
