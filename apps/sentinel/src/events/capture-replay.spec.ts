// Replays the demo recording and built captures against tshark and editcap (second readers); the
// real market-data captures are checked by capture-replay.conformance.spec.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { replayPackets } from './capture-replay';
import { readCapture } from '../wire/pcap-reader';
import { tshark } from '../testing/tshark';

const tmp = mkdtempSync(join(tmpdir(), 'omega-replay-'));
// The repository's own recording (written by `npm run demo:record`), so the spec needs no outside data.
const DEMO_CAPTURE = join(__dirname, '..', '..', '..', '..', 'test-corpus', 'demo', 'capture.pcap');

beforeAll(() => {
  if (spawnSync('tshark', ['--version']).status !== 0) {
    throw new Error(
      'capture replay spec: tshark is missing (apt-get install -y --no-install-recommends tshark)',
    );
  }
});

describe('capture replay', () => {
  it('reads the same capture converted to pcapng by editcap identically', () => {
    const file = DEMO_CAPTURE;
    const ng = join(tmp, 'book.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', file, ng]);
    const classic = readCapture(readFileSync(file));
    const converted = readCapture(readFileSync(ng));
    expect(converted.format).toBe('pcapng');
    expect(converted.error).toBeUndefined();
    expect(converted.packets.map((p) => [p.timeNs, Buffer.from(p.data).toString('hex')])).toEqual(
      classic.packets.map((p) => [p.timeNs, Buffer.from(p.data).toString('hex')]),
    );
  });

  it('reports a truncated capture with the byte offset of the cut record and keeps the packets before it', () => {
    const file = DEMO_CAPTURE;
    const whole = readCapture(readFileSync(file));
    expect(whole.packets.length).toBeGreaterThan(1);
    const last = whole.packets[whole.packets.length - 1]!;
    const cut = readFileSync(file).subarray(0, last.offset + 20);
    const truncated = readCapture(cut, 'cut.pcap');
    expect(truncated.packets).toHaveLength(whole.packets.length - 1);
    expect(truncated.error?.message).toBe(
      `cut.pcap: truncated packet record (4 of ${last.data.length} bytes) at byte offset ${last.offset}`,
    );
    expect(replayPackets(truncated.packets, 'n').events.length).toBeGreaterThan(0);
  });

  it('refuses a file that is neither pcap nor pcapng, at byte offset 0', () => {
    expect(readCapture(Buffer.from('GET / HTTP/1.1\r\n'), 'x.txt').error?.message).toBe(
      'x.txt: unknown magic 0x20544547 (neither pcap nor pcapng) at byte offset 0',
    );
  });

  it('turns a DNS query and its answer into DNS events that agree with tshark', () => {
    const query = dnsPacket.encode({
      type: 'query',
      id: 4242,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: 'A', name: 'decoy.omega.test' }],
    });
    const answer = dnsPacket.encode({
      type: 'response',
      id: 4242,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: 'A', name: 'decoy.omega.test' }],
      answers: [{ type: 'A', name: 'decoy.omega.test', ttl: 60, data: '10.1.2.3' }],
    });
    const file = join(tmp, 'dns.pcap');
    writeFileSync(
      file,
      pcapOf([
        udp('10.0.0.5', 40000, '10.0.0.53', 53, query),
        udp('10.0.0.53', 53, '10.0.0.5', 40000, answer),
      ]),
    );
    const rows = tshark(file, 'dns.qry.name', 'dns.a', 'dns.flags.response');
    expect(rows).toEqual(
      [
        ['decoy.omega.test', '', 'False'],
        ['decoy.omega.test', '10.1.2.3', 'True'],
      ].map((r) =>
        r.map((v) =>
          v === 'False'
            ? expect.stringMatching(/^(False|0)$/)
            : v === 'True'
              ? expect.stringMatching(/^(True|1)$/)
              : v,
        ),
      ),
    );
    const { events, flows } = replayPackets(readCapture(readFileSync(file)).packets, 'n');
    const dns = events
      .filter((e) => e.payload?.$case === 'dnsActivity')
      .map((e) => (e.payload?.$case === 'dnsActivity' ? e.payload.value : undefined));
    expect(
      dns.map((d) => [
        d?.activityId,
        d?.query?.hostname,
        d?.query?.packetUid,
        d?.answers.map((a) => a.rdata),
      ]),
    ).toEqual([
      [1, 'decoy.omega.test', 4242, []],
      [2, 'decoy.omega.test', 4242, ['10.1.2.3']],
    ]);
    expect(flows).toEqual([
      expect.objectContaining({
        src: '10.0.0.5',
        dst: '10.0.0.53',
        packetsOut: 1,
        packetsIn: 1,
        bytesOut: 28 + query.length,
        bytesIn: 28 + answer.length,
      }),
    ]);
  });
});

