// Incident correlation by entity and quiet gap, worked by hand.
import { IncidentCorrelator, incidentIdOf } from './incident-correlator';

const S = 1_000_000_000n;

describe('IncidentCorrelator', () => {
  it('keeps alerts on one entity in one incident until a gap longer than gapMs', () => {
    const c = new IncidentCorrelator({ gapMs: 60_000 });
    const first = c.assign('pod:shop/a', 'alert-1', 100n * S);
    expect(first).toBe(incidentIdOf('pod:shop/a', 'alert-1'));
    expect(c.assign('pod:shop/a', 'alert-2', 150n * S)).toBe(first);
    // 60 s after the last alert (150 s) is still within the gap.
    expect(c.assign('pod:shop/a', 'alert-3', 210n * S)).toBe(first);
    // 61 s after 210 s is not: a new incident, named after its first alert.
    expect(c.assign('pod:shop/a', 'alert-4', 271n * S)).toBe(incidentIdOf('pod:shop/a', 'alert-4'));
    expect(c.assign('pod:shop/b', 'alert-5', 271n * S)).toBe(incidentIdOf('pod:shop/b', 'alert-5'));
  });

  it('an alert earlier than the last one (out of order) joins without moving the end back', () => {
    const c = new IncidentCorrelator({ gapMs: 60_000 });
    const id = c.assign('ip:10.0.0.5', 'a', 100n * S);
    expect(c.assign('ip:10.0.0.5', 'b', 90n * S)).toBe(id);
    expect(c.assign('ip:10.0.0.5', 'c', 160n * S)).toBe(id);
  });

  it('forgets the least recently active entity beyond maxEntities', () => {
    const c = new IncidentCorrelator({ maxEntities: 2 });
    const a = c.assign('a', '1', 1n);
    c.assign('b', '2', 1n);
    c.assign('a', '3', 2n); // a is now the most recent
    c.assign('c', '4', 3n); // b goes
    expect(c.size).toBe(2);
    expect(c.assign('a', '5', 4n)).toBe(a);
    expect(c.assign('b', '6', 4n)).toBe(incidentIdOf('b', '6'));
  });
});
