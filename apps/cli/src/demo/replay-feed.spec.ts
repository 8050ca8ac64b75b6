// The shipped recording (test-corpus/demo, written by `npm run demo:record` from a live run) as
// replay mode reads it: decoded by the built sentinel's `replay` command, every step of the
// scenario has its events, and a damaged recording is refused with the file and line named.
import { existsSync, mkdtempSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventClass } from '@omega/proto';
import { CAPTURE_FILE, PROCESS_EVENTS_FILE } from './demo-recording';
import { SCENARIO } from './demo-scenario';
import { ATTACKER, COMMAND_SERVER, VICTIM } from './demo-topology';
import { ReplayFeed } from './replay-feed';

const root = join(__dirname, '..', '..', '..', '..');
const recording = join(root, 'test-corpus', 'demo');
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
const nodeBin = existsSync(node24) ? node24 : process.execPath;

describe('the replay recording', () => {
  it('has events for every step of the scenario, between the demo hosts', async () => {
    const feed = await ReplayFeed.load(recording, root, nodeBin);
    for (const step of SCENARIO) {
      expect({ step: step.id, events: feed.eventsOf(step.id).length > 0 }).toEqual({
        step: step.id,
        events: true,
      });
    }
    const scan = feed.eventsOf('scan');
    // The scan: more than the port-scan detector's 15 distinct ports, from the attacker to the victim.
    const ports = new Set(scan.map((e) => e.dstEndpoint?.port));
    expect(ports.size).toBeGreaterThan(15);
    expect(
      scan.every(
        (e) => e.srcEndpoint?.ip === ATTACKER.address && e.dstEndpoint?.ip === VICTIM.address,
      ),
    ).toBe(true);
    const shell = feed.eventsOf('reverse-shell');
    expect(
      shell.some(
        (e) =>
          e.classUid === EventClass.EVENT_CLASS_PROCESS_ACTIVITY &&
          /\/dev\/tcp\//.test(e.actor?.process?.cmdLine ?? ''),
      ),
    ).toBe(true);
    const dns = feed
      .eventsOf('dns-tunnel')
      .filter((e) => e.classUid === EventClass.EVENT_CLASS_DNS_ACTIVITY);
    expect(dns.some((e) => e.dstEndpoint?.ip === COMMAND_SERVER.address)).toBe(true);
  });

  it('names the file and line of a process event that is not an Event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-demo-recording-'));
    try {
      copyFileSync(join(recording, CAPTURE_FILE), join(dir, CAPTURE_FILE));
      writeFileSync(join(dir, PROCESS_EVENTS_FILE), '{"id":"a"}\n{not json\n');
      await expect(ReplayFeed.load(dir, root, nodeBin)).rejects.toThrow(
        `${join(dir, PROCESS_EVENTS_FILE)}: line 2: not an Event`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a truncated capture with what the sentinel said', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-demo-recording-'));
    try {
      writeFileSync(join(dir, CAPTURE_FILE), Buffer.from([0xd4, 0xc3, 0xb2]));
      writeFileSync(join(dir, PROCESS_EVENTS_FILE), '');
      await expect(ReplayFeed.load(dir, root, nodeBin)).rejects.toThrow(
        /omega-sentinel replay .*capture\.pcap failed/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
