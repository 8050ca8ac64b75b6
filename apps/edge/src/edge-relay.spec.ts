// Two edge hosts whose direct path is blocked by nftables in one namespace: the direct WireGuard
// handshake never completes, the host asks the nucleus for the relay, both are pushed the pair's
// relay port, and ping6 crosses omni0 through it (the relay forwards WireGuard packets unchanged).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePublicIdentity } from './edge-identity';
import { overlayAddresses } from './overlay-address';
import { createEdgeLab, inNs, type EdgeLab, type LabHost } from './testing/edge-lab';

let lab: EdgeLab;
let nucleusHost: LabHost;
let a: LabHost;
let b: LabHost;
let keyA: string;
let keyB: string;
const NUCLEUS_PORT = 51900;

const ipv6Of = (key: string) =>
  overlayAddresses('lab', parsePublicIdentity(key, 'test').identityKey).ipv6;

beforeAll(async () => {
  lab = await createEdgeLab(3);
  [nucleusHost, a, b] = lab.hosts as [LabHost, LabHost, LabHost];
  keyA = await lab.init(a);
  keyB = await lab.init(b);
  const members = join(nucleusHost.home, 'members');
  const nucleusKey = (await lab.init(nucleusHost)).split('.')[0]!;
  writeFileSync(members, `${keyA}\n${keyB}\n`);
  // A and B cannot reach each other directly; both reach the nucleus.
  const block = `table inet block_direct {
  chain output { type filter hook output priority 0; ip daddr ${b.address} counter drop; }
  chain input { type filter hook input priority 0; ip saddr ${b.address} drop; }
}
`;
  expect((await inNs(a.ns, ['nft', '-f', '-'], { input: block })).code).toBe(0);
  for (const host of [a, b]) {
    writeFileSync(
      join(host.home, 'edge.toml'),
      `[daemon]\ninterface = "${host.wireguardInterface}"\n\n[network]\nnucleus = "${nucleusHost.address}:${NUCLEUS_PORT}"\ncluster = "lab"\nnucleus_key = "${nucleusKey}"\nheartbeat_secs = 1\n\n[security]\nhandshake_timeout_secs = 1\n`,
    );
  }
  await lab.startEdge(
    nucleusHost,
    [
      '--nucleus-listen',
      `${nucleusHost.address}:${NUCLEUS_PORT}`,
      '--cluster',
      'lab',
      '--members',
      members,
    ],
    'nucleus running',
  );
  await Promise.all([lab.startEdge(a, []), lab.startEdge(b, [])]);
}, 60_000);

afterAll(async () => {
  await lab?.close();
}, 30_000);

describe('relay fallback', () => {
  it('moves the pair to the nucleus relay port when the direct path does not handshake', async () => {
    let endpoint = '';
    for (let i = 0; i < 100 && !endpoint.startsWith(`${nucleusHost.address}:`); i++) {
      const out = await inNs(a.ns, ['wg', 'show', a.wireguardInterface, 'endpoints']);
      endpoint = out.stdout.trim().split('\t')[1] ?? '';
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(endpoint).toMatch(new RegExp(`^${nucleusHost.address.replace(/\./g, '\\.')}:\\d+$`));
    const other = await inNs(b.ns, ['wg', 'show', b.wireguardInterface, 'endpoints']);
    expect(other.stdout.trim().split('\t')[1]).toBe(endpoint);
  });

  it('carries ping6 over omni0 through the relay while the direct path stays blocked', async () => {
    let received = false;
    for (let i = 0; i < 10 && !received; i++) {
      const ping = await inNs(a.ns, ['ping', '-6', '-c', '1', '-W', '2', ipv6Of(keyB)], {
        timeoutMs: 5_000,
      });
      received = ping.code === 0;
    }
    expect(received).toBe(true);
    const counter = await inNs(a.ns, ['nft', 'list', 'chain', 'inet', 'block_direct', 'output']);
    expect(counter.stdout).toMatch(/counter packets [1-9]\d* /); // direct attempts were made, and dropped
  });
});
