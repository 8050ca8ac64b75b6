import { Code, OmegaError } from '@omega/runtime';
import { FrameDecoder, FrameType, ipv6Text } from './loader-frames';

function frame(type: number, body: Buffer, version = 1): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt16LE(type, 4);
  header.writeUInt16LE(version, 6);
  return Buffer.concat([header, body]);
}

function reply(id: number, status: number, message: string): Buffer {
  const text = Buffer.from(message);
  const body = Buffer.alloc(10 + text.length);
  body.writeUInt32LE(id, 0);
  body.writeInt32LE(status, 4);
  body.writeUInt16LE(text.length, 8);
  text.copy(body, 10);
  return frame(FrameType.Reply, body);
}

function exec(pid: number, filename: string, args: string[]): Buffer {
  const name = Buffer.from(filename);
  const argv = Buffer.from(args.map((a) => `${a}\0`).join(''));
  const body = Buffer.alloc(64 + name.length + argv.length);
  body.writeUInt32LE(pid, 0);
  body.writeUInt32LE(1, 4);
  body.writeBigUInt64LE(1_700_000_000_000_000_000n, 16);
  body.writeBigUInt64LE(42n, 24);
  body.write('true', 40);
  body.writeUInt16LE(name.length, 56);
  body.writeUInt16LE(argv.length, 58);
  name.copy(body, 64);
  argv.copy(body, 64 + name.length);
  return frame(FrameType.Exec, body);
}

