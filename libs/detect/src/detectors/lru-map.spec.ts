// The capped map behind every detector's state: never over its cap, and entries in use survive eviction.
import { LruMap } from './lru-map';

describe('LruMap', () => {
  it('never holds more than maxEntries', () => {
    const map = new LruMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) map.set(i, i);
    expect(map.size).toBe(100);
    expect(map.evictions).toBe(9_900);
  });

  it('evicts the entry not read since insertion before entries that were read', () => {
    const map = new LruMap<string, number>(3);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    map.get('a');
    map.set('d', 4); // 'a' was read: 'b' goes
    expect([...['a', 'b', 'c', 'd']].map((k) => map.has(k))).toEqual([true, false, true, true]);
    expect(map.peek('a')).toBe(1);
  });

  it('leaves the eviction order alone on peek and has', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.peek('a')).toBe(1);
    expect(map.has('a')).toBe(true);
    map.set('c', 3); // 'a' was only peeked at: it is still the least recently used
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([false, true, true]);
    expect(map.evictions).toBe(1);
  });

  it('hands out the value it last evicted, once, for reuse', () => {
    const map = new LruMap<string, { n: number }>(2);
    const a = { n: 1 };
    map.set('a', a);
    map.set('b', { n: 2 });
    expect(map.takeEvicted()).toBeUndefined();
    map.delete('b'); // deleted by the caller, not evicted: not handed out
    map.set('b', { n: 2 });
    map.set('c', { n: 3 }); // evicts 'a'
    expect(map.takeEvicted()).toBe(a);
    expect(map.takeEvicted()).toBeUndefined();
  });
});

describe('LruMap with falsy keys', () => {
  it('counts and hands out the eviction of key 0 and the empty string', () => {
    const numbers = new LruMap<number, string>(1);
    numbers.set(0, 'zero');
    numbers.set(1, 'one');
    expect([numbers.evictions, numbers.takeEvicted(), numbers.has(0)]).toEqual([1, 'zero', false]);
    const strings = new LruMap<string, string>(1);
    strings.set('', 'empty');
    strings.set('x', 'x');
    expect([strings.evictions, strings.takeEvicted(), strings.has('')]).toEqual([
      1,
      'empty',
      false,
    ]);
  });
});
