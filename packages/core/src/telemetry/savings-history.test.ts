import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { createSavingsHistory } from './savings-history.js';

describe('createSavingsHistory', () => {
  it('keeps the most recent samples of each bucket, oldest first', () => {
    const history = createSavingsHistory({ samplesPerBucket: 3 });
    for (const tokens of [1, 2, 3, 4, 5]) history.recordLength('a', tokens);
    expect(history.lengths('a')).toEqual([3, 4, 5]);
    history.recordHoldout('a', { policy: 'p', stopAt: 10, final: 30 });
    expect(history.holdouts('a')).toEqual([{ policy: 'p', stopAt: 10, final: 30 }]);
    expect(history.lengths('b')).toEqual([]);
  });

  it('drops the least recently used bucket past maxBuckets', () => {
    const history = createSavingsHistory({ maxBuckets: 2 });
    history.recordLength('a', 1);
    history.recordLength('b', 2);
    history.lengths('a'); // a is now the most recent
    history.recordLength('c', 3);
    expect(history.lengths('b')).toEqual([]);
    expect(history.lengths('a')).toEqual([1]);
    expect(history.lengths('c')).toEqual([3]);
  });

  it('ignores samples that are not finite counts', () => {
    const history = createSavingsHistory();
    history.recordLength('a', Number.NaN);
    history.recordLength('a', -1);
    history.recordHoldout('a', { policy: 'p', stopAt: 0, final: 10 });
    history.recordHoldout('a', { policy: 'p', stopAt: 5, final: Number.POSITIVE_INFINITY });
    expect(history.lengths('a')).toEqual([]);
    expect(history.holdouts('a')).toEqual([]);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => createSavingsHistory({ maxBuckets: 0 })).toThrow(ConfigError);
    expect(() => createSavingsHistory({ samplesPerBucket: 2.5 })).toThrow(/samplesPerBucket/);
  });
});

describe('createSavingsHistory revision', () => {
  it('changes on every write of that kind, also once the ring has wrapped', () => {
    const history = createSavingsHistory({ samplesPerBucket: 2 });
    expect(history.revision?.('a', 'lengths')).toBe(0);
    const seen = new Set<number>();
    for (const tokens of [1, 2, 3, 4, 5]) {
      history.recordLength('a', tokens);
      seen.add(history.revision?.('a', 'lengths') ?? -1);
    }
    expect(seen.size).toBe(5);
    const holdouts = history.revision?.('a', 'holdouts');
    history.recordLength('a', 6);
    expect(history.revision?.('a', 'holdouts')).toBe(holdouts);
    expect(history.lengths('a')).toEqual([5, 6]);
  });

  it('does not repeat a revision when a dropped bucket comes back', () => {
    const history = createSavingsHistory({ maxBuckets: 1 });
    history.recordLength('a', 1);
    const first = history.revision?.('a', 'lengths');
    history.recordLength('b', 1); // drops a
    history.recordLength('a', 1);
    expect(history.revision?.('a', 'lengths')).not.toBe(first);
  });
});
