import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunState } from './run-state.js';
import type { TokenCounter } from './token-counter.js';

/** Counts one token per word-ish run and records every text it was asked to count. */
function recordingCounter(): TokenCounter & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    encoding: 'o200k_base',
    exact: false,
    ready: true,
    load: async function (this: TokenCounter) {
      return this;
    },
    count(text: string) {
      asked.push(text);
      return text.match(/\S+|\s+/g)?.length ?? 0;
    },
  };
}

function stateWith(deltas: readonly string[]): {
  state: RunState;
  counter: ReturnType<typeof recordingCounter>;
} {
  const counter = recordingCounter();
  const state = new RunState(counter, 0, () => 0);
  for (const delta of deltas) state.record('reasoning', delta);
  return { state, counter };
}

/** Whole deltas before `cut` at their own counts, plus the kept part of the delta it falls in. */
function expectedTokens(deltas: readonly string[], cut: number, counter: TokenCounter): number {
  let tokens = 0;
  let offset = 0;
  for (const delta of deltas) {
    if (offset + delta.length <= cut) tokens += counter.count(delta);
    else if (offset < cut) tokens += counter.count(delta.slice(0, cut - offset));
    offset += delta.length;
  }
  return tokens;
}

describe('RunState kept tokens at a cut', () => {
  it('counts only the cut delta, not the whole kept text', () => {
    const deltas = Array.from({ length: 5_000 }, (_, index) => (index % 2 === 0 ? 'word' : ' '));
    const { state, counter } = stateWith(deltas);
    counter.asked.length = 0;
    // 12,000 characters are 4,800 whole deltas ("word", " "); the cut keeps "wo" of the next.
    state.truncate('reasoning', 12_002);
    expect(state.reasoning.text).toHaveLength(12_002);
    expect(counter.asked).toEqual(['wo']);
    expect(state.keptTokens()).toBe(4_801);
  });

  it('keeps the deltas own counts up to the cut, the cut delta recounted, and views agree', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        (deltas, at) => {
          const { state, counter } = stateWith(deltas);
          const total = deltas.join('').length;
          const cut = at % (total + 1);
          state.truncate('reasoning', cut);
          expect(state.reasoning.text).toBe(deltas.join('').slice(0, cut));
          expect(state.keptTokens()).toBe(expectedTokens(deltas, cut, counter));
          // A second, earlier cut (a loop reaching further back) works from the first one's bookkeeping.
          const earlier = Math.floor(cut / 2);
          state.truncate('reasoning', earlier);
          expect(state.keptTokens()).toBe(expectedTokens(deltas, earlier, counter));
          expect(state.idleView(1).tokens).toBe(state.keptTokens());
        },
      ),
    );
  });
});
