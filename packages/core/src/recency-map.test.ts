import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecencyMap } from './recency-map.js';

describe('RecencyMap', () => {
  it('forgets the least recently used key when a new one arrives at capacity', () => {
    const map = new RecencyMap<string, number>(3);
    map.add('a', 1);
    map.add('b', 2);
    map.add('c', 3);
    expect(map.get('a')).toBe(1); // a is used again: b is now the oldest
    map.add('d', 4);
    expect(map.size).toBe(3);
    expect(map.peek('b')).toBeUndefined();
    expect([map.peek('a'), map.peek('c'), map.peek('d')]).toEqual([1, 3, 4]);
  });

  it('forgets a deleted key, and frees its place', () => {
    const map = new RecencyMap<string, number>(2);
    map.add('a', 1);
    map.add('b', 2);
    map.delete('a');
    expect(map.peek('a')).toBeUndefined();
    map.add('c', 3);
    expect([map.size, map.peek('b'), map.peek('c')]).toEqual([2, 2, 3]);
  });

  it('never holds more than its capacity, and keeps a key read at least every capacity / 2 operations', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 400 }), (keys) => {
        const map = new RecencyMap<number, number>(8);
        // Key -1 is read every other operation: it must survive any stream of other keys.
        map.add(-1, -1);
        for (const key of keys) {
          if (map.get(key) === undefined) map.add(key, key);
          expect(map.size).toBeLessThanOrEqual(8);
          expect(map.get(-1)).toBe(-1);
        }
      }),
    );
  });

  it('peek does not count as a use', () => {
    const map = new RecencyMap<string, number>(2);
    map.add('a', 1);
    map.add('b', 2);
    expect(map.peek('a')).toBe(1);
    map.add('c', 3);
    expect(map.peek('a')).toBeUndefined();
  });
});
