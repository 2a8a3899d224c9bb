import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { createMemoryLengthHistory } from './length-history.js';

describe('createMemoryLengthHistory', () => {
  it('keeps the last samplesPerKey samples of a key, oldest first', () => {
    const store = createMemoryLengthHistory({ samplesPerKey: 3 });
    for (const tokens of [1, 2, 3, 4, 5]) store.add('k', { tokens, censored: tokens % 2 === 0 });
    expect(store.get('k')).toEqual([
      { tokens: 3, censored: false },
      { tokens: 4, censored: true },
      { tokens: 5, censored: false },
    ]);
  });

  it('forgets the least recently used key beyond maxKeys', () => {
    const store = createMemoryLengthHistory({ maxKeys: 2 });
    store.add('a', { tokens: 1, censored: false });
    store.add('b', { tokens: 1, censored: false });
    store.get('a'); // a is now more recent than b
    store.add('c', { tokens: 1, censored: false });
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toHaveLength(1);
    expect(store.get('c')).toHaveLength(1);
  });

  it('ignores impossible lengths and can be cleared', () => {
    const store = createMemoryLengthHistory();
    store.add('k', { tokens: Number.NaN, censored: false });
    store.add('k', { tokens: -1, censored: false });
    expect(store.get('k')).toBeUndefined();
    store.add('k', { tokens: 3, censored: false });
    store.clear();
    expect(store.size).toBe(0);
  });

  it('rejects bad bounds with a ConfigError naming the field', () => {
    expect(() => createMemoryLengthHistory({ maxKeys: 0 })).toThrow(ConfigError);
    expect(() => createMemoryLengthHistory({ samplesPerKey: 1.5 })).toThrow(/lengthHistory\.samplesPerKey/);
  });
});
