import { ProviderError, StreamError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { createEventMapper, isRetryableErrorType } from './map-events.js';

const start = (usage: Record<string, unknown>) => ({
  type: 'message_start',
  message: { id: 'msg_1', model: 'claude-x', content: [], usage },
});

describe('createEventMapper', () => {
  it('sums uncached, cache-write and cache-read input tokens', () => {
    const mapper = createEventMapper({ provider: 'anthropic' });
    expect(
      mapper.map(start({ input_tokens: 3, cache_creation_input_tokens: 20, cache_read_input_tokens: 400 })),
    ).toEqual([{ type: 'response-metadata', id: 'msg_1', model: 'claude-x', usage: { inputTokens: 423 } }]);
    mapper.map({ type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 9 } });
    expect(mapper.map({ type: 'message_stop' })).toEqual([
      {
        type: 'finish',
        finishReason: { unified: 'length', raw: 'max_tokens' },
        usage: { inputTokens: 423, outputTokens: 9, reasoningTokens: undefined },
      },
    ]);
  });

  it('streams text a block starts with, and ignores signatures, tool input and citations', () => {
    const mapper = createEventMapper({ provider: 'anthropic' });
    const parts = [
      start({ input_tokens: 1 }),
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: 'Hm', signature: '' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'abc' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: 'Hi' } },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'citations_delta', citation: { cited_text: 'x' } },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '' } },
      { type: 'content_block_start', index: 3, content_block: { type: 'redacted_thinking', data: 'opaque' } },
      { type: 'ping' },
      { type: 'some_future_event', payload: 1 },
    ].flatMap((event) => mapper.map(event));
    expect(parts.slice(1)).toEqual([
      { type: 'reasoning-delta', delta: 'Hm' },
      { type: 'text-delta', delta: 'Hi' },
    ]);
  });

  it('reports a finish without usage when the stream sent none, and only one finish', () => {
    const mapper = createEventMapper({ provider: 'anthropic' });
    expect(mapper.map({ type: 'message_stop' })).toEqual([
      {
        type: 'finish',
        finishReason: { unified: 'other', raw: undefined },
        usage: { inputTokens: undefined, outputTokens: undefined, reasoningTokens: undefined },
      },
    ]);
    expect(mapper.map({ type: 'message_stop' })).toEqual([]);
    expect(mapper.map({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'late' } })).toEqual(
      [],
    );
  });

  it('throws a ProviderError for an error payload', () => {
    const mapper = createEventMapper({ provider: 'claude' });
    let thrown: unknown;
    try {
      mapper.map({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    } catch (error) {
      thrown = error;
    }
    expect(ProviderError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ provider: 'claude', code: 'overloaded_error', retryable: true });
  });
});

describe('isRetryableErrorType', () => {
  it.each([
    ['overloaded_error', true],
    ['api_error', true],
    ['rate_limit_error', true],
    ['timeout_error', true],
    ['something_new_error', true],
    ['invalid_request_error', false],
    ['authentication_error', false],
    ['permission_error', false],
    ['billing_error', false],
    ['not_found_error', false],
  ])('%s → %s', (type, retryable) => {
    expect(isRetryableErrorType(type)).toBe(retryable);
  });
});

describe('message_start twice', () => {
  it('ignores a repeat with the same id and refuses another message before message_stop', () => {
    const mapper = createEventMapper({ provider: 'anthropic' });
    expect(mapper.map(start({ input_tokens: 1 }))).toHaveLength(1);
    expect(mapper.map(start({ input_tokens: 1 }))).toEqual([]);
    const other = { type: 'message_start', message: { id: 'msg_2', model: 'claude-x', content: [] } };
    expect(() => mapper.map(other)).toThrow(StreamError);
  });
});
