// The per-source request bound: a fixed window, each source counted on its own.
import { SourceRequestRate } from './http-request-rate';

describe('SourceRequestRate', () => {
  it('allows a source its bound per window, then refuses it until the next window', () => {
    const rate = new SourceRequestRate(2, 1000);
    expect([0, 10, 20].map((t) => rate.allow('10.0.0.1', t))).toEqual([true, true, false]);
    expect(rate.allow('10.0.0.2', 30)).toBe(true);
    expect(rate.allow('10.0.0.1', 999)).toBe(false);
    expect(rate.allow('10.0.0.1', 1000)).toBe(true);
  });
});
