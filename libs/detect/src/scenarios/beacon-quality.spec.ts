// The full beacon score over a day of the labelled scenario with ordinary clients of external APIs
// switched on (half calling at random, half downloading in bursts): every injected beacon is found,
// at ±1% and at ±30% jitter, and no benign client is. Before the timing gate and the interval floor,
// RITA's score flagged all ten benign clients in every one of these seeds (issue 20).
import { BeaconDetector, type BeaconConfig } from '../detectors/beacon';
import { generateScenario } from './scenario-generator';

function run(seed: number, beaconJitter: number, config?: Partial<BeaconConfig>) {
  const scenario = generateScenario({
    seed,
    durationSec: 24 * 3600,
    backgroundPerSecond: 1,
    attacksPerKind: 3,
    shortBeacons: 3,
    benignExternalClients: 10,
    beaconJitter,
  });
  const detector = new BeaconDetector(config);
  const flagged = new Set<string>();
  for (const event of scenario.events()) {
    for (const finding of detector.observe(event)) flagged.add(finding.entityKey);
  }
  const beacons = new Set(
    scenario.truths.filter((t) => t.kind === 'beacon').map((t) => t.entityKey),
  );
  return {
    missed: [...beacons].filter((key) => !flagged.has(key)),
    falseAlerts: [...flagged].filter((key) => !beacons.has(key)),
  };
}

describe.each([11, 12, 13, 14, 15, 16])('beacon score on a day of scenario seed %i', (seed) => {
  it.each([0.01, 0.3])('finds every beacon jittered by ±%f and no benign client', (jitter) => {
    expect(run(seed, jitter)).toEqual({ missed: [], falseAlerts: [] });
  });
});

describe('the timing gate', () => {
  it('is what keeps random-timed API clients quiet: without it, RITA’s score flags them', () => {
    const { falseAlerts } = run(11, 0.01, {
      minTimingScore: 0,
      maxIntervalDispersion: 1,
      maxShortIntervalShare: 1,
      minRegularIntervals: 0,
    });
    expect(falseAlerts.length).toBeGreaterThanOrEqual(5);
  });
});
