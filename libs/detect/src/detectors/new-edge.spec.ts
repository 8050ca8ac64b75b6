// First-seen edges: learnt during the learning period, reported once afterwards, with MIDAS's score.
import { CountMinSketch } from './count-min-sketch';
import { midasScore, NewEdgeDetector } from './new-edge';
import { flowEvent } from './telemetry-events';

const SEC = 1_000_000_000n;
const HOUR = 3600n * SEC;
let n = 0;
const flow = (from: string, to: string, port: number, t: bigint) =>
  flowEvent({
    id: `n${++n}`,
    timeNs: t,
    src: { ip: '10.0.0.1', workload: from },
    dst: { ip: '10.0.0.2', port, workload: to },
  });

describe('midasScore', () => {
  it('is (a − s/t)² · t² / (s · (t − 1)) (Bhatia et al. 2020)', () => {
    expect(midasScore(1, 1, 10)).toBeCloseTo(9, 12); // (1 − 0.1)² · 100 / 9
    expect(midasScore(5, 50, 10)).toBe(0); // exactly the mean rate
    expect(midasScore(3, 3, 1)).toBe(0); // undefined at the first tick
  });
});

describe('CountMinSketch', () => {
  it('never under-counts and is deterministic for given seeds', () => {
    const a = new CountMinSketch(64, [1, 2, 3]);
    const b = new CountMinSketch(64, [1, 2, 3]);
    for (let i = 0; i < 500; i++) {
      a.add(`k${i % 50}`);
      b.add(`k${i % 50}`);
    }
    for (let i = 0; i < 50; i++) {
      expect(a.estimate(`k${i}`)).toBeGreaterThanOrEqual(10);
      expect(a.estimate(`k${i}`)).toBe(b.estimate(`k${i}`));
    }
  });
});

describe('NewEdgeDetector', () => {
  it('learns edges during the learning period and reports only edges first seen after it, once', () => {
    const detector = new NewEdgeDetector({ learningPeriodNs: 24 * 3600e9 });
    const t0 = 1_700_000_000n * SEC;
    expect(detector.observe(flow('web/fe-1', 'web/api-1', 8080, t0))).toEqual([]);
    expect(detector.observe(flow('web/api-1', 'data/pg-0', 5432, t0 + HOUR))).toEqual([]);
    // After 25 h: the known edges stay quiet, a new one is reported.
    expect(detector.observe(flow('web/fe-1', 'web/api-1', 8080, t0 + 25n * HOUR))).toEqual([]);
    const [finding, ...rest] = detector.observe(
      flow('web/fe-1', 'data/pg-0', 5432, t0 + 25n * HOUR),
    );
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe('first-seen-edge');
    expect(finding!.title).toBe('New communication edge pod:web/fe-1 → pod:data/pg-0:5432');
    expect(finding!.explanation).toContain('count-min estimate was 0');
    expect(finding!.reasons[1]!.feature).toBe('edge.midas_score');
    expect(detector.observe(flow('web/fe-1', 'data/pg-0', 5432, t0 + 26n * HOUR))).toEqual([]);
  });

  it('treats a new port as a new edge', () => {
    const detector = new NewEdgeDetector({ learningPeriodNs: 0 });
    detector.observe(flow('a/x', 'b/y', 80, 0n));
    expect(detector.observe(flow('a/x', 'b/y', 22, SEC))).toHaveLength(1);
  });
});
