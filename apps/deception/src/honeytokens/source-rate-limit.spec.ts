// The per-source token bucket on a clock the spec moves: a burst, then the refill rate, each source
// on its own, and memory bounded by forgetting the least recently seen source.
import { SourceRateLimit } from './source-rate-limit';

function limiter(maxSources = 100) {
  const clock = { nowMs: 1_000_000 };
  const limit = new SourceRateLimit({
    perSecond: 2,
    burst: 4,
    maxSources,
    clock: () => clock.nowMs,
  });
  return { limit, clock };
}

const taken = (limit: SourceRateLimit, source: string, times: number) =>
  Array.from({ length: times }, () => limit.take(source)).filter(Boolean).length;

describe('SourceRateLimit', () => {
  it('lets a burst through, then the refill rate', () => {
    const { limit, clock } = limiter();
    expect(taken(limit, '10.0.0.1', 10)).toBe(4);
    clock.nowMs += 1500;
    expect(taken(limit, '10.0.0.1', 10)).toBe(3);
    clock.nowMs += 60_000;
    expect(taken(limit, '10.0.0.1', 10)).toBe(4);
  });

  it('keeps each source apart', () => {
    const { limit } = limiter();
    expect(taken(limit, '10.0.0.1', 10)).toBe(4);
    expect(taken(limit, '10.0.0.2', 10)).toBe(4);
  });

  it('tracks at most maxSources, forgetting the least recently seen', () => {
    const { limit } = limiter(2);
    taken(limit, 'a', 4);
    taken(limit, 'b', 4);
    limit.take('a');
    taken(limit, 'c', 1);
    expect(limit.size).toBe(2);
    // b was forgotten: it starts with a full burst again; a was kept and is still empty.
    expect(taken(limit, 'a', 1)).toBe(0);
    expect(taken(limit, 'b', 10)).toBe(4);
  });

  it('never refills backwards when the clock steps back', () => {
    const { limit, clock } = limiter();
    taken(limit, 'a', 4);
    clock.nowMs -= 10_000;
    expect(limit.take('a')).toBe(false);
  });
});