describe('capture replay flow timing (as the live path: 1 s drains, 10 s idle, 60 s active)', () => {
  const SEC = 1_000_000_000n;
  const T0 = 1_700_000_000n * SEC;
  const packet = (atSec: number, frame: Buffer) => ({
    timeNs: T0 + BigInt(Math.round(atSec * 1000)) * 1_000_000n,
    linkType: 1,
    originalLength: frame.length,
    data: frame,
    offset: 0,
  });
  const ping = udp('10.0.0.5', 40000, '203.0.113.9', 443, Buffer.alloc(100));
  const flowTimes = (events: ReturnType<typeof replayPackets>['events']) =>
    events
      .filter((e) => e.payload?.$case === 'networkActivity')
      .map((e) => {
        const interval =
          e.payload?.$case === 'networkActivity' ? e.payload.value.interval : undefined;
        return [
          Number((interval!.startTimeNs - T0) / SEC),
          Number((interval!.endTimeNs - T0) / SEC),
        ];
      });

  it('exports a long flow once per active timeout with the traffic since, its sum the whole flow', () => {
    // A packet every 5 s for 150 s: records at the drains after 60 s and 120 s, then the end.
    const packets = Array.from({ length: 31 }, (_, i) => packet(i * 5, ping));
    const { flows, events } = replayPackets(packets, 'n');
    expect(flowTimes(events)).toEqual([
      [0, 60],
      [60, 120],
      [120, 150],
    ]);
    expect(flows.reduce((sum, f) => sum + f.packetsOut, 0)).toBe(31);
  });

  it('ends a flow idle for 10 s: the same 5-tuple later is a new flow, as the kernel sees it', () => {
    const { events } = replayPackets([packet(0, ping), packet(3, ping), packet(30, ping)], 'n');
    expect(flowTimes(events)).toEqual([
      [0, 3],
      [30, 30],
    ]);
  });

  it("keeps the live order: a DNS query made during a flow comes before the flow's final record", () => {
    const query = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [{ type: 'A', name: 'api.example.com' }],
    });
    const { events } = replayPackets(
      [packet(0, ping), packet(2, udp('10.0.0.5', 5353, '10.0.0.53', 53, query)), packet(4, ping)],
      'n',
    );
    expect(events.map((e) => e.payload?.$case)).toEqual([
      'dnsActivity',
      'networkActivity', // the DNS flow (ends 10 s after 2 s)
      'networkActivity', // the ping flow (ends 10 s after 4 s)
    ]);
  });
});

function udp(src: string, sport: number, dst: string, dport: number, payload: Buffer): Buffer {
  const ip = Buffer.alloc(20);
  ip.writeUInt8(0x45, 0);
  ip.writeUInt16BE(28 + payload.length, 2);
  ip.writeUInt8(64, 8);
  ip.writeUInt8(17, 9);
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const u = Buffer.alloc(8);
  u.writeUInt16BE(sport, 0);
  u.writeUInt16BE(dport, 2);
  u.writeUInt16BE(8 + payload.length, 4);
  const eth = Buffer.from('0200000000020200000000010800', 'hex');
  return Buffer.concat([eth, ip, u, payload]);
}

function pcapOf(frames: Buffer[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = frames.map((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + i, 0);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, f]);
  });
  return Buffer.concat([header, ...records]);
}
