// The post-quantum PSK between two namespaces: both hosts install the same ML-KEM-derived key,
// it changes every rotation period (2 s here) without a lost ping, a fresh WireGuard handshake
// under the rotated key succeeds, and a handshake under a wrong key does not (so the key is
// really in force).
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

const wgKey = (identity: string) =>
  Buffer.from(parsePublicIdentity(identity, 't').wireguardPublicKey).toString('base64');
const addresses = (identity: string) =>
  overlayAddresses('default', parsePublicIdentity(identity, 't').identityKey);

async function psk(host: LabHost): Promise<string> {
  const out = await inNs(host.ns, ['wg', 'show', host.wireguardInterface, 'preshared-keys']);
  return out.stdout.trim().split('\t')[1] ?? '';
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

/** Drops A's session with B and sets B again with `key` as PSK: the next packet needs a handshake. */
async function rehandshakeWith(key: string): Promise<void> {
  const peer = wgKey(keyB);
  await inNs(a.ns, ['wg', 'set', a.wireguardInterface, 'peer', peer, 'remove']);
  const set = await inNs(
    a.ns,
    [
      'bash',
      '-c',
      'exec wg set "$@" preshared-key <(cat)', // wg cannot fopen a socket stdin: hand it a pipe
      'wg',
      a.wireguardInterface,
      'peer',
      peer,
      'endpoint',
      `${b.address}:51821`,
      'allowed-ips',
      `${addresses(keyB).transportIpv6}/128`,
    ],
    { input: `${key}\n` },
  );
  expect(set.code).toBe(0);
}

beforeAll(async () => {
  lab = await createEdgeLab(2);
  [a, b] = lab.hosts as [LabHost, LabHost];
  keyA = await lab.init(a);
  keyB = await lab.init(b);
  writeFileSync(
    join(a.home, 'edge.toml'),
    `[daemon]\ninterface = "${a.wireguardInterface}"\nport = 51820\n[security]\npsk_rotation_secs = 2\n`,
  );
  writeFileSync(
    join(b.home, 'edge.toml'),
    `[daemon]\ninterface = "${b.wireguardInterface}"\nport = 51821\n[security]\npsk_rotation_secs = 2\n`,
  );
  await Promise.all([
    lab.startEdge(a, ['--peer', keyB, '--endpoint', `${b.address}:51821`]),
    lab.startEdge(b, ['--peer', keyA, '--endpoint', `${a.address}:51820`]),
  ]);
}, 60_000);

afterAll(async () => {
  await lab?.close();
}, 30_000);

describe('post-quantum pre-shared key', () => {
  it('installs the same PSK on both hosts', async () => {
    const first = await until(
      () => psk(a),
      (k) => k !== '' && k !== '(none)',
      15_000,
    );
    expect(first).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(
      await until(
        () => psk(b),
        (k) => k === first,
        5_000,
      ),
    ).toBe(first);
  });

  it('rotates the PSK every period while a ping runs without a loss', async () => {
    const before = await psk(a);
    const ping = inNs(
      a.ns,
      ['ping', '-6', '-c', '30', '-i', '0.2', '-W', '2', addresses(keyB).ipv6],
      { timeoutMs: 20_000 },
    );
    const rotated = await until(
      () => psk(a),
      (k) => k !== before,
      8_000,
    );
    expect(rotated).not.toBe(before);
    expect((await ping).stdout).toMatch(/30 received, 0% packet loss/);
    const again = await until(
      async () => [await psk(a), await psk(b)],
      ([x, y]) => x === y,
      5_000,
    );
    expect(again[0]).toBe(again[1]);
  });

  it('completes a fresh handshake under the rotated PSK', async () => {
    const current = await psk(a);
    const next = await until(
      () => psk(a),
      (k) => k !== current,
      8_000,
    );
    await until(
      () => psk(b),
      (k) => k === next,
      2_000,
    );
    await rehandshakeWith(next);
    const ping = await inNs(a.ns, ['ping', '-6', '-c', '2', '-W', '3', addresses(keyB).ipv6], {
      timeoutMs: 15_000,
    });
    expect(ping.stdout).toMatch(/2 received/);
  });

  it('fails a handshake under a PSK the peer does not hold', async () => {
    await rehandshakeWith(Buffer.alloc(32, 9).toString('base64'));
    const ping = await inNs(a.ns, ['ping', '-6', '-c', '2', '-W', '2', addresses(keyB).ipv6], {
      timeoutMs: 15_000,
    });
    expect(ping.stdout).toMatch(/ 0 received/);
  });
});
