import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import { learningIdle } from '../learning/learning-loop.js';
import { createSavingsHistory } from '../telemetry/savings-history.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { createMemoryStore } from './memory-store.js';
import { lengthHistoryIn, savingsHistoryIn, tunerEvidenceIn } from './store-views.js';

describe('createMemoryStore', () => {
  it('adds counters, bounds lists, bumps revisions, forgets the least recently written key', () => {
    const store = createMemoryStore({ maxKeys: 2 });
    store.increment('a', { x: 2, y: 1 });
    store.increment('a', { x: 3 });
    expect(store.counters('a')).toEqual({ x: 5, y: 1 });
    const before = store.revision('a');
    for (let i = 0; i < 5; i++) store.append('b', i, 3);
    expect(store.list('b')).toEqual([2, 3, 4]);
    store.increment('a', { x: 1 });
    expect(store.revision('a')).toBeGreaterThan(before);
    store.append('c', 'new', 3); // 'b' was written least recently now
    expect(store.size).toBe(2);
    expect(store.list('b')).toEqual([]);
    expect(store.counters('a')).toEqual({ x: 6, y: 1 });
  });

  it('refuses a bad bound with a ConfigError', () => {
    expect(() => createMemoryStore({ maxKeys: 0 })).toThrow(ConfigError);
  });
});

describe('the three learners over one store', () => {
  it('tuner evidence: per step sums, contributors counted once each', () => {
    const store = createMemoryStore();
    const evidence = tunerEvidenceIn(store);
    evidence.add('b1', [{ step: 0, observations: 1, lost: 0, tokensSaved: 10 }], 'ann');
    evidence.add(
      'b1',
      [
        { step: 0, observations: 1, lost: 1, tokensSaved: 5 },
        { step: 2, observations: 1, lost: 0, tokensSaved: 1 },
      ],
      'ann',
    );
    evidence.add('b1', [{ step: 0, observations: 1, lost: 0, tokensSaved: 0 }], 'bob');
    expect(evidence.read('b1', 3)).toEqual([
      { observations: 3, lost: 1, tokensSaved: 15 },
      { observations: 0, lost: 0, tokensSaved: 0 },
      { observations: 1, lost: 0, tokensSaved: 1 },
    ]);
    expect(evidence.contributors('b1')).toBe(2);
    expect(evidence.contributors('other')).toBe(0);
  });

  it('savings history and length history keep bounded lists by kind', () => {
    const store = createMemoryStore();
    const savings = savingsHistoryIn(store, { samplesPerBucket: 2 });
    savings.recordLength('m|p', 100);
    savings.recordLength('m|p', 200);
    savings.recordLength('m|p', 300);
    savings.recordHoldout('m|p', { policy: 'stopOn', kind: 'complete', stopAt: 10, final: 40 });
    expect(savings.lengths('m|p')).toEqual([200, 300]);
    expect(savings.holdouts('m|p')).toEqual([{ policy: 'stopOn', kind: 'complete', stopAt: 10, final: 40 }]);
    expect(savings.revision?.('m|p', 'lengths')).not.toBe(savings.revision?.('m|p', 'holdouts'));
    const lengths = lengthHistoryIn(store);
    lengths.add('k', { tokens: 50, censored: false });
    expect(lengths.get('k')).toEqual([{ tokens: 50, censored: false }]);
  });

  it('drops the samples the in-memory history drops, so a store gives the same estimates', () => {
    const savings = savingsHistoryIn(createMemoryStore());
    const memory = createSavingsHistory();
    for (const history of [savings, memory]) {
      for (const tokens of [Number.NaN, -1, Number.POSITIVE_INFINITY, 120]) {
        history.recordLength('b', tokens);
        history.recordCappedLength?.('b', tokens);
      }
      history.recordHoldout('b', { policy: 'p', kind: 'complete', stopAt: 0, final: 40 });
      history.recordHoldout('b', { policy: 'p', kind: 'complete', stopAt: 10, final: Number.NaN });
      history.recordHoldout('b', { policy: 'p', kind: 'complete', stopAt: 10, final: 40 });
    }
    for (const history of [savings, memory]) {
      expect(history.lengths('b')).toEqual([120]);
      expect(history.cappedLengths?.('b')).toEqual([120]);
      expect(history.holdouts('b')).toEqual([{ policy: 'p', kind: 'complete', stopAt: 10, final: 40 }]);
    }
  });
});

describe('createClient({ store })', () => {
  const recheck = 'Let me verify this once more, step by step. '.repeat(20);
  const script = (n: number) =>
    textScript(`So the answer is ${n}.\n\n${recheck}Final: the answer is ${n}.`.match(/[\s\S]{1,12}/g) ?? []);

  it('keeps the savings calibration, adaptive-length history and tuner evidence in the one store', async () => {
    const store = createMemoryStore();
    let call = 0;
    const client = createClient({
      provider: { name: 'openai', stream: (request) => scriptedProvider(script(call++ % 7)).stream(request) },
      profile: 'balanced',
      learn: { holdoutFloor: 1 },
      store,
    });
    for (let i = 0; i < 6; i++) {
      await client.generate({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `What is ${i} + 0? End with "the answer is N".` }],
        user: ['ann', 'bob'][i % 2],
      });
    }
    // Ladder replays run after the call, on later tasks: a fixed sleep raced them on a loaded
    // CI machine (the first replay loads the regex engine), so wait for them to be done.
    await learningIdle(client);
    const keys = store.entries().map(([key]) => key);
    expect(keys.some((key) => key.startsWith('savings:'))).toBe(true);
    expect(keys.some((key) => key.startsWith('length:'))).toBe(true);
    expect(keys.some((key) => key.startsWith('tuner:'))).toBe(true);
  });

  it('refuses something that is not a store', () => {
    expect(() =>
      createClient({ provider: scriptedProvider(script(1)), store: { get: () => 1 } as never }),
    ).toThrow(/Invalid `store`/);
  });
});
