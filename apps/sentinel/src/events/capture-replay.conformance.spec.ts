// Replays the real market-data captures (outside data, see MARKET_VECTORS_DIR) and checks packets,
// 5-tuples and bytes against tshark (a second reader).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { replayPackets } from './capture-replay';
import { readCapture } from '../wire/pcap-reader';
import { MARKET_VECTORS_DIR } from '../testing/market-vectors';
import { tshark } from '../testing/tshark';

function pcaps(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pcaps(path);
    return name.endsWith('.pcap') ? [path] : [];
  });
}

beforeAll(() => {
  if (spawnSync('tshark', ['--version']).status !== 0) {
    throw new Error(
      'capture replay conformance spec: tshark is missing (apt-get install -y --no-install-recommends tshark)',
    );
  }
});

/** tshark's view of a capture: packets per directed 5-tuple key, and the IP bytes. */
function tsharkFlows(file: string): Map<string, { packets: number; bytes: number }> {
  const flows = new Map<string, { packets: number; bytes: number }>();
  const rows = tshark(
    file,
    'ip.src',
    'ipv6.src',
    'ip.dst',
    'ipv6.dst',
    'ip.proto',
    'ipv6.nxt',
    'udp.srcport',
    'tcp.srcport',
    'udp.dstport',
    'tcp.dstport',
    'ip.len',
    'ipv6.plen',
  );
  for (const [s4, s6, d4, d6, p4, p6, us, ts, ud, td, len4, plen6] of rows) {
    const key = [p4 || p6, s4 || s6, us || ts, d4 || d6, ud || td].join('|');
    const bytes = len4 ? Number(len4.split(',')[0]) : 40 + Number(plen6);
    const f = flows.get(key) ?? { packets: 0, bytes: 0 };
    f.packets++;
    f.bytes += bytes;
    flows.set(key, f);
  }
  return flows;
}

describe('capture replay of the market-data captures', () => {
  const files = pcaps(MARKET_VECTORS_DIR);

  it('finds the real market-data captures', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('reads every market-data capture with the same packets, 5-tuples and IP bytes as tshark', () => {
    for (const file of files) {
      const capture = readCapture(readFileSync(file), file);
      expect(capture.error).toBeUndefined();
      const ours = new Map<string, { packets: number; bytes: number }>();
      for (const f of replayPackets(capture.packets, 'n').flows) {
        // the market captures are one-way: every packet is "out". A 5-tuple silent for longer than
        // the idle timeout (10 s, as live) is exported as several flow records: they add up.
        const key = [f.protocol, f.src, f.srcPort, f.dst, f.dstPort].join('|');
        const sum = ours.get(key) ?? { packets: 0, bytes: 0 };
        sum.packets += f.packetsOut + f.packetsIn;
        sum.bytes += f.bytesOut + f.bytesIn;
        ours.set(key, sum);
      }
      const theirs = tsharkFlows(file);
      const theirPackets = [...theirs.values()].reduce((n, f) => n + f.packets, 0);
      expect({ file, packets: capture.packets.length }).toEqual({ file, packets: theirPackets });
      expect({ file, flows: Object.fromEntries(ours) }).toEqual({
        file,
        flows: Object.fromEntries(theirs),
      });
    }
  });
});
