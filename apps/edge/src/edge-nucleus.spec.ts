// Three namespaces: a nucleus and two edge hosts that know nothing of each other but the nucleus.
// The nucleus introduces them (each gets the other's endpoint as the nucleus saw it), WireGuard
// handshakes, ping6 crosses omni0; after a kill -9 of the nucleus the tunnel stays up, and a
// restarted nucleus takes the hosts' heartbeats again.
import type { ChildProcess } from 'node:child_process';
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
let nucleus: ChildProcess;
let membersFile: string;

const NUCLEUS_PORT = 51900;

function startNucleus(): Promise<ChildProcess> {
  return lab.startEdge(
    nucleusHost,
    [
      '--nucleus-listen',
      `${nucleusHost.address}:${NUCLEUS_PORT}`,
      '--cluster',
      'lab',
      '--members',
      membersFile,
      '--metrics-listen',
      '127.0.0.1:9471',
    ],
    'nucleus running',
  );
}

async function pingUntil(from: LabHost, to: string, attempts: number): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    const ping = await inNs(from.ns, ['ping', '-6', '-c', '1', '-W', '1', to], {
      timeoutMs: 5_000,
    });
    if (ping.code === 0) return true;
  }
  return false;
}

beforeAll(async () => {
  lab = await createEdgeLab(3);
  [nucleusHost, a, b] = lab.hosts as [LabHost, LabHost, LabHost];
  keyA = await lab.init(a);
  keyB = await lab.init(b);
  membersFile = join(nucleusHost.home, 'members');
  const nucleusKey = (await lab.init(nucleusHost)).split('.')[0]!;
  writeFileSync(membersFile, `# cluster lab\n${keyA}\n${keyB}\n`);
  for (const host of [a, b]) {
    writeFileSync(
      join(host.home, 'edge.toml'),
      `[daemon]\ninterface = "${host.wireguardInterface}"\n\n[network]\nnucleus = "${nucleusHost.address}:${NUCLEUS_PORT}"\ncluster = "lab"\nnucleus_key = "${nucleusKey}"\nheartbeat_secs = 1\n`,
    );
  }
  nucleus = await startNucleus();
  await Promise.all([
    lab.startEdge(a, ['--metrics-listen', '127.0.0.1:9470']),
    lab.startEdge(b, ['--metrics-listen', '127.0.0.1:9470']),
  ]);
}, 60_000);

afterAll(async () => {
  await lab?.close();
}, 30_000);

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

const ipv6Of = (key: string) =>
  overlayAddresses('lab', parsePublicIdentity(key, 'test').identityKey).ipv6;

describe('edge hosts introduced by the nucleus', () => {
  it('gives each host the other one endpoint as the nucleus saw it', async () => {
    let endpoint = '';
    for (let i = 0; i < 50 && !endpoint; i++) {
      const dump = await inNs(a.ns, ['wg', 'show', a.wireguardInterface, 'endpoints']);
      endpoint = dump.stdout.trim().split('\t')[1] ?? '';
      if (!endpoint || endpoint === '(none)') endpoint = '';
      if (!endpoint) await new Promise((r) => setTimeout(r, 100));
    }
    expect(endpoint).toBe(`${b.address}:51820`);
  });

  it('carries ping6 over omni0 between the introduced hosts', async () => {
    expect(await pingUntil(a, ipv6Of(keyB), 10)).toBe(true);
  });

  it('exports sessions, packets, handshakes and PSK rotations of the edge, read from WireGuard', async () => {
    let text = '';
    for (let i = 0; i < 50 && !/omega_edge_psk_rotations_total [1-9]/.test(text); i++) {
      text = (await inNs(a.ns, ['curl', '-sf', 'http://127.0.0.1:9470/metrics'])).stdout;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(metric(text, 'omega_edge_sessions_active')).toBe(1);
    expect(metric(text, 'omega_edge_packets_rx_total')).toBeGreaterThan(0);
    expect(metric(text, 'omega_edge_handshakes_completed_total')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'omega_edge_psk_rotations_total')).toBeGreaterThanOrEqual(1);
  });

  it('counts junk and over-rate datagrams at the nucleus', async () => {
    await inNs(b.ns, [
      'bash',
      '-c',
      `exec 3>/dev/udp/${nucleusHost.address}/${NUCLEUS_PORT}; for i in $(seq 40); do printf junk >&3; done`,
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const scrape = await inNs(nucleusHost.ns, ['curl', '-sS', 'http://127.0.0.1:9471/metrics']);
    const text = scrape.stdout;
    expect(scrape.stderr).toBe('');
    expect(metric(text, 'omega_nucleus_sessions_dropped_ratelimit_total')).toBeGreaterThanOrEqual(
      20,
    );
    expect(
      metric(text, 'omega_nucleus_requests_refused_total{reason="InvalidArgument"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'omega_nucleus_requests_accepted_total')).toBeGreaterThanOrEqual(2);
    expect(metric(text, 'omega_nucleus_introductions_total')).toBeGreaterThanOrEqual(1);
  });

  it('keeps the tunnel up after the nucleus is killed with SIGKILL, and re-registers on its restart', async () => {
    const exited = new Promise((r) => nucleus.once('exit', r));
    nucleus.kill('SIGKILL');
    await exited;
    const ping = await inNs(b.ns, ['ping', '-6', '-c', '3', '-W', '2', ipv6Of(keyA)], {
      timeoutMs: 15_000,
    });
    expect(ping.stdout).toMatch(/3 received/);
    const restarted = await startNucleus();
    let heard = '';
    restarted.stdout!.on('data', (chunk: Buffer) => (heard += chunk.toString()));
    for (let i = 0; i < 40 && !heard.includes('"peers introduced"'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(heard).toContain('"peers introduced"');
    expect(await pingUntil(a, ipv6Of(keyB), 3)).toBe(true);
  });
});
