import { APIError } from '@anthropic-ai/sdk';
import { ProviderError, StreamError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { mapAnthropicError } from './map-error.js';
import { eventPayload } from './message-stream.js';

const headers = new Headers({ 'request-id': 'req_1' });
const context = { provider: 'anthropic', secrets: [] };

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('eventPayload (the SDK Stream rules)', () => {
  it('parses a named event', () => {
    const data = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}';
    expect(eventPayload({ event: 'content_block_delta', data }, headers)).toMatchObject({
      delta: { text: 'Hi' },
    });
  });

  it('skips ping, unnamed events and empty data', () => {
    expect(eventPayload({ event: 'ping', data: '{"type":"ping"}' }, headers)).toBeUndefined();
    expect(eventPayload({ data: '{"type":"message_stop"}' }, headers)).toBeUndefined();
    expect(eventPayload({ event: 'message_stop', data: '' }, headers)).toBeUndefined();
  });

  it('throws an error event as the SDK does: its type as code, the request id from the headers', () => {
    const data = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    const error = thrownBy(() => eventPayload({ event: 'error', data }, headers));
    expect(error).toBeInstanceOf(APIError);
    const mapped = mapAnthropicError(error, context);
    expect(ProviderError.isInstance(mapped)).toBe(true);
    expect(mapped).toMatchObject({ code: 'overloaded_error', requestId: 'req_1', retryable: true });
  });

  it('keeps an error event that is not JSON as its raw text', () => {
    const error = thrownBy(() => eventPayload({ event: 'error', data: 'upstream exploded' }, headers));
    expect(error).toBeInstanceOf(APIError);
    expect(String((error as Error).message)).toContain('upstream exploded');
  });

  it('an error payload in an event without a name is still thrown; other nameless events are skipped', () => {
    const data = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    const error = thrownBy(() => eventPayload({ event: undefined, data }, headers));
    expect(mapAnthropicError(error, context)).toMatchObject({ code: 'overloaded_error', retryable: true });
    expect(
      eventPayload({ event: undefined, data: '{"type":"content_block_delta"}' }, headers),
    ).toBeUndefined();
    expect(eventPayload({ event: undefined, data: '{"error" broken' }, headers)).toBeUndefined();
  });

  it('throws a SyntaxError for data that is not JSON, which maps to a StreamError', () => {
    const error = thrownBy(() => eventPayload({ event: 'content_block_delta', data: '{"type":' }, headers));
    expect(error).toBeInstanceOf(SyntaxError);
    expect(StreamError.isInstance(mapAnthropicError(error, context))).toBe(true);
  });
});
