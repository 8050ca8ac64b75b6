// Differential: the generated Lua dissector, run by the real tshark, against the generated
// TypeScript decoder on every real ITCH 5.0 capture (outside data: OMEGA_VECTORS_DIR/market), and
// its heuristic against junk and truncated UDP. Both Lua 5.2 and 5.4 compilers accept the file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCapture } from './capture-decoder';
import { DECODERS } from './decoders';
import { compileLua } from './lua-compiler';
import { parseSpec } from './spec-loader';
import { udpPcap } from './testing/pcap-writer';

const root = process.env['OMEGA_VECTORS_DIR'];
if (!root) throw new Error('OMEGA_VECTORS_DIR is not set: run through npm run test:conformance');
const NASDAQ = join(root, 'market', 'Nasdaq');
const spec = parseSpec(
  readFileSync(join(__dirname, '..', 'specs', 'itch50.yaml'), 'utf8'),
  'itch50.yaml',
);
const work = mkdtempSync(join(tmpdir(), 'omega-packet-'));
const luaFile = join(work, 'itch50.lua');
writeFileSync(luaFile, compileLua(spec));

function run(
  command: string,
  args: string[],
): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error)
    throw new Error(
      `${command} did not run (${r.error.message}): apt-get install -y tshark lua5.2 lua5.4`,
    );
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function tshark(file: string, ...args: string[]) {
  return run('tshark', ['-n', '-X', `lua_script:${luaFile}`, '-r', file, ...args]);
}

const captures = readdirSync(NASDAQ)
  .filter((name) => name.includes('TotalView.Itch.v5.0'))
  .flatMap((name) => readdirSync(join(NASDAQ, name)).map((file) => join(NASDAQ, name, file)))
  .filter((file) => file.endsWith('.pcap'));

/** A comparable value: prices as numbers (tshark prints doubles its own way), the rest as text. */
function norm(kind: string, value: unknown): unknown {
  return kind === 'price' ? Number(value) : String(value);
}

/** The messages tshark's run of the Lua dissector shows, per frame, in wire order. */
function luaMessages(
  file: string,
): { frame: number; type: string; fields: Record<string, unknown> }[] {
  const { stdout, stderr } = tshark(file, '-T', 'ek');
  expect({ file, lua: stderr.split('\n').filter((l) => l.includes('Lua:')) }).toEqual({
    file,
    lua: [],
  });
  const out: { frame: number; type: string; fields: Record<string, unknown> }[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"timestamp"')) continue;
    const layers = (JSON.parse(line) as { layers: Record<string, Record<string, unknown>> }).layers;
    const frame = Number(layers['frame']?.['frame_frame_number']);
    const layer = layers['omega_itch50'];
    if (!layer) continue;
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
    const seen = new Map<string, number>();
    for (const type of list(layer['omega_itch50_omega_itch50_message_type'])) {
      const message = spec.compiled.find((m) => m.type === type);
      if (!message)
        throw new Error(`${file} frame ${frame}: tshark shows unknown type ${String(type)}`);
      const k = seen.get(message.type) ?? 0;
      seen.set(message.type, k + 1);
      const fields: Record<string, unknown> = {};
      for (const f of message.placed) {
        const key = `omega_itch50_omega_itch50_${message.name}_${f.name}`;
        fields[f.name] = norm(f.kind, list(layer[key])[k]);
      }
      out.push({ frame, type: message.type, fields });
    }
  }
  return out;
}

