#!/usr/bin/env node
// The sentinel's event encoding alone, both ways in one run: the hand-written writer
// (event-encoders.ts, what the sentinel runs) against the path it replaced (frame decoded into a
// DnsFrame, the Event built by network-events.ts, encoded by ts-proto's Event.encode), on the DNS
// frames the bench's flood produces and on flow records. Events per CPU-second of this process.
//
//   npx node bench/sentinel/encode.mjs [--events 200000] [--rounds 3]
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
  },
});
const N = Number(args.events);
const dist = join(root, 'apps', 'sentinel', 'dist');
const dnsPacket = require('dns-packet');
const { Event, ProtoWriter } = require('@omega/proto');
const { FrameDecoder, FrameType } = require(join(dist, 'wire', 'loader-frames.js'));
const { dnsEvent, flowEvent } = require(join(dist, 'events', 'network-events.js'));
const { writeDnsFrameEvent, writeFlowEvent } = require(join(dist, 'events', 'event-encoders.js'));

// DNS frames as the loader writes them for udp-flood.c's queries (A bench.omega.test)
const payload = dnsPacket.encode({
  type: 'query',
  id: 1,
  questions: [{ type: 'A', class: 'IN', name: 'bench.omega.test' }],
});
const frames = [];
for (let i = 0; i < 1024; i++) {
  const body = Buffer.alloc(56 + payload.length);
  body.writeBigUInt64LE(1_763_900_000_000_000_000n + BigInt(i) * 1000n, 0);
  body.set([10, 197, 0, 1], 12);
  body.set([10, 197, 0, 2], 28);
  body.writeUInt16LE(40000 + i, 44);
  body.writeUInt16LE(53, 46);
  body.writeUInt8(4, 48);
  body.writeUInt16LE(payload.length, 50);
  body.writeUInt16LE(payload.length, 52);
  payload.copy(body, 56);
  payload.writeUInt16BE(i, 0);
  const header = Buffer.alloc(8);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt16LE(FrameType.Dns, 4);
  header.writeUInt16LE(1, 6);
  frames.push(Buffer.concat([header, body]));
}
const stream = Buffer.concat(frames);
const flows = Array.from({ length: 1024 }, (_, i) => ({
  protocol: 6,
  src: '10.0.0.1',
  srcPort: 30000 + i,
  dst: '10.0.0.2',
  dstPort: 443,
  bytesOut: 1500 * i,
  bytesIn: 64000,
  packetsOut: i,
  packetsIn: 50,
  firstNs: 1_763_900_000_000_000_000n,
  lastNs: 1_763_900_005_000_000_000n,
  tcpFlags: 0x1b,
}));

/** Runs `body` until it produced N events; events per CPU-second of this process. */
function measure(body) {
  const cpu0 = process.cpuUsage();
  let done = 0;
  let bytes = 0;
  while (done < N) {
    const r = body();
    done += r.events;
    bytes += r.bytes;
  }
  const cpu = process.cpuUsage(cpu0);
  return { perCpuSecond: done / ((cpu.user + cpu.system) / 1e6), bytesPerEvent: bytes / done };
}

const ways = {
  'DNS, ts-proto (decode frame, build Event, Event.encode)': () => {
    const { frames: decoded } = new FrameDecoder().push(stream);
    let bytes = 0;
    for (const f of decoded) bytes += Event.encode(dnsEvent(f, 'bench', 'ebpf')).finish().length;
    return { events: decoded.length, bytes };
  },
  'DNS, hand-written (frame bytes into the batch)': () => {
    const w = new ProtoWriter(256 * 1024);
    let events = 0;
    new FrameDecoder((type, body) => {
      w.uint32(42).fork();
      writeDnsFrameEvent(w, body, 'bench', 'ebpf');
      w.join();
      events++;
      return true;
    }).push(stream);
    return { events, bytes: w.pos - 3 * events };
  },
  'flow, ts-proto (build Event, Event.encode)': () => {
    let bytes = 0;
    for (const f of flows) bytes += Event.encode(flowEvent(f, 'bench', 'ebpf')).finish().length;
    return { events: flows.length, bytes };
  },
  'flow, hand-written': () => {
    const w = new ProtoWriter(256 * 1024);
    for (const f of flows) {
      w.uint32(42).fork();
      writeFlowEvent(w, f, 'bench', 'ebpf');
      w.join();
    }
    return { events: flows.length, bytes: w.pos - 3 * flows.length };
  },
};
const results = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let round = 0; round < Number(args.rounds); round++) {
  for (const [name, body] of Object.entries(ways)) results[name].push(measure(body));
}
console.log(
  `\nbench/sentinel/encode — ${new Date().toISOString()}, ${cpus()[0].model}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, Node ${process.version}, ${N.toLocaleString('en-US')} events a round`,
);
console.log('| encoding | events per CPU-second (each round) | bytes/event |');
console.log('|---|---:|---:|');
for (const [name, runs] of Object.entries(results)) {
  console.log(
    `| ${name} | ${runs.map((r) => Math.round(r.perCpuSecond).toLocaleString('en-US')).join(' / ')} | ${runs[0].bytesPerEvent.toFixed(0)} |`,
  );
}
