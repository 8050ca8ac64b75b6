// Coverage notes from the sender's cumulative lost/dropped counts.
import { CoverageTracker } from './coverage-tracker';

const S = 1_000_000_000n;
const batch = (t: number, lost: number, dropped: number, session = 's1') => ({
  senderId: 'omega://local/sentinel/node-1',
  sessionId: session,
  createdTimeNs: BigInt(t) * S,
  lostRecords: BigInt(lost),
  droppedEvents: BigInt(dropped),
});

describe('CoverageTracker', () => {
  it('notes a loss for the window after it, then not', () => {
    const c = new CoverageTracker(60_000);
    expect(c.observe(batch(100, 0, 0))).toBe('');
    const note = c.observe(batch(110, 12, 0));
    expect(note).toBe(
      "Coverage: omega://local/sentinel/node-1 reported 12 kernel record(s) lost before they were read at 1970-01-01T00:01:50.000Z; related activity may be missing from this alert's evidence.",
    );
    // Counts unchanged: still within 60 s of the loss.
    expect(c.observe(batch(170, 12, 0))).toBe(note);
    expect(c.observe(batch(171, 12, 0))).toBe('');
    expect(c.observe(batch(200, 12, 3))).toContain('3 event(s) dropped by the sentinel');
  });

  it('a new session starts from zero: its first counts are a loss', () => {
    const c = new CoverageTracker(60_000);
    c.observe(batch(100, 50, 0));
    expect(c.observe(batch(300, 50, 0))).toBe('');
    expect(c.observe(batch(301, 2, 0, 's2'))).toContain('2 kernel record(s) lost');
  });
});
