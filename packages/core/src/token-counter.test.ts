import { describe, expect, it } from 'vitest';
import { tokenCounterFor } from './token-counter.js';

describe('token counting', () => {
  it('counts special-token look-alikes in model output as text instead of throwing', () => {
    for (const model of ['gpt-4o-mini', 'gpt-3.5-turbo', 'claude-sonnet-4-5']) {
      expect(tokenCounterFor(model).count('so <|im_start|>assistant <|endoftext|> done')).toBeGreaterThan(5);
    }
  });

  it('picks the model family encoding and flags approximations', () => {
    expect(tokenCounterFor('gpt-4o-mini-2024-07-18')).toMatchObject({ encoding: 'o200k_base', exact: true });
    expect(tokenCounterFor('gpt-3.5-turbo')).toMatchObject({ encoding: 'cl100k_base', exact: true });
    expect(tokenCounterFor('claude-sonnet-4-5')).toMatchObject({ encoding: 'o200k_base', exact: false });
  });

  it('counts a huge run without whitespace in linear time', () => {
    const counter = tokenCounterFor('gpt-4o');
    const started = performance.now();
    const tokens = counter.count('x'.repeat(2_000_000));
    // Unbounded BPE on one 2 MB pre-token takes about half an hour; pieces take milliseconds.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(tokens).toBeGreaterThan(200_000);
  });

  it('counts long prose exactly as a single pass does', async () => {
    const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
    const prose = 'The quick brown fox jumps over the lazy dog, then naïvely 🎉 rests.\n'.repeat(400);
    expect(tokenCounterFor('gpt-4o').count(prose)).toBe(countTokens(prose));
  });

  it('memoised counts equal uncached ones', () => {
    const counter = tokenCounterFor('gpt-4o');
    const long = ' the quick brown fox jumps over the lazy dog'.repeat(3);
    for (const text of [' the', ',', long, ' the', long]) {
      expect(counter.count(text)).toBe(counter.count(`${text}`));
    }
    expect(counter.count(long)).toBe(27);
  });
});
