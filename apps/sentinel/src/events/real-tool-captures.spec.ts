// Captures of real tools (scripts/record-tool-captures.sh: nmap, hping3, curl, dig and iperf3
// between two network namespaces, recorded by tcpdump) replayed as the live sensor exports them
// and fed to libs/detect's streaming detectors: every attacker of the truth file is found by the
// detector of its kind, and nothing is raised against the benign curl, dig and iperf3 clients, the
// servers or anyone else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectorSet } from '@omega/detect';
import { replayPackets } from './capture-replay';
import { readCapture } from '../wire/pcap-reader';

const DIR = join(__dirname, '..', '..', '..', '..', 'test-corpus', 'real-tools');

interface Truth {
  attackers: { entityKey: string; kind: 'scan' | 'beacon' | 'dns-tunnel'; what: string }[];
  benign: { entityKey: string; what: string }[];
}

const DETECTOR_OF = { scan: 'port-scan', beacon: 'beacon', 'dns-tunnel': 'dns-tunnel' } as const;

describe('real tools’ captures through replay and the detectors', () => {
  const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Truth;
  const capture = readCapture(readFileSync(join(DIR, 'capture.pcap')), 'capture.pcap');
  const replay = replayPackets(capture.packets, 'node-real-tools');
  const detectors = new DetectorSet();
  const found = new Map<string, Set<string>>();
  for (const event of replay.events) {
    for (const finding of detectors.observe(event)) {
      if (!found.has(finding.entityKey)) found.set(finding.entityKey, new Set());
      found.get(finding.entityKey)!.add(finding.detectorId);
    }
  }

  it('reads the whole capture, small enough for the repository', () => {
    expect(capture.error).toBeUndefined();
    expect(replay.skippedPackets).toBe(0);
    expect(readFileSync(join(DIR, 'capture.pcap')).length).toBeLessThan(1_000_000);
  });

  it.each(truth.attackers.map((a) => [a.what, a] as const))('finds %s', (_what, attacker) => {
    expect([...(found.get(attacker.entityKey) ?? [])]).toContain(DETECTOR_OF[attacker.kind]);
  });

  it('raises nothing against the benign clients or anyone else', () => {
    const attackers = new Set(truth.attackers.map((a) => a.entityKey));
    const others = [...found.keys()].filter((key) => !attackers.has(key));
    expect(others).toEqual([]);
    // The benign clients are in the capture: they had their chance.
    const sources = new Set(replay.events.map((e) => `ip:${e.srcEndpoint?.ip}`));
    for (const b of truth.benign) expect(sources.has(b.entityKey)).toBe(true);
  });
});
