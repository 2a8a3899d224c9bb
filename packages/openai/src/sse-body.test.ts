import { APIError } from 'openai';
import { ProviderError, StreamError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { mapOpenAIError } from './map-error.js';
import { eventPayload } from './sse-body.js';

const headers = new Headers({ 'x-request-id': 'req_in_stream' });

describe('eventPayload', () => {
  it('parses a data line as JSON', () => {
    const chunk = eventPayload<{ id: string }>({ data: '{"id":"chatcmpl-1"}' }, headers);
    expect(chunk).toEqual({ id: 'chatcmpl-1' });
  });

  it('skips the [DONE] sentinel', () => {
    expect(eventPayload({ data: '[DONE]' }, headers)).toBeUndefined();
  });

  it('throws an in-stream error object as the SDK would, with the response headers', () => {
    const data = JSON.stringify({
      error: { message: 'The server had an error', type: 'server_error', code: 'boom' },
    });
    let thrown: unknown;
    try {
      eventPayload({ data }, headers);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(APIError);
    const mapped = mapOpenAIError(thrown, { provider: 'openai', secrets: [] });
    expect(ProviderError.isInstance(mapped)).toBe(true);
    expect(mapped).toMatchObject({ status: undefined, code: 'boom', requestId: 'req_in_stream' });
    expect(mapped.message).toContain('The server had an error');
  });

  it('throws a SyntaxError for data that is not JSON, which maps to a StreamError', () => {
    let thrown: unknown;
    try {
      eventPayload({ data: '{"choices": [' }, headers);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SyntaxError);
    expect(StreamError.isInstance(mapOpenAIError(thrown, { provider: 'openai', secrets: [] }))).toBe(true);
  });

  it('passes a JSON null through as no payload', () => {
    expect(eventPayload({ data: 'null' }, headers)).toBeUndefined();
  });
});
