import { describe, expect, it } from 'vitest';
import { createMemoryLengthHistory, type LengthSample } from './length-history.js';
import { type PhaseHistory, predictLength } from './length-prediction.js';

const keys = { user: undefined, fine: 'm|fine', coarse: 'm|coarse' };
const settings = {
  quantile: 0.5,
  confidence: 0,
  slack: 1,
  minSamples: 1,
  userWeight: 2,
  priorTokens: undefined,
};
const none: readonly LengthSample[] = Object.freeze([]);

function historyOf(samples: readonly LengthSample[] | undefined): PhaseHistory {
  return { user: none, fine: samples ?? none, coarse: none };
}

describe('predictLength over a memory store', () => {
  it('recomputes on every new sample while a list is under 32 samples', () => {
    const store = createMemoryLengthHistory();
    const medians: Array<number | undefined> = [];
    for (let i = 1; i <= 20; i += 1) {
      store.add(keys.fine, { tokens: i * 10, censored: false });
      medians.push(predictLength('answer', historyOf(store.get(keys.fine)), keys, settings).quantileTokens);
    }
    // The median of 10, 20, ..., 10n: each new sample moves it.
    expect(medians).toEqual(Array.from({ length: 20 }, (_, i) => Math.ceil((i + 1) / 2) * 10));
  });

  it('reuses a prediction over a long list until 1/32 of its length is new', () => {
    const store = createMemoryLengthHistory();
    for (let i = 0; i < 256; i += 1) store.add(keys.fine, { tokens: 100, censored: false });
    const first = predictLength('answer', historyOf(store.get(keys.fine)), keys, settings);
    expect(first.quantileTokens).toBe(100);
    // 8 = 256 / 32 new samples may go unseen; the 9th forces a recomputation.
    for (let i = 0; i < 8; i += 1) store.add(keys.fine, { tokens: 1000, censored: false });
    expect(predictLength('answer', historyOf(store.get(keys.fine)), keys, settings)).toBe(first);
    for (let i = 0; i < 200; i += 1) store.add(keys.fine, { tokens: 1000, censored: false });
    expect(predictLength('answer', historyOf(store.get(keys.fine)), keys, settings).quantileTokens).toBe(
      1000,
    );
  });

  it('never caches lists it cannot watch (other stores), nor across different settings', () => {
    const samples: LengthSample[] = [{ tokens: 100, censored: false }];
    const history = historyOf(samples);
    expect(predictLength('answer', history, keys, settings).quantileTokens).toBe(100);
    samples.push({ tokens: 300, censored: false }, { tokens: 300, censored: false });
    expect(predictLength('answer', history, keys, settings).quantileTokens).toBe(300);
    const store = createMemoryLengthHistory();
    store.add(keys.fine, { tokens: 100, censored: false });
    store.add(keys.fine, { tokens: 300, censored: false });
    const stored = historyOf(store.get(keys.fine));
    const low = predictLength('answer', stored, keys, { ...settings, quantile: 0.4 });
    const high = predictLength('answer', stored, keys, { ...settings, quantile: 0.9 });
    expect([low.quantileTokens, high.quantileTokens]).toEqual([100, 300]);
  });
});
