// The early, provisional beacon signal: a young beacon whose timing and size are already regular is
// reported at low severity with its statistics, once per report interval, and the full RITA finding
// still follows when the score gets there; irregular or bursty traffic never raises it.
import { NetworkActivityId, Severity } from '@omega/proto';
import { seededRandom } from '../rule-samples';
import { BeaconDetector } from './beacon';
import type { DetectorFinding } from './detector';
import { flowEvent } from './telemetry-events';

const src = { ip: '10.0.0.7', workload: 'payments/api-5f6@api' };
const c2 = { ip: '203.0.113.9', port: 443 };
const T0 = 1_700_000_000;

function run(
  detector: BeaconDetector,
  timesSec: number[],
  bytes: (i: number) => number,
  activity?: NetworkActivityId,
): DetectorFinding[] {
  return timesSec.flatMap((t, i) =>
    detector.observe(
      flowEvent({
        id: `e${i}`,
        timeNs: BigInt(Math.round(t * 1e9)),
        src,
        dst: c2,
        bytesOut: bytes(i),
        ...(activity === undefined ? {} : { activity }),
      }),
    ),
  );
}

/** Every `periodSec` with ±`jitter` (fraction) of seeded noise. */
function periodic(count: number, periodSec: number, jitter = 0.002, seed = 1): number[] {
  const random = seededRandom(seed);
  return Array.from(
    { length: count },
    (_, i) => T0 + i * periodSec + periodSec * (random() - 0.5) * jitter,
  );
}

describe('BeaconDetector early signal', () => {
  it('reports a 2 s beacon at its 8th connection, low severity, provisional and explained', () => {
    const findings = run(new BeaconDetector(), periodic(8, 2, 0), () => 412);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f).toMatchObject({
      detectorId: 'beacon',
      kind: 'early-beacon',
      severity: Severity.SEVERITY_LOW,
      attackTechniqueIds: ['T1071'],
      attackTacticIds: ['TA0011'],
      entityKey: 'pod:payments/api-5f6',
    });
    expect(f.title).toBe(
      'Possible beaconing from pod:payments/api-5f6 to 203.0.113.9 (provisional: 8 connections every 2.0 s)',
    );
    expect(f.explanation).toMatch(
      /^Provisional: pod:payments\/api-5f6 connected to 203\.0\.113\.9 8 times in 14 s\. Intervals have median 2\.00 s with median absolute deviation 0\.00 s \(timing sub-score 1\); bytes sent per connection have median 412, MAD 0 \(data size sub-score 1\)\./,
    );
    expect(f.explanation).toContain('need hours of connections');
    expect(f.explanation).toContain(
      'the full RITA score is 0.500 for now, under its 0.75 low band',
    );
    expect(Object.fromEntries(f.reasons.map((r) => [r.feature, Number(r.observedValue)]))).toEqual({
      'beacon.timing': 1,
      'beacon.data_size': 1,
      'beacon.connections': 8,
      'beacon.interval_median_s': expect.closeTo(2, 1) as number,
      'beacon.score': 0.5,
    });
    expect(f.evidenceEventIds).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
  });

  it('says nothing before 8 connections', () => {
    expect(run(new BeaconDetector(), periodic(7, 2), () => 412)).toEqual([]);
  });

  it('reports a pair once per report interval', () => {
    const times = periodic(400, 2); // 800 s
    expect(run(new BeaconDetector(), times, () => 412)).toHaveLength(1);
    const kinds = run(new BeaconDetector({ reportIntervalNs: 300e9 }), times, () => 412).map(
      (f) => f.kind,
    );
    expect(kinds).toEqual(['early-beacon', 'early-beacon', 'early-beacon']);
  });

  it('lets the full RITA finding follow when the score reaches its bands hours later', () => {
    const findings = run(new BeaconDetector(), periodic(320, 300, 0), () => 1337); // ~26.7 h
    expect(findings[0]!.kind).toBe('early-beacon');
    expect(Number(findings[0]!.timeNs / 1_000_000_000n) - T0).toBeCloseTo(7 * 300, -1);
    const full = findings.filter((f) => f.kind === 'rita-beacon');
    expect(full.length).toBeGreaterThan(0);
    expect(full.at(-1)!.severity).toBe(Severity.SEVERITY_HIGH);
    expect(findings.filter((f) => f.kind === 'early-beacon')).toHaveLength(1);
  });

  it('stays quiet on Poisson arrivals of constant size', () => {
    const random = seededRandom(42);
    let t = T0;
    const times = Array.from({ length: 200 }, () => (t += -Math.log(1 - random()) * 30));
    expect(run(new BeaconDetector(), times, () => 412)).toEqual([]);
  });

  it('stays quiet on a regular schedule whose sizes vary (log-normal, as responses are)', () => {
    const random = seededRandom(7);
    const logNormal = () =>
      Math.round(
        Math.exp(7 + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())),
      );
    expect(run(new BeaconDetector(), periodic(200, 30), logNormal)).toEqual([]);
  });

  it('stays quiet on bursts: parallel requests of one size, sub-second apart', () => {
    // RITA rates the timing of a median interval under 1 s as 1; a burst is not a beacon.
    const random = seededRandom(3);
    const times = Array.from({ length: 40 }, (_, i) => T0 + i * 0.05 + random() * 0.01);
    expect(run(new BeaconDetector(), times, () => 310)).toEqual([]);
    // The interval floor is what keeps it quiet: without it, the burst would be reported.
    expect(run(new BeaconDetector({ minIntervalSec: 0 }), times, () => 310)).toHaveLength(1);
  });

  it('stays quiet on regular failed attempts (no bytes: the size sub-score cannot be judged)', () => {
    expect(
      run(
        new BeaconDetector(),
        periodic(50, 5),
        () => 0,
        NetworkActivityId.NETWORK_ACTIVITY_ID_FAIL,
      ),
    ).toEqual([]);
  });

  it('takes its thresholds from the config, checked like every option', () => {
    expect(
      run(new BeaconDetector({ earlyMinConnections: 5 }), periodic(5, 2), () => 412).map(
        (f) => f.kind,
      ),
    ).toEqual(['early-beacon']);
    expect(run(new BeaconDetector({ earlyMinSubScore: 1.01 }), periodic(50, 2), () => 412)).toEqual(
      [],
    );
    expect(run(new BeaconDetector({ minIntervalSec: 5 }), periodic(50, 2), () => 412)).toEqual([]);
    expect(() => new BeaconDetector({ earlyMinSubScore: 0 })).toThrow(
      'detector beacon: config.earlyMinSubScore: must be greater than 0, got 0',
    );
    expect(() => new BeaconDetector({ earlyMinConnections: 2.5 })).toThrow(
      'detector beacon: config.earlyMinConnections: must be a positive integer, got 2.5',
    );
  });
});
