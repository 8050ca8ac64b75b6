// PROXY v2 headers against external truth: a header HAProxy itself wrote (captured with netcat and
// published as a hex dump), the byte values HAProxy's proxy-protocol.txt gives for each field, and
// refusals of what the specification does not allow, each naming the byte offset.
import { Code } from '@omega/errors';
import { decodeProxyV2, encodeProxyV2, formatIp, ipBytes, type ProxyHeaderV2 } from './index';

/** HAProxy `send-proxy-v2` for a TCP4 client 172.19.0.1:42578 → 172.19.0.3:80, then "GET ". */
const HAPROXY_WROTE = Buffer.from(
  '0d0a0d0a000d0a515549540a2111000cac130001ac130003a6520050474554 20'.replace(/\s/g, ''),
  'hex',
);

describe('PROXY protocol v2', () => {
  it('reads the header HAProxy wrote and stops where the client bytes begin', () => {
    const decoded = decodeProxyV2(HAPROXY_WROTE);
    expect(decoded).toEqual({
      header: {
        command: 'PROXY',
        family: 'INET',
        transport: 'STREAM',
        source: { ip: '172.19.0.1', port: 42578 },
        destination: { ip: '172.19.0.3', port: 80 },
        tlvs: [],
      },
      headerBytes: 28,
    });
    expect(HAPROXY_WROTE.subarray(28).toString()).toBe('GET ');
  });

  it('writes the same bytes HAProxy wrote for the same connection', () => {
    const header: ProxyHeaderV2 = {
      command: 'PROXY',
      family: 'INET',
      transport: 'STREAM',
      source: { ip: '172.19.0.1', port: 42578 },
      destination: { ip: '172.19.0.3', port: 80 },
      tlvs: [],
    };
    expect(encodeProxyV2(header)).toEqual(HAPROXY_WROTE.subarray(0, 28));
  });

  it('writes the field values the specification gives: \\x21 PROXY, \\x21 TCP over IPv6, 36 address bytes, TLVs after', () => {
    const bytes = encodeProxyV2({
      command: 'PROXY',
      family: 'INET6',
      transport: 'STREAM',
      source: { ip: '2001:db8::1', port: 5555 },
      destination: { ip: 'fd00::a', port: 6379 },
      tlvs: [{ type: 0xe0, value: Buffer.from('0a1b2c3d4e5f') }],
    });
    expect(bytes[12]).toBe(0x21);
    expect(bytes[13]).toBe(0x21);
    expect(bytes.readUInt16BE(14)).toBe(36 + 3 + 12);
    expect(bytes.subarray(16, 32).toString('hex')).toBe('20010db8000000000000000000000001');
    expect(bytes.subarray(52, 55).toString('hex')).toBe('e0000c');
    const decoded = decodeProxyV2(bytes);
    expect(decoded).toMatchObject({
      header: {
        source: { ip: '2001:db8::1', port: 5555 },
        destination: { ip: 'fd00::a', port: 6379 },
        tlvs: [{ type: 0xe0, value: Uint8Array.from(Buffer.from('0a1b2c3d4e5f')) }],
      },
      headerBytes: bytes.length,
    });
  });

  it('a LOCAL header (\\x20, family UNSPEC) carries no addresses', () => {
    const bytes = encodeProxyV2({
      command: 'LOCAL',
      family: 'UNSPEC',
      transport: 'UNSPEC',
      tlvs: [],
    });
    expect(bytes.subarray(12).toString('hex')).toBe('20000000');
    expect(decodeProxyV2(bytes)).toEqual({
      header: { command: 'LOCAL', family: 'UNSPEC', transport: 'UNSPEC', tlvs: [] },
      headerBytes: 16,
    });
  });

  it('asks for more bytes until the declared length has arrived', () => {
    expect(decodeProxyV2(HAPROXY_WROTE.subarray(0, 5))).toEqual({ needBytes: 11 });
    expect(decodeProxyV2(HAPROXY_WROTE.subarray(0, 20))).toEqual({ needBytes: 8 });
  });

  it.each([
    [
      'bytes that are not the signature',
      Buffer.from('GET / HTTP/1.1\r\n'),
      /byte 0: not the PROXY v2 signature/,
    ],
    [
      'a PROXY v1 line',
      Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'),
      /byte 0: not the PROXY v2 signature/,
    ],
    [
      'version 1 in the version nibble',
      Buffer.concat([HAPROXY_WROTE.subarray(0, 12), Buffer.from('1111000c', 'hex')]),
      /byte 12: version 1, not 2/,
    ],
    [
      'command 2',
      Buffer.concat([HAPROXY_WROTE.subarray(0, 12), Buffer.from('2211000c', 'hex')]),
      /byte 12: command 2/,
    ],
    [
      'address family 4',
      Buffer.concat([HAPROXY_WROTE.subarray(0, 12), Buffer.from('2141000c', 'hex')]),
      /byte 13: address family 4/,
    ],
    [
      'a length shorter than the addresses',
      Buffer.concat([
        HAPROXY_WROTE.subarray(0, 12),
        Buffer.from('21110008', 'hex'),
        Buffer.alloc(8),
      ]),
      /byte 14: declares 8 bytes, fewer than the 12/,
    ],
    [
      'a length past the bound',
      Buffer.concat([HAPROXY_WROTE.subarray(0, 12), Buffer.from('2111ffff', 'hex')]),
      /byte 14: declares 65535 bytes, at most 512/,
    ],
    [
      'a TLV running past the end',
      Buffer.concat([
        HAPROXY_WROTE.subarray(0, 12),
        Buffer.from('21110010', 'hex'),
        Buffer.alloc(12),
        Buffer.from('e00009ff', 'hex'),
      ]),
      /byte 29: TLV of 9 bytes runs past/,
    ],
  ])('refuses %s, naming the byte', (_what, bytes, message) => {
    let caught: unknown;
    try {
      decodeProxyV2(bytes, 512);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringMatching(message),
    });
  });

  it('writes addresses in their usual text forms', () => {
    expect(formatIp(ipBytes('::ffff:10.1.2.3', 'ip'))).toBe('::ffff:10.1.2.3');
    expect(formatIp(ipBytes('2001:db8:0:0:1:0:0:1', 'ip'))).toBe('2001:db8::1:0:0:1');
    expect(formatIp(ipBytes('::', 'ip'))).toBe('::');
    expect(() => ipBytes('10.0.0.256', 'source')).toThrow(
      /source: "10.0.0.256" is not an IP address/,
    );
    expect(() => ipBytes('1::2::3', 'source')).toThrow(/is not an IP address/);
  });
});
