import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { decodeCapture, type DecodedMessage } from './capture-decoder';
import { DECODERS } from './decoders';
import { ITCH50 } from './generated/itch50';
import { walkMoldUdp64 } from './moldudp64';
import { parseSpec } from './spec-loader';
import { udpPcap } from './testing/pcap-writer';
import { compileTypeScript } from './typescript-compiler';

const itch = DECODERS['itch50']!;

// An Add Order (A, 36 bytes) written byte by byte from the spec's table: locate 0x1234, tracking 7,
// timestamp 0x00001F1ACF4C ns, order 0x0102030405060708 (past 2^53: kept exact as text), side B,
// 300 shares, "AAPL    ", price 1,915,000 (191.5 at 4 decimals).
const ADD_ORDER = Buffer.from(
  '41' +
    '1234' +
    '0007' +
    '00001f1acf4c' +
    '0102030405060708' +
    '42' +
    '0000012c' +
    '4141504c20202020' +
    '001d3878',
  'hex',
);
const moldHeader = (session: string, sequence: number, count: number) => {
  const h = Buffer.alloc(20);
  h.write(session, 0, 'latin1');
  h.writeUInt32BE(sequence, 14);
  h.writeUInt16BE(count, 18);
  return h;
};
const block = (message: Buffer) => Buffer.concat([Buffer.from([0, message.length]), message]);

describe('the generated ITCH 5.0 decoder', () => {
  it('is exactly what the compiler makes of specs/itch50.yaml (run scripts/generate.cjs after a spec change)', () => {
    const spec = parseSpec(
      readFileSync(join(__dirname, '..', 'specs', 'itch50.yaml'), 'utf8'),
      'itch50.yaml',
    );
    const target = join(__dirname, 'generated', 'itch50.ts');
    const source = compileTypeScript(spec, {
      readersImport: '../field-readers',
      specFile: 'specs/itch50.yaml',
    });
    // prettier formats it as scripts/generate.cjs does (in a child: it loads ES modules jest cannot)
    const prettier = require.resolve('prettier/bin/prettier.cjs');
    const formatted = spawnSync(process.execPath, [prettier, '--stdin-filepath', target], {
      input: source,
      encoding: 'utf8',
    });
    expect(formatted.stderr).toBe('');
    expect(formatted.stdout).toBe(readFileSync(target, 'utf8'));
  });

  it('reads each field of a hand-written Add Order straight from the buffer', () => {
    const v = new DataView(ADD_ORDER.buffer, ADD_ORDER.byteOffset, ADD_ORDER.byteLength);
    expect(ITCH50.addOrder.stockLocate(v, 0)).toBe(0x1234);
    expect(ITCH50.addOrder.timestamp(v, 0)).toBe(0x1f1acf4c);
    expect(ITCH50.addOrder.orderReferenceNumber(v, 0)).toBe('72623859790382856');
    expect(ITCH50.addOrder.price(v, 0)).toBe(191.5);
    expect(itch.record(v, 0)).toEqual({
      type: 'A',
      name: 'add_order',
      stock_locate: 4660,
      tracking_number: 7,
      timestamp: 521850700,
      order_reference_number: '72623859790382856',
      buy_sell_indicator: 'B',
      shares: 300,
      stock: 'AAPL',
      price: 191.5,
    });
  });

  it('walks a MoldUDP64 packet of two messages with their sequence numbers', () => {
    const payload = Buffer.concat([
      moldHeader('SESSION001', 41, 2),
      block(ADD_ORDER),
      block(ADD_ORDER),
    ]);
    const seen: string[] = [];
    const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const header = walkMoldUdp64(v, 0, payload.length, itch.lengths, (o, len, seq) =>
      seen.push(`${o}/${len}/${seq}`),
    );
    expect(header).toEqual({ session: 'SESSION001', sequence: 41, count: 2 });
    expect(seen).toEqual(['22/36/41', '60/36/42']);
  });

  it('rejects framing that does not add up, naming the byte offset', () => {
    const check = (payload: Buffer) => () =>
      walkMoldUdp64(
        new DataView(payload.buffer, payload.byteOffset, payload.length),
        0,
        payload.length,
        itch.lengths,
        () => undefined,
      );
    expect(check(Buffer.alloc(12))).toThrow(
      'MoldUDP64 header at byte 0: 12 bytes is shorter than the 20-byte header',
    );
    // a field past the end: the last message is cut short
    expect(check(Buffer.concat([moldHeader('S', 1, 1), block(ADD_ORDER).subarray(0, 30)]))).toThrow(
      'MoldUDP64 at byte 20: message 1 of 1: length 36 runs past the end of the payload',
    );
    expect(check(Buffer.concat([moldHeader('S', 1, 2), block(ADD_ORDER)]))).toThrow(
      'MoldUDP64 at byte 58: message 2 of 2: its length is past the end of the payload',
    );
    expect(check(Buffer.concat([moldHeader('S', 1, 1), block(ADD_ORDER.subarray(0, 35))]))).toThrow(
      "MoldUDP64 at byte 22: message 1 of 1: type 'A' is 35 bytes, the spec says 36",
    );
    expect(check(Buffer.concat([moldHeader('S', 1, 1), block(Buffer.from('z'))]))).toThrow(
      'MoldUDP64 at byte 22: message 1 of 1: unknown type 0x7a',
    );
    expect(
      check(Buffer.concat([moldHeader('S', 1, 1), block(ADD_ORDER), Buffer.from([9])])),
    ).toThrow('MoldUDP64 at byte 58: 1 bytes after the 1 messages the header counts');
  });

  it('keeps the packets before a truncated capture and names the byte offset of the break', () => {
    const payload = Buffer.concat([moldHeader('SESSION001', 7, 1), block(ADD_ORDER)]);
    const file = udpPcap([payload, payload, payload]);
    const cut = file.subarray(0, file.length - 10);
    const found: DecodedMessage[] = [];
    const result = decodeCapture(cut, itch, (m) => found.push(m), 'cut.pcap');
    expect(found.map((m) => [m.frame, m.sequence, m.fields['stock']])).toEqual([
      [1, 7, 'AAPL'],
      [2, 7, 'AAPL'],
    ]);
    // 24-byte file header, then two records of 16 + 14 + 20 + 8 + 58 bytes each
    expect(result.error?.message).toMatch(/^cut\.pcap: .* at byte offset 256$/);
  });
});
