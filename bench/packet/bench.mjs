#!/usr/bin/env node
// libs/packet: decoding a generated Nasdaq ITCH 5.0 capture (MoldUDP64 over UDP, Ethernet, pcap)
// on one core, in MB/s of capture and messages/s, beside tshark in the same run: Wireshark's C
// MoldUDP64 dissector (framing only: Wireshark has no ITCH 5.0) and tshark running the Lua
// dissector compiled from the same spec. tshark is timed on a slice of the capture (it is ~100×
// slower), and every figure is per second of wall time, so the rows compare.
//
//   npx node bench/packet/bench.mjs [--mb 256] [--tshark-packets 50000] [--no-build]
//
// Builds libs/packet first (incremental) unless --no-build is given, then imports its dist/ output.
import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '256' },
    'tshark-packets': { type: 'string', default: '50000' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!args['no-build'])
  execFileSync('npx', ['tsc', '-b', 'libs/packet'], { cwd: root, stdio: 'inherit' });
const packet = require(join(root, 'libs/packet/dist/index.js'));
const { ITCH50, ITCH50_LENGTHS, compileLua, parseSpec, readCapture, udpPayload, walkMoldUdp64 } =
  packet;

// Deterministic message mix, roughly a busy book: adds, executions, cancels, deletes, replaces.
let seed = 0x2545f491;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const MIX = [
  ['A', 36, 0.38],
  ['D', 19, 0.3],
  ['U', 35, 0.12],
  ['X', 23, 0.08],
  ['E', 31, 0.07],
  ['F', 40, 0.03],
  ['P', 44, 0.02],
];
function message() {
  let r = random();
  const [type, length] = MIX.find(([, , p]) => (r -= p) < 0) ?? MIX[0];
  const m = Buffer.alloc(length);
  m.write(type, 0, 'latin1');
  m.writeUInt16BE((random() * 12000) | 0, 1);
  m.writeUIntBE(34_200_000_000_000 + ((random() * 2 ** 32) | 0), 5, 6);
  m.writeUInt32BE((random() * 2 ** 31) | 0, 15);
  if (type === 'A' || type === 'F' || type === 'P') {
    m.write(random() < 0.5 ? 'B' : 'S', 19, 'latin1');
    m.writeUInt32BE(100, 20);
    m.write('AAPL    ', 24, 'latin1');
    m.writeUInt32BE(1_915_000, 32);
  }
  return m;
}

/** Writes the capture in 1 MiB chunks (bounded memory); returns packets and messages written. */
function generate(file, bytes) {
  const fd = openSync(file, 'w');
  const header = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
  writeSync(fd, header);
  let written = header.length;
  let packets = 0;
  let messages = 0;
  let sequence = 1;
  const chunk = [];
  let chunkBytes = 0;
  while (written < bytes) {
    const blocks = [];
    let size = 20;
    while (size < 1300) {
      const m = message();
      blocks.push(Buffer.from([0, m.length]), m);
      size += 2 + m.length;
    }
    const count = blocks.length / 2;
    const mold = Buffer.alloc(20);
    mold.write('BENCH00001', 0, 'latin1');
    mold.writeUInt32BE(sequence, 14);
    mold.writeUInt16BE(count, 18);
    const payload = Buffer.concat([mold, ...blocks]);
    const frame = Buffer.alloc(42 + payload.length);
    frame.writeUInt16BE(0x0800, 12);
    frame.writeUInt8(0x45, 14);
    frame.writeUInt16BE(28 + payload.length, 16);
    frame.writeUInt8(17, 23);
    frame.writeUInt16BE(40000, 34);
    frame.writeUInt16BE(26477, 36);
    frame.writeUInt16BE(8 + payload.length, 38);
    payload.copy(frame, 42);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + (packets >> 10), 0);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    chunk.push(record, frame);
    chunkBytes += 16 + frame.length;
    written += 16 + frame.length;
    packets++;
    messages += count;
    sequence += count;
    if (chunkBytes > 1 << 20) {
      writeSync(fd, Buffer.concat(chunk));
      chunk.length = 0;
      chunkBytes = 0;
    }
  }
  if (chunk.length > 0) writeSync(fd, Buffer.concat(chunk));
  closeSync(fd);
  return { packets, messages, bytes: written };
}

