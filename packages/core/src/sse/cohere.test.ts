import { createWireServer, loadWireFixture, type WireServer } from '@stopwise/replay';
import { createClient, ProviderError } from 'stopwise';
import { cohere, cohereUsage, mapCohereFinishReason } from 'stopwise/sse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const apiKey = 'co-test-0123456789abcdefghij';
const messages = [
  { role: 'system' as const, content: 'Be terse.' },
  { role: 'user' as const, content: 'What is the capital of France?' },
];

interface CohereFixtureChunk {
  type: string;
  id?: string;
  delta?: {
    message?: { content?: { text?: string; thinking?: string } };
    finish_reason?: string;
    usage?: { billed_units?: { input_tokens: number; output_tokens: number } };
  };
}

let server: WireServer;
beforeEach(async () => {
  server = await createWireServer();
});
afterEach(async () => {
  await server.close();
});

describe('mapCohereFinishReason', () => {
  it.each([
    ['COMPLETE', 'stop'],
    ['STOP_SEQUENCE', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['ERROR_LIMIT', 'length'],
    ['ERROR', 'error'],
    ['ERROR_TOXIC', 'content-filter'],
    ['TOOL_CALL', 'tool-calls'],
    ['USER_CANCEL', 'other'],
  ])('%s -> %s', (raw, unified) => {
    expect(mapCohereFinishReason(raw)).toBe(unified);
  });
});

describe('cohereUsage', () => {
  it('reports billed units, not the raw token counts', () => {
    const usage = {
      billed_units: { input_tokens: 12, output_tokens: 7 },
      tokens: { input_tokens: 507, output_tokens: 10 },
    };
    expect(cohereUsage(usage)).toEqual({ inputTokens: 12, outputTokens: 7 });
  });
  it('falls back to tokens, and to nothing', () => {
    expect(cohereUsage({ tokens: { input_tokens: 3, output_tokens: 4 } })).toEqual({
      inputTokens: 3,
      outputTokens: 4,
    });
    expect(cohereUsage(undefined)).toEqual({ inputTokens: undefined, outputTokens: undefined });
  });
});

describe('cohere() against the recorded stream', () => {
  it('replays cohere-cohere-text', async () => {
    const chunks = loadWireFixture('cohere-cohere-text') as CohereFixtureChunk[];
    const deltas = chunks.filter((chunk) => chunk.type === 'content-delta');
    const expectedText = deltas.map((chunk) => chunk.delta?.message?.content?.text ?? '').join('');
    const end = chunks.find((chunk) => chunk.type === 'message-end');
    server.enqueue({ format: 'cohere', chunks });

    const client = createClient({ provider: cohere({ apiKey, baseURL: server.url }) });
    const result = await client.generate({
      model: 'command-r-plus',
      messages,
      maxOutputTokens: 100,
      temperature: 0.2,
    });

    expect(result.outcome).toBe('finish');
    expect(result.text).toBe(expectedText);
    expect(result.text).toBe('The capital of France is Paris.');
    expect(result.reasoning).toBeUndefined();
    expect(result.usage).toMatchObject({
      inputTokens: end?.delta?.usage?.billed_units?.input_tokens,
      outputTokens: end?.delta?.usage?.billed_units?.output_tokens,
      source: 'provider',
    });
    expect(result.finishReason).toEqual({ unified: 'stop', raw: end?.delta?.finish_reason });
    expect(result.responseId).toBe(chunks[0]?.id);
  });

  it('posts to /v2/chat with a bearer key and the mapped body', async () => {
    server.enqueue({ format: 'cohere', chunks: loadWireFixture('cohere-cohere-text') });
    const client = createClient({ provider: cohere({ apiKey, baseURL: server.url }) });
    await client.generate({
      model: 'command-a-reasoning-08-2025',
      messages,
      maxOutputTokens: 100,
      temperature: 0.2,
      providerOptions: { thinking: { type: 'enabled', tokenBudget: 500 }, stopSequences: ['\n\n'] },
    });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v2/chat');
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request?.headers.accept).toBe('text/event-stream');
    expect(request?.body).toEqual({
      model: 'command-a-reasoning-08-2025',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      stream: true,
      max_tokens: 100,
      temperature: 0.2,
      stop_sequences: ['\n\n'],
      thinking: { type: 'enabled', token_budget: 500 },
    });
  });
});

