// Real-kernel test of the XDP block list in native mode on a TAP device, the stand-in here for a
// NIC driver (no physical NIC on these machines): the tun driver runs the program on the raw frame
// a writer hands it, before an skb exists. Attached through the LoaderSupervisor's own start-up
// path (its `xdp` option); frames come from bench/sentinel/tap-writer.c. Needs root.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@omega/runtime';
import { LoaderSupervisor } from '../wire/loader-supervisor';
import { DEFAULT_LOADER_PATH } from '../sentinel-config';
import { buildLoader, REPO_ROOT } from '../testing/loader-build';

const NS = `omega-tap-${process.pid}`;
const TAP = 'omtapT';
const TAP_ADDR = '10.201.0.2';
const SOURCE = '10.201.0.1';
const FRAMES = 500;

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
let writer: string;
let loader: LoaderSupervisor;

/** Writes FRAMES UDP frames from SOURCE to TAP_ADDR port 9 into the tap; returns how many went in. */
function writeFrames(): number {
  const out = execFileSync(
    'ip',
    ['netns', 'exec', NS, writer, TAP, SOURCE, TAP_ADDR, '9', String(FRAMES * 4), '0.25'],
    { encoding: 'utf8' },
  );
  return Number(out.trim().split(' ')[0]);
}

/** UDP datagrams B's stack took for a closed port (so: frames XDP let through). */
function noPorts(): number {
  const lines = ip('netns', 'exec', NS, 'cat', '/proc/net/snmp')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = (lines[0] ?? '').split(/\s+/);
  return Number((lines[1] ?? '').split(/\s+/)[names.indexOf('NoPorts')]);
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('XDP TAP spec: must run as root (CI runs as root)');
  buildLoader('XDP TAP spec');
  writer = join(mkdtempSync(join(tmpdir(), 'omega-tap-')), 'tap-writer');
  execFileSync('cc', ['-O2', '-o', writer, join(REPO_ROOT, 'bench', 'sentinel', 'tap-writer.c')]);
  ip('netns', 'add', NS);
  ip('-n', NS, 'tuntap', 'add', 'dev', TAP, 'mode', 'tap');
  ip('-n', NS, 'addr', 'add', `${TAP_ADDR}/24`, 'dev', TAP);
  ip('-n', NS, 'link', 'set', TAP, 'up');
  loader = new LoaderSupervisor({
    loaderPath: DEFAULT_LOADER_PATH,
    logger: createLogger({ service: 'sentinel', level: 'silent' }),
    onFrame: () => undefined,
    xdp: [{ interface: TAP, mode: 'native', netns: `/run/netns/${NS}` }],
  });
  await loader.start();
}, 120_000);

afterAll(async () => {
  await loader?.stop();
  spawnSync('ip', ['netns', 'del', NS]);
});

describe('XDP native mode on a TAP device (stand-in for a NIC driver, real kernel)', () => {
  it('is attached in native (driver) mode, not generic', () => {
    const link = ip('-n', NS, '-d', 'link', 'show', TAP);
    expect(link).toMatch(/prog\/xdp id \d+ name omega_xdp_block/);
    expect(link).not.toContain('xdpgeneric');
  });

  it('drops every frame from a blocked source before the stack sees it, counting each, and passes them once unblocked', async () => {
    await loader.block(`${SOURCE}/32`);
    const before = noPorts();
    const sent = writeFrames();
    expect(sent).toBeGreaterThan(100); // paced at FRAMES in 0.25 s
    const entry = (await loader.listBlocks()).find((e) => e.cidr === `${SOURCE}/32`);
    expect(entry?.droppedPackets).toBe(BigInt(sent));
    expect(noPorts() - before).toBe(0);

    await loader.unblock(`${SOURCE}/32`);
    const passedBefore = noPorts();
    const passed = writeFrames();
    expect(noPorts() - passedBefore).toBe(passed);
  });
});
