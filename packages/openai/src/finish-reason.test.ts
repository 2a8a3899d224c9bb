import { describe, expect, it } from 'vitest';
import { mapOpenAIFinishReason, mapResponsesFinishReason } from './finish-reason.js';

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
  ] as const)('%s -> %s', (raw, unified) => {
    expect(mapOpenAIFinishReason(raw)).toEqual({ unified, raw });
  });

  it('null and undefined are other, with no raw value', () => {
    expect(mapOpenAIFinishReason(null)).toEqual({ unified: 'other', raw: undefined });
    expect(mapOpenAIFinishReason(undefined)).toEqual({ unified: 'other', raw: undefined });
  });

  it('an unknown value is other and keeps the raw value', () => {
    expect(mapOpenAIFinishReason('eos_token')).toEqual({ unified: 'other', raw: 'eos_token' });
  });
});

describe('mapResponsesFinishReason', () => {
  it('completed is stop, or tool-calls when the output calls a tool', () => {
    expect(
      mapResponsesFinishReason({ status: 'completed', incompleteReason: null, hasToolCalls: false }),
    ).toEqual({ unified: 'stop', raw: 'completed' });
    expect(
      mapResponsesFinishReason({ status: 'completed', incompleteReason: null, hasToolCalls: true }),
    ).toEqual({ unified: 'tool-calls', raw: 'completed' });
  });

  it('incomplete says why', () => {
    expect(
      mapResponsesFinishReason({
        status: 'incomplete',
        incompleteReason: 'max_output_tokens',
        hasToolCalls: false,
      }),
    ).toEqual({ unified: 'length', raw: 'max_output_tokens' });
    expect(
      mapResponsesFinishReason({
        status: 'incomplete',
        incompleteReason: 'content_filter',
        hasToolCalls: false,
      }),
    ).toEqual({ unified: 'content-filter', raw: 'content_filter' });
    expect(
      mapResponsesFinishReason({ status: 'incomplete', incompleteReason: undefined, hasToolCalls: false }),
    ).toEqual({ unified: 'other', raw: 'incomplete' });
  });
});
