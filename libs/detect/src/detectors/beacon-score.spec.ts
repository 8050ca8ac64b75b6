// RITA's beacon sub-score maths on values worked out by hand.
import {
  bowleySkewness,
  dataSizeScore,
  durationScore,
  histogramScore,
  medianAbsoluteDeviation,
  quartiles,
  timingScore,
  weightedBeaconScore,
} from './beacon-score';

describe('beacon sub-scores', () => {
  it('takes quartiles as medians of the halves, leaving the median out for odd n', () => {
    expect(quartiles([1, 2, 3, 4, 5, 6, 7])).toEqual([2, 4, 6]);
    expect(quartiles([1, 2, 3, 4, 5, 6, 7, 8])).toEqual([2.5, 4.5, 6.5]);
  });

  it('computes Bowley skewness (Q1 + Q3 − 2·Q2)/(Q3 − Q1) and zeroes it for spreads under 10', () => {
    // Q1 = 10, Q2 = 20, Q3 = 60 → (10 + 60 − 40) / 50 = 0.6; score 0.4.
    const skewed = bowleySkewness([0, 10, 20, 20, 20, 60, 100]);
    expect(skewed.skew).toBeCloseTo(0.6);
    expect(skewed.score).toBeCloseTo(0.4);
    expect(bowleySkewness([1, 2, 3, 7, 9]).skew).toBe(0); // spread 8 - 1.5 < 10
  });

  it('scores MAD as (median − MAD)/median, with the default below a median of 1', () => {
    // median 10, deviations 0,1,1,2,2 → MAD 1 → (10 − 1)/10 = 0.9.
    expect(medianAbsoluteDeviation([8, 9, 10, 11, 12], 0)).toEqual({
      median: 10,
      mad: 1,
      score: 0.9,
    });
    expect(medianAbsoluteDeviation([0, 0, 0], 1).score).toBe(1);
    expect(medianAbsoluteDeviation([0, 0, 0], 0).score).toBe(0);
  });

  it('gives a perfectly periodic series and constant sizes a timing and size score of 1', () => {
    const ts = Array.from({ length: 20 }, (_, i) => 1000 + 60 * i);
    expect(timingScore(ts)!.score).toBe(1);
    expect(dataSizeScore(Array(20).fill(512))!.score).toBe(1);
    expect(timingScore([1, 2, 3])).toBeUndefined(); // 2 intervals: RITA needs 3
  });

  it('scores a flat hourly histogram 1 and a single burst 0', () => {
    expect(histogramScore(Array(24).fill(12)).score).toBe(1);
    const burst = Array(24).fill(0);
    burst[5] = 100;
    expect(histogramScore(burst).score).toBe(0);
    expect(histogramScore(burst).totalBars).toBe(1);
  });

  it('counts the longest run of non-empty hours with wrap-around', () => {
    const counts = [3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3];
    expect(histogramScore(counts).longestRun).toBe(5);
  });

  it('needs 6 hours seen before scoring duration, then takes max(coverage, longest run / 12)', () => {
    expect(durationScore(24, 24, 5, 5).score).toBe(0);
    expect(durationScore(24, 12, 6, 6)).toEqual({ score: 0.5, coverage: 0.5, consistency: 0.5 });
    expect(durationScore(24, 6, 6, 12).score).toBe(1);
  });

  it('weights the four sub-scores 0.25 each by default', () => {
    expect(weightedBeaconScore({ timing: 1, dataSize: 0.5, duration: 0, histogram: 1 })).toBe(
      0.625,
    );
  });
});