const work = mkdtempSync(join(tmpdir(), 'omega-bench-packet-'));
try {
  const big = join(work, 'itch-big.pcap');
  const made = generate(big, Number(args.mb) * 1024 * 1024);
  const small = join(work, 'itch-slice.pcap');
  execFileSync('editcap', ['-r', big, small, `1-${args['tshark-packets']}`]);
  const slice = readCapture(readFileSync(small)).packets.length;
  const sliceBytes = readFileSync(small).length;
  const lua = join(work, 'itch50.lua');
  writeFileSync(
    lua,
    compileLua(parseSpec(readFileSync(join(root, 'libs/packet/specs/itch50.yaml'), 'utf8'))),
  );

  // Ours: read the file, walk every MoldUDP64 message and read every field of the common header
  // plus the order reference through the generated accessors (the hot path, nothing allocated).
  const start = performance.now();
  const bytes = readFileSync(big);
  const capture = readCapture(bytes);
  let messages = 0;
  let check = 0;
  for (const p of capture.packets) {
    const udp = udpPayload(p.linkType, p.data);
    if (!udp) continue;
    const v = new DataView(p.data.buffer, p.data.byteOffset, p.data.byteLength);
    walkMoldUdp64(v, udp.start, udp.end, ITCH50_LENGTHS, (o) => {
      messages++;
      check +=
        ITCH50.orderDelete.stockLocate(v, o) +
        ITCH50.orderDelete.timestamp(v, o) +
        ITCH50.orderDelete.trackingNumber(v, o);
    });
  }
  const oursS = (performance.now() - start) / 1000;
  if (messages !== made.messages)
    throw new Error(`decoded ${messages} of ${made.messages} messages`);

  const timeTshark = (argv) => {
    const t0 = performance.now();
    const r = spawnSync('tshark', argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`tshark ${argv.join(' ')}: ${r.stderr}`);
    return {
      s: (performance.now() - t0) / 1000,
      lines: r.stdout.trim().split('\n').filter(Boolean),
      stderr: r.stderr,
    };
  };
  const c = timeTshark([
    '-n',
    '-r',
    small,
    '-d',
    'udp.port==26477,moldudp64',
    '-T',
    'fields',
    '-e',
    'moldudp64.count',
  ]);
  const l = timeTshark([
    '-n',
    '-X',
    `lua_script:${lua}`,
    '-r',
    small,
    '-T',
    'fields',
    '-e',
    'omega_itch50.mold.count',
  ]);
  const sliceMessages = (lines) =>
    lines.reduce((n, line) => n + Number(line.split(',')[0] || 0), 0);
  if (l.stderr.includes('Lua:')) throw new Error(`Lua error under tshark: ${l.stderr}`);

  const rows = [
    ['libs/packet generated TS (walk + accessors)', made.bytes, oursS, messages, made.packets],
    ['tshark, C MoldUDP64 (framing only)', sliceBytes, c.s, sliceMessages(c.lines), slice],
    ['tshark, generated Lua dissector', sliceBytes, l.s, sliceMessages(l.lines), slice],
  ];
  console.log(`cpu: ${cpus()[0]?.model} (${cpus().length} cores), node ${process.version}`);
  console.log(
    `capture: ${(made.bytes / 2 ** 20).toFixed(0)} MiB, ${made.packets} packets, ${made.messages} messages; tshark slice: ${slice} packets`,
  );
  console.log('| decoder | MiB | s | MB/s | messages/s | packets/s |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, b, s, m, p] of rows) {
    console.log(
      `| ${name} | ${(b / 2 ** 20).toFixed(1)} | ${s.toFixed(2)} | ${(b / 1e6 / s).toFixed(1)} | ${Math.round(m / s)} | ${Math.round(p / s)} |`,
    );
  }
  console.log(
    `speed-up over tshark's C path: ${(made.bytes / oursS / (sliceBytes / c.s)).toFixed(1)}× (check ${check % 997})`,
  );
  console.log(
    `peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (the reader holds the whole file: not flat in file size)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
