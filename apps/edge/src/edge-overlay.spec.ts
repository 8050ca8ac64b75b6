// Two hosts in their own network namespaces, each running omega-edge (one peered with --peer, the
// other from its TOML file): real wireguard-go/WireGuard, kernel VXLAN and bridge, driven by real
// tools (ping, socat, bridge, wg, nft). IPv6 and IPv4 cross omni0 on the identity-derived
// addresses, a multicast group reaches the peer, and a frame with a MAC not derived from its
// sender's identity is dropped and counted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { overlayAddresses, peerLinkName } from './overlay-address';
import { parsePublicIdentity } from './edge-identity';
import { createEdgeLab, inNs, type EdgeLab } from './testing/edge-lab';

let lab: EdgeLab;
let keyA: string;
let keyB: string;

function addressesOf(identity: string) {
  return overlayAddresses('default', parsePublicIdentity(identity, 'test').identityKey);
}

async function spoofedMacDrops(ns: string): Promise<number> {
  const { stdout } = await inNs(ns, [
    'nft',
    'list',
    'counter',
    'bridge',
    'omega_edge',
    'spoofed_mac',
  ]);
  return Number(/packets (\d+)/.exec(stdout)?.[1]);
}

beforeAll(async () => {
  lab = await createEdgeLab(2);
  const [a, b] = lab.hosts as [
    NonNullable<(typeof lab.hosts)[0]>,
    NonNullable<(typeof lab.hosts)[0]>,
  ];
  keyA = await lab.init(a);
  keyB = await lab.init(b);
  writeFileSync(
    join(a.home, 'edge.toml'),
    `[daemon]\ninterface = "${a.wireguardInterface}"\nport = 51820\n`,
  );
  writeFileSync(
    join(b.home, 'edge.toml'),
    `[daemon]\ninterface = "${b.wireguardInterface}"\nport = 51821\n\n[[peers]]\npublic_key = "${keyA}"\nendpoint = "${a.address}:51820"\n`,
  );
  await Promise.all([
    lab.startEdge(a, ['--peer', keyB, '--endpoint', `${b.address}:51821`]),
    lab.startEdge(b, []),
  ]);
}, 60_000);

afterAll(async () => {
  await lab?.close();
}, 30_000);

describe('omega-edge between two namespaces', () => {
  it('answers ping6 on the peer identity-derived omni0 address', async () => {
    const [a] = lab.hosts;
    const ping = await inNs(a!.ns, ['ping', '-6', '-c', '3', '-W', '3', addressesOf(keyB).ipv6], {
      timeoutMs: 20_000,
    });
    expect(ping.stdout).toMatch(/3 received/);
  });

  it('answers IPv4 ping on the derived 100.64.0.0/10 address', async () => {
    const [, b] = lab.hosts;
    const ping = await inNs(b!.ns, ['ping', '-c', '2', '-W', '3', addressesOf(keyA).ipv4], {
      timeoutMs: 20_000,
    });
    expect(ping.stdout).toMatch(/2 received/);
  });

  it('completes a WireGuard handshake with the peer key and endpoint it was given', async () => {
    const [a, b] = lab.hosts;
    const dump = await inNs(a!.ns, ['wg', 'show', a!.wireguardInterface, 'dump']);
    const peer = dump.stdout.trim().split('\n')[1]!.split('\t');
    expect(peer[0]).toBe(
      Buffer.from(parsePublicIdentity(keyB, 't').wireguardPublicKey).toString('base64'),
    );
    expect(peer[2]).toBe(`${b!.address}:51821`);
    expect(Number(peer[4])).toBeGreaterThan(0); // latest handshake (epoch seconds)
  });

  it('programs the peer MAC in the VXLAN and bridge forwarding tables, with learning off', async () => {
    const [a] = lab.hosts;
    const peer = addressesOf(keyB);
    const link = peerLinkName(parsePublicIdentity(keyB, 't').identityKey);
    const fdb = (await inNs(a!.ns, ['bridge', 'fdb', 'show', 'dev', link])).stdout;
    expect(fdb).toContain(`${peer.mac} dst ${peer.transportIpv6}`);
    expect(fdb).toContain(`00:00:00:00:00:00 dst ${peer.transportIpv6}`);
    expect(fdb).toMatch(new RegExp(`${peer.mac} master omni0 static`));
    const details = (await inNs(a!.ns, ['ip', '-d', 'link', 'show', link])).stdout;
    expect(details).toMatch(/nolearning/);
    expect(details).toMatch(/learning off/);
  });

  it('carries a multicast group (DDS 239.255.0.1:7400) from one host to the other', async () => {
    const [a, b] = lab.hosts;
    const received = inNs(
      b!.ns,
      [
        'socat',
        '-u',
        '-T',
        '8',
        'UDP4-RECV:7400,ip-add-membership=239.255.0.1:omni0,reuseaddr',
        'STDOUT',
      ],
      {
        timeoutMs: 12_000,
      },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    for (let i = 0; i < 3; i++) {
      await inNs(
        a!.ns,
        [
          'socat',
          '-u',
          'STDIN',
          `UDP4-DATAGRAM:239.255.0.1:7400,ip-multicast-if=${addressesOf(keyA).ipv4}`,
        ],
        {
          input: `dds-sample-${i}\n`,
        },
      );
    }
    expect((await received).stdout).toContain('dds-sample-');
  });

  it('drops and counts frames whose source MAC is not the one derived from the sender identity', async () => {
    const [a, b] = lab.hosts;
    const before = await spoofedMacDrops(a!.ns);
    const own = addressesOf(keyB).mac;
    await inNs(b!.ns, ['ip', 'link', 'set', 'omni0', 'address', '02:de:ad:be:ef:01']);
    try {
      const ping = await inNs(b!.ns, ['ping', '-6', '-c', '2', '-W', '1', addressesOf(keyA).ipv6], {
        timeoutMs: 10_000,
      });
      expect(ping.stdout).toMatch(/ 0 received/);
      expect(await spoofedMacDrops(a!.ns)).toBeGreaterThan(before);
    } finally {
      await inNs(b!.ns, ['ip', 'link', 'set', 'omni0', 'address', own]);
    }
    const again = await inNs(b!.ns, ['ping', '-6', '-c', '2', '-W', '3', addressesOf(keyA).ipv6], {
      timeoutMs: 15_000,
    });
    expect(again.stdout).toMatch(/2 received/);
  });
});
