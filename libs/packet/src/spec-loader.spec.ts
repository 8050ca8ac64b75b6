import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec } from './spec-loader';

const ITCH = readFileSync(join(__dirname, '..', 'specs', 'itch50.yaml'), 'utf8');

const minimal = (messages: string) => `protocol: demo
title: Demo
source: none
framing: { kind: moldudp64 }
byteOrder: big
header:
  - { name: locate, kind: uint, size: 2 }
messages:
${messages}`;

describe('parseSpec', () => {
  it('reads the shipped ITCH 5.0 spec: 23 message types with their lengths and offsets', () => {
    const spec = parseSpec(ITCH, 'itch50.yaml');
    expect(spec.compiled.map((m) => `${m.type}${m.length}`).join(' ')).toBe(
      'S12 R39 H25 Y20 L26 V35 W12 K28 J35 h21 A36 F40 E31 C36 X23 D19 U35 P44 Q40 B19 I50 N20 O48',
    );
    const add = spec.compiled.find((m) => m.type === 'A')!;
    expect(add.placed.map((f) => `${f.name}@${f.offset}`)).toEqual([
      'stock_locate@1',
      'tracking_number@3',
      'timestamp@5',
      'order_reference_number@11',
      'buy_sell_indicator@19',
      'shares@20',
      'stock@24',
      'price@32',
    ]);
  });

  it('names the line and column of a YAML syntax error', () => {
    expect(() => parseSpec('protocol: demo\ntitle: [unclosed\n', 'bad.yaml')).toThrow(
      'bad.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('names the line and column of a field the schema rejects', () => {
    const text = minimal(`  - type: A
    name: add
    title: Add
    length: 5
    fields:
      - { name: shares, kind: uint, size: 3 }
`);
    expect(() => parseSpec(text, 'demo.yaml')).toThrow(
      'demo.yaml:14:43: messages.0.fields.0.size must be equal to one of the allowed values (1, 2, 4, 6, 8)',
    );
  });

  it('names an unknown key with its line', () => {
    const text = minimal(`  - type: A
    name: add
    title: Add
    lenght: 5
    fields: []
`);
    expect(() => parseSpec(text, 'demo.yaml')).toThrow(
      "demo.yaml:9:5: messages.0 must have required property 'length'",
    );
  });

  it('rejects a length that differs from the sum of the fields, at the length', () => {
    const text = minimal(`  - type: A
    name: add
    title: Add
    length: 8
    fields:
      - { name: shares, kind: uint, size: 4 }
`);
    expect(() => parseSpec(text, 'demo.yaml')).toThrow(
      'demo.yaml:12:13: messages.0.length is 8 but the type byte, header and fields add up to 7',
    );
  });

  it('rejects a message type defined twice, at the second', () => {
    const text = minimal(`  - { type: A, name: one, title: One, length: 3, fields: [] }
  - { type: A, name: two, title: Two, length: 3, fields: [] }
`);
    expect(() => parseSpec(text, 'demo.yaml')).toThrow(
      "demo.yaml:10:13: messages.1.type 'A' is defined twice",
    );
  });

  it('rejects a price without its decimal places and a spec over the size limit', () => {
    const text = minimal(`  - type: A
    name: add
    title: Add
    length: 7
    fields:
      - { name: price, kind: price, size: 4 }
`);
    expect(() => parseSpec(text, 'demo.yaml')).toThrow(
      "demo.yaml:14:9: messages.0.fields.0 must have required property 'decimals'",
    );
    expect(() => parseSpec('#'.repeat((1 << 20) + 1), 'big.yaml')).toThrow(
      'big.yaml: 1048577 bytes is over',
    );
  });
});

describe('the spec shown in docs/packet.md', () => {
  it('parses, with the offsets the page implies', () => {
    const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'packet.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const spec = parseSpec(yaml, 'packet.md');
    expect(spec.compiled[0]!.placed.map((f) => `${f.name}@${f.offset}`)).toEqual([
      'locate@1',
      'timestamp@3',
      'side@9',
      'shares@10',
      'price@14',
    ]);
  });
});
