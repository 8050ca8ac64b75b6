// The XDP stealth filter on a host's underlay interface (generic XDP on a veth in a namespace):
// the tunnel still works through it, junk sent to the WireGuard port is dropped, and handshake
// initiations past 10 per second from one source are dropped; both counted in the exported metrics.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePublicIdentity } from './edge-identity';
import { overlayAddresses } from './overlay-address';
import { createEdgeLab, inNs, type EdgeLab, type LabHost } from './testing/edge-lab';

let lab: EdgeLab;
let a: LabHost;
let b: LabHost;
let keyA: string;
let keyB: string;

const ipv6Of = (key: string) =>
  overlayAddresses('default', parsePublicIdentity(key, 'test').identityKey).ipv6;

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

async function scrape(): Promise<string> {
  return (await inNs(a.ns, ['curl', '-sS', 'http://127.0.0.1:9470/metrics'])).stdout;
}

/** Sends `count` datagrams of `payload` from B to A's WireGuard port (one datagram each). */
async function sendFromB(payload: Buffer, count: number): Promise<void> {
  const script = `const s = require('node:dgram').createSocket('udp4');
    const [host, port, hex, n] = process.argv.slice(1);
    let left = Number(n);
    const next = () => (left-- > 0 ? s.send(Buffer.from(hex, 'hex'), Number(port), host, next) : s.close());
    next();`;
  const sent = await inNs(b.ns, [
    process.execPath,
    '-e',
    script,
    a.address,
    '51820',
    payload.toString('hex'),
    String(count),
  ]);
  expect(sent.code).toBe(0);
}

beforeAll(async () => {
  lab = await createEdgeLab(2);
  [a, b] = lab.hosts as [LabHost, LabHost];
  keyA = await lab.init(a);
  keyB = await lab.init(b);
  writeFileSync(join(a.home, 'edge.toml'), `[daemon]\ninterface = "${a.wireguardInterface}"\n`);
  writeFileSync(join(b.home, 'edge.toml'), `[daemon]\ninterface = "${b.wireguardInterface}"\n`);
  await Promise.all([
    lab.startEdge(a, [
      '--peer',
      keyB,
      '--endpoint',
      `${b.address}:51820`,
      '--xdp',
      'eth0',
      '--metrics-listen',
      '127.0.0.1:9470',
    ]),
    lab.startEdge(b, ['--peer', keyA, '--endpoint', `${a.address}:51820`]),
  ]);
}, 60_000);

afterAll(async () => {
  await lab?.close();
}, 30_000);

describe('XDP stealth filter', () => {
  it('lets WireGuard through: ping6 crosses omni0 with the filter attached', async () => {
    const xdp = await inNs(a.ns, ['ip', '-d', 'link', 'show', 'dev', 'eth0']);
    expect(xdp.stdout).toMatch(/prog\/xdp id \d+/);
    const ping = await inNs(b.ns, ['ping', '-6', '-c', '3', '-W', '3', ipv6Of(keyA)], {
      timeoutMs: 20_000,
    });
    expect(ping.stdout).toMatch(/3 received/);
  });

  it('drops and counts datagrams to the WireGuard port that are not WireGuard messages', async () => {
    const before = metric(await scrape(), 'omega_edge_stealth_dropped_total');
    await sendFromB(Buffer.from('GET / HTTP/1.0\r\n\r\n'), 5);
    // A transport-data header with a length no WireGuard data message has.
    await sendFromB(Buffer.concat([Buffer.from([4, 0, 0, 0]), Buffer.from('short')]), 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(metric(await scrape(), 'omega_edge_stealth_dropped_total') - before).toBe(8);
  });

  it('drops handshake initiations past 10 per second from one source', async () => {
    const before = metric(await scrape(), 'omega_edge_sessions_dropped_ratelimit_total');
    // 40 well-formed-looking initiations (type 1, 148 bytes) in well under a second.
    await sendFromB(Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.alloc(144, 0x41)]), 40);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      metric(await scrape(), 'omega_edge_sessions_dropped_ratelimit_total') - before,
    ).toBeGreaterThanOrEqual(25);
  });
});
