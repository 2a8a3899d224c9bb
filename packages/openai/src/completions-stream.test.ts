import { createClient } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { completionPrompt } from './completion-prompt.js';
import { openai } from './openai-provider.js';
import { lastRequest, useWireServer } from './test-utils.js';

const wire = useWireServer();

const chunk = (text: string, extra: Record<string, unknown> = {}) => ({
  id: 'cmpl-1',
  object: 'text_completion',
  created: 1770934485,
  model: 'gpt-3.5-turbo-instruct',
  choices: [{ text, index: 0, logprobs: null, finish_reason: null, ...extra }],
  usage: null,
});

describe('completionPrompt', () => {
  it('sends a lone user message verbatim', () => {
    expect(completionPrompt([{ role: 'user', content: 'Once upon a time' }])).toEqual({
      prompt: 'Once upon a time',
      stop: undefined,
    });
  });

  it('writes a transcript that ends with the assistant turn to write', () => {
    expect(
      completionPrompt([
        { role: 'system', content: 'You answer in French.' },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: 'Thanks' },
      ]),
    ).toEqual({
      prompt: 'You answer in French.\n\nUser: Hello\n\nAssistant: Bonjour\n\nUser: Thanks\n\nAssistant:',
      stop: ['\nUser:'],
    });
  });

  it('continues a final assistant message', () => {
    const { prompt } = completionPrompt([
      { role: 'user', content: 'Count' },
      { role: 'assistant', content: 'One, two,' },
    ]);
    expect(prompt).toBe('User: Count\n\nAssistant: One, two,');
  });
});

describe('completions stream', () => {
  it('maps the request and the text, logprobs and usage of the answer', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: [
        chunk('The', {
          logprobs: {
            tokens: ['The'],
            token_logprobs: [-0.2],
            top_logprobs: [{ The: -0.2, A: -1.9 }],
            text_offset: [0],
          },
        }),
        chunk(' end', { finish_reason: 'stop' }),
        { ...chunk(''), choices: [], usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 } },
      ],
    });
    const client = createClient({
      provider: openai({ apiKey: 'sk-test-cmpl', baseURL: wire.baseURL, api: 'completions', maxRetries: 0 }),
    });
    const parts = [];
    const run = client.stream({
      model: 'gpt-3.5-turbo-instruct',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Say it' },
      ],
      maxOutputTokens: 20,
      logprobs: true,
      providerOptions: { topLogprobs: 2, seed: 3 },
    });
    for await (const part of run) parts.push(part);
    const result = await run.result;
    expect(lastRequest(wire.server).body).toEqual({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Be terse.\n\nUser: Say it\n\nAssistant:',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 20,
      logprobs: 2,
      seed: 3,
      stop: ['\nUser:'],
    });
    expect(result.text).toBe('The end');
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(result.usage).toMatchObject({ inputTokens: 8, outputTokens: 2, source: 'provider' });
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'response-metadata',
      'logprobs',
      'text-delta',
      'text-delta',
      'finish',
    ]);
    expect(parts[2]).toEqual({
      type: 'logprobs',
      tokens: [
        {
          token: 'The',
          logprob: -0.2,
          topLogprobs: [
            { token: 'The', logprob: -0.2 },
            { token: 'A', logprob: -1.9 },
          ],
        },
      ],
    });
  });

  it("takes the metadata from the first chunk that names the response (Azure's first names none)", async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: [
        { id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [] },
        chunk('Done', { finish_reason: 'stop' }),
      ],
    });
    const client = createClient({
      provider: openai({ apiKey: 'sk-test-cmpl', baseURL: wire.baseURL, api: 'completions', maxRetries: 0 }),
    });
    const parts = [];
    for await (const part of client.stream({ model: 'm', messages: [{ role: 'user', content: 'Go' }] }))
      parts.push(part);
    expect(parts.filter((part) => part.type === 'response-metadata')).toEqual([
      { type: 'response-metadata', id: 'cmpl-1', model: 'gpt-3.5-turbo-instruct' },
    ]);
  });
});