describe('cohere() on synthetic streams', () => {
  const content = (field: 'text' | 'thinking', value: string) => ({
    type: 'content-delta',
    index: 0,
    delta: { message: { content: { [field]: value } } },
  });

  it('streams thinking as reasoning and stops at message-end', async () => {
    server.enqueue({
      format: 'cohere',
      chunks: [
        { id: 'msg-1', type: 'message-start', delta: { message: { role: 'assistant' } } },
        {
          type: 'content-start',
          index: 0,
          delta: { message: { content: { type: 'thinking', thinking: '' } } },
        },
        content('thinking', 'The user asks'),
        content('thinking', ' for 2 + 2.'),
        { type: 'content-end', index: 0 },
        content('text', 'The answer is 4.'),
        {
          type: 'message-end',
          delta: {
            finish_reason: 'MAX_TOKENS',
            usage: {
              billed_units: { input_tokens: 8, output_tokens: 12 },
              tokens: { input_tokens: 900, output_tokens: 16 },
            },
          },
        },
      ],
    });
    const client = createClient({ provider: cohere({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'command-a-reasoning-08-2025', messages });
    expect(result.reasoning).toBe('The user asks for 2 + 2.');
    expect(result.text).toBe('The answer is 4.');
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
    expect(result.usage).toMatchObject({ inputTokens: 8, outputTokens: 12 });
    expect(result.responseId).toBe('msg-1');
  });

  it('refuses misspelt and mistyped provider options at the call, naming each, before any request', async () => {
    const client = createClient({ provider: cohere({ apiKey, baseURL: server.url }) });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ thinking: null }, 'providerOptions.thinking'],
      [{ thinking: { type: 'enabled', budget: 500 } }, 'providerOptions.thinking.budget'],
      [{ thinking: { type: 'on' } }, 'providerOptions.thinking.type'],
      [{ thinking: { type: 'enabled', tokenBudget: -1 } }, 'providerOptions.thinking.tokenBudget'],
      [{ stop_sequences: ['END'] }, 'providerOptions.stop_sequences'],
      [{ p: 2 }, 'providerOptions.p'],
      [{ seed: 1.5 }, 'providerOptions.seed'],
    ];
    for (const [providerOptions, field] of cases) {
      await expect(
        client.generate({
          model: 'command-a-reasoning-08-2025',
          messages,
          providerOptions: providerOptions as never,
        }),
        field,
      ).rejects.toMatchObject({ kind: 'config', field });
    }
    expect(server.requests).toHaveLength(0);
  });

  it('ends the run with a ProviderError when message-end says ERROR, keeping the text received', async () => {
    server.enqueue({
      format: 'cohere',
      chunks: [
        { id: 'msg-2', type: 'message-start', delta: { message: { role: 'assistant' } } },
        content('text', 'Paris is'),
        {
          type: 'message-end',
          delta: {
            finish_reason: 'ERROR',
            error: 'internal server error, this has been reported to our developers',
            usage: { billed_units: { input_tokens: 8, output_tokens: 2 } },
          },
        },
      ],
    });
    const client = createClient({ provider: cohere({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'command-a-03-2025', messages });
    expect(result.outcome).toBe('error');
    const error = result.error as ProviderError;
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'cohere', status: undefined, retryable: true });
    expect(error.message).toContain('internal server error');
    expect(result.text).toBe('Paris is');
  });

  it('reads the { message } error body Cohere sends', async () => {
    server.enqueue({
      format: 'cohere',
      status: 401,
      headers: { 'x-debug-trace-id': 'trace-42' },
      body: { id: 'err-1', message: `invalid api token ${apiKey}` },
    });
    const client = createClient({ provider: cohere({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'command-r-plus', messages });
    const error = result.error as ProviderError;
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, retryable: false, requestId: 'trace-42' });
    expect(error.message).toContain('invalid api token');
    expect(error.message).not.toContain(apiKey);
  });
});