describe('FrameDecoder', () => {
  it('decodes an EXEC frame with its filename and NUL-separated argv', () => {
    const { frames, error } = new FrameDecoder().push(exec(77, '/bin/true', ['true', '-x']));
    expect(error).toBeUndefined();
    expect(frames).toEqual([
      expect.objectContaining({
        type: FrameType.Exec,
        pid: 77,
        ppid: 1,
        comm: 'true',
        filename: '/bin/true',
        args: ['true', '-x'],
        cgroupId: 42n,
        timeNs: 1_700_000_000_000_000_000n,
      }),
    ]);
  });

  it('keeps a frame split across chunks until its last byte arrives', () => {
    const bytes = Buffer.concat([reply(1, 0, 'blocked 10.0.0.1'), reply(2, -22, 'bad')]);
    const decoder = new FrameDecoder();
    const seen = [];
    for (let i = 0; i < bytes.length; i += 3) {
      seen.push(...decoder.push(bytes.subarray(i, i + 3)).frames);
    }
    expect(seen.map((f) => (f.type === FrameType.Reply ? f.message : ''))).toEqual([
      'blocked 10.0.0.1',
      'bad',
    ]);
    expect(decoder.end()).toBeUndefined();
  });

  it('reports an unknown frame type with its byte offset and keeps the frames before it', () => {
    const good = reply(7, 0, 'ok');
    const { frames, error } = new FrameDecoder().push(
      Buffer.concat([good, frame(99, Buffer.alloc(4)), reply(8, 0, 'after')]),
    );
    expect(frames).toHaveLength(1);
    expect(error).toBeInstanceOf(OmegaError);
    expect(error?.code).toBe(Code.DataLoss);
    expect(error?.message).toBe(
      `loader stream: bad frame at byte offset ${good.length}: unknown frame type 99 (4-byte body)`,
    );
  });

  it('refuses a frame of another protocol version and everything after it', () => {
    const decoder = new FrameDecoder();
    const { error } = decoder.push(frame(FrameType.Reply, Buffer.alloc(10), 2));
    expect(error?.message).toMatch(
      /byte offset 0: frame version 2, this sentinel speaks version 1/,
    );
    expect(decoder.push(reply(1, 0, 'x')).error).toBe(error);
  });

  it('reports a body too short for its type', () => {
    const { error } = new FrameDecoder().push(frame(FrameType.Stats, Buffer.alloc(12)));
    expect(error?.message).toBe(
      'loader stream: bad frame at byte offset 0: STATS frame body is 12 bytes, at least 40 expected',
    );
  });

  it('calls a stream that ends inside a frame data loss, naming the offset', () => {
    const decoder = new FrameDecoder();
    const whole = reply(1, 0, 'one');
    decoder.push(Buffer.concat([whole, reply(2, 0, 'two').subarray(0, 5)]));
    expect(decoder.end()?.message).toBe(
      `loader stream: ends inside a frame at byte offset ${whole.length} (5 bytes of an unfinished frame)`,
    );
  });

  it('prints IPv6 addresses as the WHATWG URL parser does (RFC 5952 form)', () => {
    for (const hex of [
      '20010db8000000000000000000000001',
      'fd000000000100000000000000000000',
      '00000000000000000000000000000000',
      '20010db8000000010000000000000001',
      'fe800000000000000a1b2c3d4e5f6071',
    ]) {
      const groups = hex.match(/..../g)?.join(':') ?? '';
      const viaUrl = new URL(`http://[${groups}]/`).hostname.slice(1, -1);
      expect(ipv6Text(Buffer.from(hex, 'hex'))).toBe(viaUrl);
    }
  });

  it('decodes a FLOW frame, showing a v4-mapped IPv6 address as IPv4', () => {
    const body = Buffer.alloc(92);
    Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]).copy(body, 0);
    Buffer.from('fd000000000000000000000000000002', 'hex').copy(body, 16);
    body.writeUInt16LE(40000, 32);
    body.writeUInt16LE(443, 34);
    body.writeUInt8(6, 36);
    body.writeUInt8(6, 37); // family
    body.writeUInt8(1, 38); // ended
    body.writeBigUInt64LE(1_000n, 60);
    body.writeBigUInt64LE(7n, 84);
    const { frames, error } = new FrameDecoder().push(frame(FrameType.Flow, body));
    expect(error).toBeUndefined();
    expect(frames[0]).toMatchObject({
      type: FrameType.Flow,
      src: '10.0.0.1',
      dst: 'fd00::2',
      srcPort: 40000,
      dstPort: 443,
      protocol: 6,
      ended: true,
      bytesOut: 1_000n,
      packetsIn: 7n,
    });
  });

  it('refuses a DNS frame whose captured length runs past its body, naming the offset, keeping frames before it', () => {
    const body = Buffer.alloc(56 + 4);
    body.writeUInt8(4, 48);
    body.writeUInt16LE(100, 52); // claims 100 captured bytes, carries 4
    const bytes = Buffer.concat([reply(1, 0, 'ok'), frame(FrameType.Dns, body)]);
    const { frames, error } = new FrameDecoder().push(bytes);
    expect(frames).toHaveLength(1);
    expect(error?.message).toBe(
      `loader stream: bad frame at byte offset ${reply(1, 0, 'ok').length}: DNS frame body is 60 bytes, at least 156 expected`,
    );
  });

  it('refuses a TCP_STATE frame with an unknown address family', () => {
    const body = Buffer.alloc(104);
    body.writeUInt8(9, 12);
    const { error } = new FrameDecoder().push(frame(FrameType.TcpState, body));
    expect(error?.message).toBe(
      'loader stream: bad frame at byte offset 0: TCP_STATE address family 9, expected 4 or 6',
    );
  });

  it('reads a STATS frame from an older loader (no network counters) as zeros', () => {
    const body = Buffer.alloc(40);
    body.writeBigUInt64LE(3n, 8);
    const { frames } = new FrameDecoder().push(frame(FrameType.Stats, body));
    expect(frames[0]).toMatchObject({ lostExec: 3n, lostDns: 0n, stealthUnknown: 0n });
  });

  it('decodes a FILE frame: the kernel dev_t as major:minor, the comm and the path after the header', () => {
    const path = Buffer.from('/root/.aws/credentials');
    const body = Buffer.alloc(72 + path.length);
    body.writeUInt32LE(1, 0); // open
    body.writeUInt32LE(4242, 4);
    body.writeUInt32LE(1000, 8);
    body.writeUInt32LE(7, 16); // watch id
    body.writeUInt32LE(0o100000, 20); // O_LARGEFILE | O_RDONLY
    body.writeBigUInt64LE(10_209_674n, 40);
    body.writeUInt32LE((254 << 20) | 3, 48);
    body.writeUInt16LE(path.length, 52);
    body.write('cat', 56);
    path.copy(body, 72);
    const { frames, error } = new FrameDecoder().push(frame(FrameType.File, body));
    expect(error).toBeUndefined();
    expect(frames[0]).toMatchObject({
      type: FrameType.File,
      pid: 4242,
      uid: 1000,
      watchId: 7,
      flags: 0o100000,
      inode: 10_209_674n,
      device: '254:3',
      comm: 'cat',
      path: '/root/.aws/credentials',
    });
  });

  it('refuses a FILE frame whose path runs past its body, naming the offset', () => {
    const body = Buffer.alloc(80);
    body.writeUInt16LE(9, 52);
    const { error } = new FrameDecoder().push(
      Buffer.concat([reply(1, 0, 'ok'), frame(FrameType.File, body)]),
    );
    expect(error?.message).toBe(
      'loader stream: bad frame at byte offset 20: FILE frame body is 80 bytes, 81 expected for its 9-byte path',
    );
  });

  it('decodes an AUDIT frame: the call by name, a negative result, argv and the strings after the header', () => {
    const strings = ['/usr/bin/mv', 'mv\0a\0b\0', '/etc/a', '/etc/b', ''];
    const tail = Buffer.from(strings.join(''));
    const body = Buffer.alloc(124 + tail.length);
    body.writeUInt32LE(12, 0); // FILE_RENAME
    body.writeUInt32LE(31, 4); // renameat2, the 31st of omega_audit_call
    body.writeUInt32LE(4242, 8);
    body.writeUInt32LE(1, 12);
    body.writeUInt32LE(1000, 16); // uid
    body.writeUInt32LE(0, 24); // euid
    body.writeUInt32LE(3, 36); // watch id
    body.writeBigInt64LE(-18n, 40); // EXDEV
    body.writeBigUInt64LE(0x2000n, 64); // CAP_NET_RAW
    body.writeBigUInt64LE(0xffffffffn, 72);
    body.write('mv', 96);
    strings.forEach((text, n) => body.writeUInt16LE(Buffer.byteLength(text), 112 + 2 * n));
    tail.copy(body, 124);
    const { frames, error } = new FrameDecoder().push(frame(FrameType.Audit, body));
    expect(error).toBeUndefined();
    expect(frames[0]).toMatchObject({
      type: FrameType.Audit,
      op: 12,
      syscall: 'renameat2',
      pid: 4242,
      ppid: 1,
      uid: 1000,
      euid: 0,
      watchId: 3,
      result: -18n,
      capEffective: 0x2000n,
      args: [0xffffffffn, 0n, 0n],
      comm: 'mv',
      exe: '/usr/bin/mv',
      argv: ['mv', 'a', 'b'],
      path: '/etc/a',
      path2: '/etc/b',
      extra: '',
    });
  });

  it('refuses an AUDIT frame whose strings run past its body, naming the offset', () => {
    const body = Buffer.alloc(130);
    body.writeUInt16LE(4, 112);
    body.writeUInt16LE(4, 116);
    const { error } = new FrameDecoder().push(frame(FrameType.Audit, body));
    expect(error?.message).toBe(
      'loader stream: bad frame at byte offset 0: AUDIT frame body is 130 bytes, 132 expected for its strings (4, 0, 4, 0, 0 bytes)',
    );
  });
});
