import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferedIo } from './cli-io';
import { runCli } from './cli-program';

const dir = mkdtempSync(join(tmpdir(), 'omega-packet-cli-'));

// A MoldUDP64 datagram of one Order Delete (D, 19 bytes) written byte by byte from the ITCH 5.0
// table: session "SESSION001", sequence 5, locate 2737, tracking 0, timestamp 0x1f1acf4c, order 77.
const payload = Buffer.from(
  Buffer.from('SESSION001', 'latin1').toString('hex') +
    '0000000000000005' +
    '0001' +
    '0013' +
    '44' +
    '0ab1' +
    '0000' +
    '00001f1acf4c' +
    '000000000000004d',
  'hex',
);

function pcap(payloads: Buffer[]): Buffer {
  const header = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
  const records = payloads.map((p) => {
    const frame = Buffer.alloc(42 + p.length);
    frame.writeUInt16BE(0x0800, 12);
    frame.writeUInt8(0x45, 14);
    frame.writeUInt16BE(28 + p.length, 16);
    frame.writeUInt8(17, 23);
    frame.writeUInt16BE(8 + p.length, 38);
    p.copy(frame, 42);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

describe('omega packet', () => {
  it('decode prints one NDJSON line per message and a summary on stderr', async () => {
    const file = join(dir, 'one.pcap');
    writeFileSync(file, pcap([payload]));
    const io = bufferedIo();
    expect(await runCli(['packet', 'decode', file], io)).toBe(0);
    expect(io.lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        frame: 1,
        session: 'SESSION001',
        sequence: 5,
        length: 19,
        type: 'D',
        name: 'order_delete',
        stock_locate: 2737,
        tracking_number: 0,
        timestamp: 521850700,
        order_reference_number: 77,
      },
    ]);
    expect(io.errors.at(-1)).toBe(
      'packet decode: 1 messages from 1 packets (0 not UDP, 0 malformed)',
    );
  });

  it('decode of a truncated capture keeps the packets before the break, names its offset and fails', async () => {
    const file = join(dir, 'cut.pcap');
    const whole = pcap([payload, payload]);
    // 24-byte file header, one 16 + 83-byte record, then the second one cut short at byte 123
    writeFileSync(file, whole.subarray(0, whole.length - 5));
    const io = bufferedIo();
    expect(await runCli(['packet', 'decode', file, '-o', 'json'], io)).toBe(1);
    expect((JSON.parse(io.lines.join('\n')) as unknown[]).length).toBe(1);
    expect(io.errors.join('\n')).toMatch(/at byte offset 123 \(packets before it decoded\)/);
  });

  it('dissector writes a Lua file that Lua 5.2 and 5.4 compile', async () => {
    const out = join(dir, 'itch50.lua');
    expect(await runCli(['packet', 'dissector', '--out', out], bufferedIo())).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('proto:register_heuristic("udp", heuristic)');
    for (const luac of ['luac5.2', 'luac5.4']) {
      const r = spawnSync(luac, ['-p', out], { encoding: 'utf8' });
      expect({ luac, status: r.status, stderr: r.stderr }).toEqual({ luac, status: 0, stderr: '' });
    }
  });

  it('dissector names the line and column of a broken spec', async () => {
    const spec = join(dir, 'broken.yaml');
    writeFileSync(
      spec,
      'protocol: demo\ntitle: x\nsource: y\nframing: { kind: soup }\nbyteOrder: big\nheader: []\nmessages: []\n',
    );
    const io = bufferedIo();
    expect(await runCli(['packet', 'dissector', '--spec', spec], io)).not.toBe(0);
    expect(io.errors.join('\n')).toContain(
      `${spec}:4:18: framing.kind must be equal to one of the allowed values (moldudp64)`,
    );
  });
});