describe('the generated ITCH 5.0 Lua dissector under tshark', () => {
  it('is accepted by the Lua 5.2 and 5.4 compilers', () => {
    for (const luac of ['luac5.2', 'luac5.4']) {
      expect({ luac, ...run(luac, ['-p', luaFile]) }).toEqual({
        luac,
        stdout: '',
        stderr: '',
        status: 0,
      });
    }
  });

  it('shows every message of every real capture with the values the TypeScript decoder reads', () => {
    expect(captures.length).toBe(49);
    let total = 0;
    for (const file of captures) {
      const ours: { frame: number; type: string; fields: Record<string, unknown> }[] = [];
      decodeCapture(readFileSync(file), DECODERS['itch50']!, (m) => {
        const message = spec.compiled.find((c) => c.type === m.fields['type'])!;
        const fields: Record<string, unknown> = {};
        for (const f of message.placed) fields[f.name] = norm(f.kind, m.fields[f.name]);
        ours.push({ frame: m.frame, type: message.type, fields });
      });
      expect({ file, messages: luaMessages(file) }).toEqual({ file, messages: ours });
      total += ours.length;
    }
    expect(total).toBe(227);
  });

  it('marks nothing malformed, no Lua error and no error-level expert info', () => {
    for (const file of captures) {
      const filter = '_ws.malformed || _ws.lua.error || _ws.expert.severity == "Error"';
      const { stdout, stderr } = tshark(file, '-Y', filter);
      expect({ file, stdout, lua: stderr.includes('Lua:') }).toEqual({
        file,
        stdout: '',
        lua: false,
      });
    }
  });

  it('declines junk and truncated UDP payloads, without a Lua error', () => {
    const datagrams: Uint8Array[] = [];
    // junk: patterned bytes of many lengths, a MoldUDP64 header claiming messages it lacks,
    // a count that leaves bytes over, an unknown type and a wrong length for a known type
    for (let n = 0; n < 64; n++)
      datagrams.push(Uint8Array.from({ length: 20 + n * 7 }, (_, i) => (i * 31 + n) & 0xff));
    const header = (count: number) => {
      const h = Buffer.alloc(20);
      h.write('SESSION001', 0, 'latin1');
      h.writeUInt16BE(count, 18);
      return h;
    };
    const del = Buffer.alloc(21);
    del.writeUInt16BE(19, 0);
    del.write('D', 2, 'latin1');
    datagrams.push(Buffer.concat([header(2), del]));
    datagrams.push(Buffer.concat([header(1), del, Buffer.from([0])]));
    datagrams.push(Buffer.concat([header(1), Buffer.from([0, 19, 0x7a]), Buffer.alloc(18)]));
    datagrams.push(Buffer.concat([header(1), Buffer.from([0, 20, 0x44]), Buffer.alloc(19)]));
    datagrams.push(Buffer.concat([header(1), del.subarray(0, 12)]));
    datagrams.push(header(0));
    const junk = join(work, 'junk.pcap');
    writeFileSync(junk, udpPcap(datagrams));
    const { stdout, stderr } = tshark(junk, '-T', 'fields', '-e', 'frame.protocols');
    const rows = stdout.trim().split('\n');
    expect(rows).toHaveLength(datagrams.length);
    expect(rows.filter((p) => p.includes('omega_itch50'))).toEqual([]);
    expect(stderr.includes('Lua:')).toBe(false);
    // a valid datagram captured with a short snap length: tshark sees fewer bytes than were sent
    const valid = Buffer.concat([header(1), del]);
    const snapped = join(work, 'snapped.pcap');
    writeFileSync(snapped, udpPcap([valid, valid], 26477, 42 + 30));
    const whole = join(work, 'whole.pcap');
    writeFileSync(whole, udpPcap([valid]));
    expect(tshark(whole, '-T', 'fields', '-e', 'frame.protocols').stdout).toContain('omega_itch50');
    const cut = tshark(snapped, '-T', 'fields', '-e', 'frame.protocols');
    expect(cut.stdout.trim().split('\n')).toHaveLength(2);
    expect(cut.stdout.includes('omega_itch50')).toBe(false);
    expect(cut.stderr.includes('Lua:')).toBe(false);
    // the decoder agrees: all but the heartbeat (count 0, valid framing carrying nothing, which the
    // heuristic declines because it cannot tell it from junk) are malformed, with a byte offset
    const result = decodeCapture(readFileSync(junk), DECODERS['itch50']!, () => {
      throw new Error('a junk datagram decoded');
    });
    expect(result.malformed.map((m) => m.frame)).toEqual(
      datagrams.slice(0, -1).map((_, i) => i + 1),
    );
    expect(result.messages).toBe(0);
    for (const m of result.malformed) expect(m.error.message).toMatch(/MoldUDP64 at byte \d+/);
  });
});
