// The detectors' fast paths (entity keys built once per event and shared between detectors, one
// frozen empty findings array, bigint constants made once) must not change a single finding:
//  - against the straightforward path: every detector fed its own fresh copy of each event, so no
//    key is ever reused between detectors or events, gives the same findings as the shared set;
//  - against the implementation before the fast paths (commit c3094eb): the same scenario gives the
//    same findings, byte for byte (SHA-256 of their JSON, recorded from that commit). deception-touch
//    is left out of that comparison since its findings changed on purpose (no alert for a bare
//    connect, T1078/T1552/T1110, placement in the explanation): detectors do not see each other's
//    findings, so the others' hash is the one that commit gives for them; the first test still
//    holds deception-touch's fast path to its straightforward path.
import { createHash } from 'node:crypto';
import type { Event } from '@omega/proto';
import { generateScenario } from '../scenarios/scenario-generator';
import type { DetectorFinding } from './detector';
import { DetectorSet } from './detector-set';

const json = (findings: readonly DetectorFinding[]) =>
  findings.map((f) => JSON.stringify(f, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));

function scenario(shortBeacons?: number): Iterable<Event> {
  return generateScenario({
    seed: 21,
    durationSec: 8 * 3600,
    backgroundPerSecond: 5,
    attacksPerKind: 3,
    ...(shortBeacons === undefined ? {} : { shortBeacons }),
  }).events();
}

describe('detector fast paths', () => {
  it('give the findings of the straightforward path (a fresh copy of each event per detector)', () => {
    const shared = new DetectorSet({ newEdge: { learningPeriodNs: 1800e9 } });
    const separate = new DetectorSet({ newEdge: { learningPeriodNs: 1800e9 } });
    const fast: string[] = [];
    const plain: string[] = [];
    for (const event of scenario()) {
      fast.push(...json(shared.observe(event)));
      for (const detector of separate.detectors) {
        plain.push(...json(detector.observe(structuredClone(event))));
      }
    }
    expect(fast.length).toBeGreaterThan(100);
    expect(fast).toEqual(plain);
  }, 60_000);

  it('give the findings of the implementation before them, byte for byte', () => {
    // The scenario and detectors as they were then: no short beacons, no early beacon signal, no
    // interval floor, timing gates, hourly scoring or prevalence on the full beacon score, Zeek's
    // 5-minute scan window with every failure counted, DNS windows of an hour and no relays.
    const detectors = new DetectorSet({
      newEdge: { learningPeriodNs: 1800e9 },
      beacon: {
        earlyMinConnections: 1_000_000,
        minTimingScore: 0,
        minIntervalSec: 0,
        maxIntervalDispersion: 1,
        maxShortIntervalShare: 1,
        minRegularIntervals: 0,
        scoreEveryNs: 1e18,
        prevalentSources: 1_000_000,
      },
      portScan: { windowNs: 5 * 60e9, maxReachedPairs: 1 },
      dnsTunnel: { windowNs: 3600e9, relayWindowNs: 0 },
    });
    const hash = createHash('sha256');
    let count = 0;
    for (const event of scenario(0)) {
      const findings = detectors
        .observe(event)
        .filter((f) => f.detectorId !== 'deception-touch')
        // Port scans name the scanned host as their target since (on purpose): compared without it.
        .map((f) =>
          f.kind === 'zeek-port-scan' ? { ...f, entities: f.entities.filter((e) => e.isActor) } : f,
        );
      for (const line of json(findings)) {
        hash.update(line);
        count++;
      }
    }
    // Both figures recorded by running that commit's own build (c3094eb) on this scenario: 153
    // findings, SHA-256 45f4fbce…2afa, of which 3 deception-touch ones (changed on purpose since);
    // the other detectors' 150 hash as below.
    expect([count, hash.digest('hex')]).toEqual([
      150,
      '1dababf7c20c3928d2182ce058bc2d201add34680efefd1805ec719051fb9f7f',
    ]);
  }, 60_000);
});
