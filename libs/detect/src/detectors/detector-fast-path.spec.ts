// The detectors' fast paths (entity keys built once per event and shared between detectors, one
// frozen empty findings array, bigint constants made once) must not change a single finding:
//  - against the straightforward path: every detector fed its own fresh copy of each event, so no
//    key is ever reused between detectors or events, gives the same findings as the shared set;
//  - against the implementation before the fast paths (commit c3094eb): the same scenario gives the
//    same findings, byte for byte (SHA-256 of their JSON, recorded from that commit).
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
      for (const line of json(detectors.observe(event))) {
        hash.update(line);
        count++;
      }
    }
    expect([count, hash.digest('hex')]).toEqual([
      153,
      '45f4fbced3021b6196238c84640241e0b13bb99dda5928b7f1a63f3671ee2afa',
    ]);
  }, 60_000);
});
