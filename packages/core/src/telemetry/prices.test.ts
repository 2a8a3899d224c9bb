import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadPriceData, outputCostDelta, priceDataReady, validatePriceOverrides } from './prices.js';

const at = new Date('2025-06-01T12:00:00Z');
const delta = (
  models: string[],
  savedTokens: number,
  provider = 'openai',
  overrides?: Parameters<typeof outputCostDelta>[0]['overrides'],
) => outputCostDelta({ models, provider, inputTokens: 1000, outputTokens: 100, savedTokens, at, overrides });

// First in the file: each test file gets its own module instances, so nothing has loaded the data.
describe('price data, loaded on first use', () => {
  it('is not loaded at import; until it is, a library price is unknown with the reason, and overrides still apply', async () => {
    expect(priceDataReady()).toBe(false);
    const before = delta(['gpt-4o-mini'], 1_000_000);
    expect(before.usd).toBeNull();
    expect(before.reason).toMatch(/not loaded yet.*loadPriceData/);
    const override = { 'gpt-4o-mini': { outputPerMTok: 2, currency: 'USD' as const } };
    expect(delta(['gpt-4o-mini'], 1_000_000, 'openai', override).usd).toBeCloseTo(2, 6);
    await loadPriceData();
    expect(priceDataReady()).toBe(true);
    expect(delta(['gpt-4o-mini'], 1_000_000).usd).toBeCloseTo(0.6, 6);
  });
});

describe('outputCostDelta', () => {
  beforeAll(() => loadPriceData());

  it('prices saved output tokens from @pydantic/genai-prices, dated snapshots included', () => {
    // gpt-4o-mini: $0.60 per million output tokens.
    expect(delta(['gpt-4o-mini'], 1_000_000).usd).toBeCloseTo(0.6, 6);
    expect(delta(['gpt-4o-mini-2024-07-18'], 1_000_000).usd).toBeCloseTo(0.6, 6);
  });

  it('covers Claude, DeepSeek and Gemini, matching on the model when the adapter is OpenAI-compatible', () => {
    for (const [model, provider] of [
      ['claude-3-5-haiku-latest', 'anthropic'],
      ['claude-sonnet-4-5', 'anthropic'],
      ['deepseek-chat', 'openai'], // DeepSeek through the OpenAI adapter with a baseURL
      ['gemini-2.5-flash', 'gemini'],
    ] as const) {
      const cost = delta([model], 10_000, provider);
      expect(cost.usd, model).toBeGreaterThan(0);
    }
  });

  it('gives null with a reason for an unknown model, never 0', () => {
    const cost = delta(['my-finetune-7b'], 500);
    expect(cost.usd).toBeNull();
    expect(cost.reason).toMatch(/no price for model "my-finetune-7b".*prices/);
  });

  it('falls back to the response model when the requested alias is unknown', () => {
    expect(delta(['my-alias', 'gpt-4o-mini-2024-07-18'], 1_000_000).usd).toBeCloseTo(0.6, 6);
  });

  it('uses an override before the library', () => {
    const overrides = {
      'gpt-4o-mini': { outputPerMTok: 2, currency: 'USD' as const },
      'my-finetune-7b': { outputPerMTok: 1, currency: 'USD' as const },
    };
    expect(delta(['gpt-4o-mini'], 500_000, 'openai', overrides).usd).toBeCloseTo(1, 9);
    expect(delta(['my-finetune-7b'], 2_000_000, 'openai', overrides).usd).toBeCloseTo(2, 9);
  });
});

describe('validatePriceOverrides', () => {
  const field = (prices: unknown) => {
    try {
      validatePriceOverrides('prices', prices);
    } catch (error) {
      if (ConfigError.isInstance(error)) return error.field;
      throw error;
    }
    return undefined;
  };

  it('names the field of an override without a unit', () => {
    expect(field({ 'gpt-x': 0.6 })).toBe('prices["gpt-x"]');
    expect(field({ 'gpt-x': { output: 0.6, currency: 'USD' } })).toBe('prices["gpt-x"].output');
    expect(field({ 'gpt-x': { outputPerMTok: 0.6 } })).toBe('prices["gpt-x"].currency');
    expect(field({ 'gpt-x': { outputPerMTok: 0.6, currency: 'EUR' } })).toBe('prices["gpt-x"].currency');
    expect(field({ 'gpt-x': { outputPerMTok: -1, currency: 'USD' } })).toBe('prices["gpt-x"].outputPerMTok');
    expect(field({ 'gpt-x': { outputPerMTok: Number.NaN, currency: 'USD' } })).toBe(
      'prices["gpt-x"].outputPerMTok',
    );
    expect(field({ 'gpt-x': { outputPerMTok: 1, inputPerMTok: '2', currency: 'USD' } })).toBe(
      'prices["gpt-x"].inputPerMTok',
    );
    expect(field([1])).toBe('prices');
  });

  it('accepts well-formed overrides', () => {
    expect(field({ 'gpt-x': { outputPerMTok: 0.6, inputPerMTok: 0.15, currency: 'USD' } })).toBeUndefined();
    expect(field(undefined)).toBeUndefined();
  });
});
