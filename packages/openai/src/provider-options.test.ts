import { ConfigError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { validateProviderOptions } from './provider-options.js';
import type { OpenAIApi } from './settings.js';

function fieldOf(options: unknown, api: OpenAIApi = 'chat', logprobs = false): string {
  try {
    validateProviderOptions(options, api, logprobs);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.field;
    throw error;
  }
  return 'valid';
}

describe('validateProviderOptions', () => {
  it('accepts every documented option where its API takes it', () => {
    expect(
      fieldOf(
        {
          topP: 0.5,
          seed: 1,
          presencePenalty: 1,
          frequencyPenalty: -1,
          stop: ['a', 'b'],
          logitBias: { '50256': -100 },
          topLogprobs: 20,
          reasoningEffort: 'minimal',
          serviceTier: 'priority',
          store: true,
          metadata: { team: 'a' },
          safetyIdentifier: 'h1',
          promptCacheKey: 'k',
          verbosity: 'high',
          extraBody: { anything: [1] },
        },
        'chat',
        true,
      ),
    ).toBe('valid');
    expect(fieldOf({ reasoningSummary: 'detailed', reasoningEffort: 'high' }, 'responses')).toBe('valid');
    expect(fieldOf(undefined)).toBe('valid');
  });

  it.each([
    ['chat', 'providerOptions', 'x'],
    ['chat', 'providerOptions.top_p', { top_p: 1 }],
    ['chat', 'providerOptions.topP', { topP: 2 }],
    ['chat', 'providerOptions.seed', { seed: 1.5 }],
    ['chat', 'providerOptions.presencePenalty', { presencePenalty: 3 }],
    ['chat', 'providerOptions.stop', { stop: [1] }],
    ['chat', 'providerOptions.logitBias.7', { logitBias: { 7: 200 } }],
    ['chat', 'providerOptions.reasoningEffort', { reasoningEffort: 'max' }],
    ['chat', 'providerOptions.reasoningSummary', { reasoningSummary: 'auto' }],
    ['chat', 'providerOptions.serviceTier', { serviceTier: 'gold' }],
    ['chat', 'providerOptions.metadata.a', { metadata: { a: 1 } }],
    ['chat', 'providerOptions.extraBody', { extraBody: [] }],
    ['responses', 'providerOptions.stop', { stop: 'x' }],
    ['completions', 'providerOptions.reasoningEffort', { reasoningEffort: 'low' }],
  ] as const)('%s: %s', (api, field, options) => {
    expect(fieldOf(options, api, true)).toBe(field);
  });

  it('topLogprobs needs logprobs on the call, and completions allow at most 5', () => {
    expect(fieldOf({ topLogprobs: 2 }, 'chat', false)).toBe('providerOptions.topLogprobs');
    expect(fieldOf({ topLogprobs: 6 }, 'completions', true)).toBe('providerOptions.topLogprobs');
    expect(fieldOf({ topLogprobs: 5 }, 'completions', true)).toBe('valid');
  });
});
