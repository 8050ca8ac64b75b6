// The per-principal limits as a pure rule, on a clock the spec moves: a burst, then one call per
// refill interval; principals apart; streams counted until closed.
import { Code } from '@omega/runtime';
import { CallLimits } from './call-limits';

const METHOD = '/omega.v1.IntelligenceService/ListAlerts';

describe('CallLimits', () => {
  it('lets a principal start its burst at once, then one call per 1/rate seconds', () => {
    const limits = new CallLimits({ callsPerSecond: 2, burst: 3, maxStreams: 1 });
    for (let i = 0; i < 3; i++) limits.admitCall('omega://local/operator/jo', METHOD, 0);
    expect(() => limits.admitCall('omega://local/operator/jo', METHOD, 0)).toThrow(
      expect.objectContaining({
        code: Code.ResourceExhausted,
        message: `${METHOD}: omega://local/operator/jo is over its limit of 2 calls/s (burst 3); retry in 500 ms`,
      }),
    );
    expect(() => limits.admitCall('omega://local/operator/jo', METHOD, 499)).toThrow();
    expect(() => limits.admitCall('omega://local/operator/jo', METHOD, 500)).not.toThrow();
  });

  it('keeps each principal’s bucket apart: one flooding leaves the others served', () => {
    const limits = new CallLimits({ callsPerSecond: 1, burst: 1, maxStreams: 1 });
    limits.admitCall('omega://local/sentinel/noisy', METHOD, 0);
    expect(() => limits.admitCall('omega://local/sentinel/noisy', METHOD, 0)).toThrow();
    expect(() => limits.admitCall('omega://local/operator/jo', METHOD, 0)).not.toThrow();
  });

  it('refills no higher than the burst, however long a principal was idle', () => {
    const limits = new CallLimits({ callsPerSecond: 10, burst: 2, maxStreams: 1 });
    limits.admitCall('p', METHOD, 0);
    limits.admitCall('p', METHOD, 3_600_000);
    limits.admitCall('p', METHOD, 3_600_000);
    expect(() => limits.admitCall('p', METHOD, 3_600_000)).toThrow();
  });

  it('counts open streams per principal until each is closed, once', () => {
    const limits = new CallLimits({ callsPerSecond: 1, burst: 1, maxStreams: 2 });
    const first = limits.openStream('p', METHOD, 0);
    limits.openStream('p', METHOD, 0);
    expect(() => limits.openStream('p', METHOD, 0)).toThrow(
      expect.objectContaining({ code: Code.ResourceExhausted }),
    );
    expect(() => limits.openStream('q', METHOD, 0)).not.toThrow();
    first();
    first();
    limits.openStream('p', METHOD, 0);
    expect(() => limits.openStream('p', METHOD, 0)).toThrow();
  });
});
