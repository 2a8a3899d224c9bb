import { createClient, ProviderError, StreamError, type StreamPart } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { openai } from './openai-provider.js';
import { lastRequest, useWireServer } from './test-utils.js';

const wire = useWireServer();

function responsesClient() {
  return createClient({
    provider: openai({ apiKey: 'sk-test-resp', baseURL: wire.baseURL, api: 'responses', maxRetries: 0 }),
  });
}

const response = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'resp_1',
  object: 'response',
  status,
  model: 'gpt-5-mini-2025-08-07',
  output: [],
  incomplete_details: null,
  error: null,
  usage: null,
  ...extra,
});
const created = { type: 'response.created', sequence_number: 0, response: response('in_progress') };
const usage = {
  input_tokens: 20,
  output_tokens: 50,
  output_tokens_details: { reasoning_tokens: 30 },
  total_tokens: 70,
};
const text = (delta: string, logprobs: unknown[] = []) => ({
  type: 'response.output_text.delta',
  item_id: 'msg_1',
  output_index: 1,
  content_index: 0,
  delta,
  logprobs,
});
const summary = (delta: string, summaryIndex: number) => ({
  type: 'response.reasoning_summary_text.delta',
  item_id: 'rs_1',
  output_index: 0,
  summary_index: summaryIndex,
  delta,
});

describe('responses request mapping', () => {
  it('sends the messages as input with the mapped options', async () => {
    wire.server.enqueue({
      format: 'openai-responses',
      chunks: [
        created,
        text('Hi'),
        { type: 'response.completed', response: response('completed', { usage }) },
      ],
    });
    await responsesClient().generate({
      model: 'gpt-5-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      maxOutputTokens: 300,
      temperature: 1,
      user: 'user-1',
      logprobs: true,
      providerOptions: {
        reasoningEffort: 'low',
        reasoningSummary: 'auto',
        topLogprobs: 2,
        verbosity: 'low',
        store: false,
      },
    });
    const request = lastRequest(wire.server);
    expect(request.path).toBe('/v1/responses');
    expect(request.body).toEqual({
      model: 'gpt-5-mini',
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stream: true,
      max_output_tokens: 300,
      temperature: 1,
      user: 'user-1',
      include: ['message.output_text.logprobs'],
      top_logprobs: 2,
      reasoning: { effort: 'low', summary: 'auto' },
      store: false,
      text: { verbosity: 'low' },
    });
  });

  it('rejects options the Responses API does not take, at the call', async () => {
    const call = {
      model: 'm',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      providerOptions: { seed: 1 },
    };
    expect(() => responsesClient().stream(call)).toThrow(/providerOptions\.seed/);
    await expect(responsesClient().generate(call)).rejects.toMatchObject({
      kind: 'config',
      field: 'providerOptions.seed',
    });
  });
});

describe('responses stream mapping', () => {
  it('maps metadata, reasoning summaries (parts joined by a blank line), text, logprobs and usage', async () => {
    wire.server.enqueue({
      format: 'openai-responses',
      chunks: [
        created,
        summary('First', 0),
        summary(' part.', 0),
        summary('Second part.', 1),
        {
          type: 'response.reasoning_text.delta',
          item_id: 'rs_2',
          output_index: 0,
          content_index: 0,
          delta: 'Raw.',
        },
        text('Hello', [{ token: 'Hello', logprob: -0.1, top_logprobs: [{ token: 'Hi', logprob: -2 }] }]),
        text(' there'),
        { type: 'response.completed', response: response('completed', { usage }) },
      ],
    });
    const parts: StreamPart[] = [];
    const run = responsesClient().stream({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      logprobs: true,
    });
    for await (const part of run) parts.push(part);
    const result = await run.result;
    expect(parts.slice(0, 2)).toEqual([
      { type: 'stream-start' },
      { type: 'response-metadata', id: 'resp_1', model: 'gpt-5-mini-2025-08-07' },
    ]);
    expect(result.reasoning).toBe('First part.\n\nSecond part.\n\nRaw.');
    expect(result.text).toBe('Hello there');
    expect(parts.find((part) => part.type === 'logprobs')).toEqual({
      type: 'logprobs',
      tokens: [{ token: 'Hello', logprob: -0.1, topLogprobs: [{ token: 'Hi', logprob: -2 }] }],
    });
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'completed' },
      usage: { inputTokens: 20, outputTokens: 50, reasoningTokens: 30 },
    });
    expect(result.usage).toMatchObject({
      inputTokens: 20,
      outputTokens: 50,
      reasoningTokens: 30,
      source: 'provider',
    });
  });

  it('response.incomplete for max_output_tokens finishes with length', async () => {
    wire.server.enqueue({
      format: 'openai-responses',
      chunks: [
        created,
        text('Long'),
        {
          type: 'response.incomplete',
          response: response('incomplete', { usage, incomplete_details: { reason: 'max_output_tokens' } }),
        },
      ],
    });
    const result = await responsesClient().generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('finish');
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'max_output_tokens' });
  });

  it('response.failed throws a ProviderError with the code of the response error', async () => {
    wire.server.enqueue({
      format: 'openai-responses',
      chunks: [
        created,
        text('Par'),
        {
          type: 'response.failed',
          response: response('failed', { error: { code: 'server_error', message: 'Something broke' } }),
        },
      ],
    });
    const result = await responsesClient().generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(result.text).toBe('Par');
    expect(ProviderError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'server_error', retryable: true, status: undefined });
    expect(result.error?.message).toBe('openai: Something broke');
  });

  it('response.failed for a bad input is not retryable, and keeps the request id', async () => {
    wire.server.enqueue({
      format: 'openai-responses',
      headers: { 'x-request-id': 'req_failed_1' },
      chunks: [
        created,
        {
          type: 'response.failed',
          response: response('failed', { error: { code: 'invalid_prompt', message: 'Prompt flagged' } }),
        },
      ],
    });
    const result = await responsesClient().generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.error).toMatchObject({
      kind: 'provider',
      code: 'invalid_prompt',
      retryable: false,
      requestId: 'req_failed_1',
    });
  });

  it('a flat error event ({ code, message }) throws a ProviderError too', async () => {
    wire.server.enqueue({
      format: 'openai-responses',
      chunks: [
        created,
        { type: 'error', code: 'rate_limit_exceeded', message: 'Slow down', param: null, sequence_number: 1 },
      ],
    });
    const result = await responsesClient().generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.error).toMatchObject({ kind: 'provider', code: 'rate_limit_exceeded', retryable: true });
  });

  it('a stream without response.completed is a StreamError', async () => {
    wire.server.enqueue({ format: 'openai-responses', chunks: [created, text('Cut')] });
    const result = await responsesClient().generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(StreamError.isInstance(result.error)).toBe(true);
  });

  it('a policy stop closes the connection', async () => {
    const deltas = Array.from({ length: 200 }, (_, index) => text(index === 50 ? ' HALT' : ` w${index}`));
    wire.server.enqueue({
      format: 'openai-responses',
      chunks: [
        created,
        ...deltas,
        { type: 'response.completed', response: response('completed', { usage }) },
      ],
      paceMs: 5,
    });
    const result = await responsesClient().generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      policy: { stopOn: ['HALT'] },
    });
    expect(result.outcome).toBe('policy-stop');
    const record = lastRequest(wire.server);
    await record.settled;
    expect(record.clientClosed).toBe(true);
    // created + 51 deltas carry the decision; allow two more in flight.
    expect(record.chunksWritten).toBeLessThanOrEqual(52 + 2);
  });
});
