import { ConfigError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { type AnthropicProviderOptions, providerOptionsBody } from './provider-options.js';

const context = { maxTokens: 4096, user: undefined };

function fieldOf(options: unknown, ctx: { maxTokens: number; user: string | undefined } = context): string {
  try {
    providerOptionsBody(options as AnthropicProviderOptions, ctx);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.field;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('providerOptionsBody', () => {
  it('maps every option to its API field', () => {
    expect(
      providerOptionsBody(
        {
          thinking: { type: 'enabled', budgetTokens: 2048, display: 'omitted' },
          topP: 0.9,
          topK: 40,
          stopSequences: ['END', '\n\n'],
          metadata: { userId: 'hash-1' },
          extraBody: { service_tier: 'auto', top_k: 5 },
        },
        { maxTokens: 8000, user: 'ignored-because-userId-is-set' },
      ),
    ).toEqual({
      thinking: { type: 'enabled', budget_tokens: 2048, display: 'omitted' },
      top_p: 0.9,
      top_k: 5, // extraBody is applied last
      stop_sequences: ['END', '\n\n'],
      metadata: { user_id: 'hash-1' },
      service_tier: 'auto',
    });
  });

  it('sends the call user as metadata.user_id unless told not to', () => {
    expect(providerOptionsBody(undefined, { maxTokens: 10, user: 'u1' })).toEqual({
      metadata: { user_id: 'u1' },
    });
    expect(providerOptionsBody({}, { maxTokens: 10, user: 'u1' })).toEqual({ metadata: { user_id: 'u1' } });
    expect(providerOptionsBody({ metadata: { userId: null } }, { maxTokens: 10, user: 'u1' })).toEqual({});
    expect(providerOptionsBody(undefined, context)).toEqual({});
  });

  it('maps adaptive and disabled thinking', () => {
    expect(providerOptionsBody({ thinking: { type: 'adaptive' } }, context)).toEqual({
      thinking: { type: 'adaptive' },
    });
    expect(providerOptionsBody({ thinking: { type: 'disabled' } }, context)).toEqual({
      thinking: { type: 'disabled' },
    });
  });

  it.each([
    ['a non-object', 'x', 'providerOptions'],
    ['an unknown option', { top_p: 0.5 }, 'providerOptions.top_p'],
    [
      'a budget under 1024',
      { thinking: { type: 'enabled', budgetTokens: 512 } },
      'providerOptions.thinking.budgetTokens',
    ],
    [
      'a budget not under max_tokens',
      { thinking: { type: 'enabled', budgetTokens: 4096 } },
      'providerOptions.thinking.budgetTokens',
    ],
    ['an unknown thinking type', { thinking: { type: 'maybe' } }, 'providerOptions.thinking.type'],
    [
      'a thinking type named like an Object method',
      { thinking: { type: 'constructor' } },
      'providerOptions.thinking.type',
    ],
    [
      'an unknown display',
      { thinking: { type: 'adaptive', display: 'full' } },
      'providerOptions.thinking.display',
    ],
    ['topP above 1', { topP: 1.5 }, 'providerOptions.topP'],
    ['a fractional topK', { topK: 2.5 }, 'providerOptions.topK'],
    ['stopSequences not an array', { stopSequences: 'END' }, 'providerOptions.stopSequences'],
    ['an empty stop sequence', { stopSequences: ['END', ''] }, 'providerOptions.stopSequences[1]'],
    ['a regex stop sequence', { stopSequences: [/END/] }, 'providerOptions.stopSequences[0]'],
    ['an empty userId', { metadata: { userId: '' } }, 'providerOptions.metadata.userId'],
    ['an unknown metadata key', { metadata: { user_id: 'x' } }, 'providerOptions.metadata.user_id'],
    ['extraBody not an object', { extraBody: [1] }, 'providerOptions.extraBody'],
  ])('refuses %s, naming the field', (_label, options, field) => {
    expect(fieldOf(options)).toBe(field);
  });

  it.each([
    // Dropped silently before: the caller believed the budget or display applied.
    [
      'a budget on adaptive thinking',
      { type: 'adaptive', budgetTokens: 2048 },
      'budgetTokens',
      'type, display',
    ],
    ['a display on disabled thinking', { type: 'disabled', display: 'omitted' }, 'display', 'type'],
    [
      "the API's own spelling",
      { type: 'enabled', budgetTokens: 2048, budget_tokens: 2048 },
      'budget_tokens',
      'type, budgetTokens, display',
    ],
  ])(
    'refuses %s inside thinking, naming the field and the allowed ones',
    (_label, thinking, key, allowed) => {
      let thrown: unknown;
      try {
        providerOptionsBody({ thinking } as AnthropicProviderOptions, context);
      } catch (error) {
        thrown = error;
      }
      expect(ConfigError.isInstance(thrown)).toBe(true);
      expect((thrown as ConfigError).field).toBe(`providerOptions.thinking.${key}`);
      expect((thrown as ConfigError).message).toContain(`allowed: ${allowed}`);
    },
  );

  it('puts no limit of its own on the number of stop sequences', () => {
    const many = Array.from({ length: 8 }, (_, index) => `STOP${index}`);
    expect(providerOptionsBody({ stopSequences: many }, context)).toEqual({ stop_sequences: many });
  });
});
