// One alert per (rule, test, entity) per window, recorded only once published, bounded memory.
import { AlertSuppression } from './alert-suppression';

const S = 1_000_000_000n;

describe('AlertSuppression', () => {
  it('suppresses a repeat of the same rule and entity within the window, not another entity or the next window', () => {
    const s = new AlertSuppression({ windowMs: 60_000 });
    expect(s.isRepeat('sigma:a', '', 'pod:shop/cart-1', 10n * S)).toBe(false);
    s.record('sigma:a', '', 'pod:shop/cart-1', 10n * S);
    expect(s.isRepeat('sigma:a', '', 'pod:shop/cart-1', 59n * S)).toBe(true);
    expect(s.isRepeat('sigma:a', '', 'pod:shop/cart-2', 59n * S)).toBe(false);
    expect(s.isRepeat('sigma:b', '', 'pod:shop/cart-1', 59n * S)).toBe(false);
    expect(s.isRepeat('sigma:a', '', 'pod:shop/cart-1', 60n * S)).toBe(false);
    expect(s.suppressed).toBe(1);
  });

  it('does not suppress what was only checked, never recorded (a failed publish is retried)', () => {
    const s = new AlertSuppression();
    expect(s.isRepeat('detector:port-scan', 'trw-host-scan', 'ip:10.0.0.5', 1n)).toBe(false);
    expect(s.isRepeat('detector:port-scan', 'trw-host-scan', 'ip:10.0.0.5', 2n)).toBe(false);
  });

  it('forgets the oldest key past maxKeys', () => {
    const s = new AlertSuppression({ maxKeys: 2 });
    for (const entity of ['a', 'b', 'c']) s.record('r', '', entity, 0n);
    expect(s.size()).toBe(2);
    expect(s.isRepeat('r', '', 'a', 0n)).toBe(false);
    expect(s.isRepeat('r', '', 'c', 0n)).toBe(true);
  });

  it('rejects a non-positive window, naming the option', () => {
    expect(() => new AlertSuppression({ windowMs: 0 })).toThrow(
      /windowMs must be a positive integer, got 0/,
    );
  });
});
