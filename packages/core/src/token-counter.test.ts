import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenCounterFor } from './token-counter.js';

describe('token tables, loaded on first use', () => {
  // A fresh instance of the module: this file's own has its tables loaded by the tests below.
  const fresh = async () => {
    vi.resetModules();
    return (await import('./token-counter.js')).tokenCounterFor;
  };
  const text = 'The quick brown fox jumps over the lazy dog, then naïvely 🎉 rests.\n'.repeat(3);

  it('approximates until the table is loaded, then counts what gpt-tokenizer counts', async () => {
    const counterFor = await fresh();
    const counter = counterFor('gpt-4o-mini');
    expect(counter.ready).toBe(false);
    expect(counter.count(text)).toBe(Math.ceil(text.length / 4));
    expect(await counter.load()).toBe(counter);
    expect(counter.ready).toBe(true);
    expect(counter.count(text)).toBe(countO200k(text, { disallowedSpecial: new Set() }));
  });

  it('loads only the encoding a model needs, shared by the models on it', async () => {
    const counterFor = await fresh();
    await counterFor('claude-sonnet-4-5').load();
    // The approximation for other vendors' models is o200k: loaded by the Claude counter.
    expect(counterFor('gpt-4o').ready).toBe(true);
    expect(counterFor('gpt-3.5-turbo').ready).toBe(false);
    await counterFor('gpt-3.5-turbo').load();
    expect(counterFor('gpt-3.5-turbo').count(text)).toBe(countCl100k(text, { disallowedSpecial: new Set() }));
  });
});

describe('token counting', () => {
  beforeAll(async () => {
    await Promise.all(['gpt-4o', 'gpt-3.5-turbo'].map((model) => tokenCounterFor(model).load()));
  });

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
