import { loadWireFixture, wireFixtureNames } from '@stopwise/replay';
import { createClient, ProviderError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { openai } from './openai-provider.js';
import type { OpenAIApi } from './settings.js';
import { lastRequest, useWireServer } from './test-utils.js';

// Every recorded OpenAI-style stream, replayed through the real `openai` SDK. Expectations are
// computed here from the raw recording, independently of the adapter's own mapping code.

// biome-ignore lint/suspicious/noExplicitAny: raw recorded JSON, read field by field as the expectation needs.
type Json = Record<string, any>;

interface Expected {
  text: string;
  reasoning: string | undefined;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}

const wire = useWireServer();

const names = wireFixtureNames().filter((name) => /^(openai-|deepseek-|openai-compatible-)/.test(name));

function apiOf(name: string): OpenAIApi {
  if (name.startsWith('openai-responses-')) return 'responses';
  if (name.startsWith('openai-completion-')) return 'completions';
  return 'chat';
}

function chatExpectation(chunks: Json[], api: 'chat' | 'completions'): Expected {
  let text = '';
  let reasoning = '';
  let usage: Json | undefined;
  for (const chunk of chunks) {
    const choice = chunk.choices?.[0];
    if (api === 'completions') text += choice?.text ?? '';
    else {
      text += choice?.delta?.content ?? '';
      reasoning += choice?.delta?.reasoning_content ?? choice?.delta?.reasoning ?? '';
    }
    if (chunk.usage) usage = chunk.usage;
  }
  const reasoningTokens = usage?.completion_tokens_details?.reasoning_tokens ?? 0;
  // xAI counts reasoning beside completion_tokens (total = prompt + completion + reasoning) and
  // bills it as output; everyone else counts it inside completion_tokens.
  const outside =
    usage &&
    reasoningTokens > 0 &&
    usage.total_tokens === usage.prompt_tokens + usage.completion_tokens + reasoningTokens;
  return {
    text,
    reasoning: reasoning === '' ? undefined : reasoning,
    inputTokens: usage?.prompt_tokens,
    outputTokens: usage ? usage.completion_tokens + (outside ? reasoningTokens : 0) : undefined,
  };
}

function responsesExpectation(events: Json[]): Expected {
  let text = '';
  let reasoning = '';
  let usage: Json | undefined;
  for (const event of events) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (
      event.type === 'response.reasoning_summary_text.delta' ||
      event.type === 'response.reasoning_text.delta'
    ) {
      reasoning += event.delta;
    }
    if (event.type === 'response.completed' || event.type === 'response.incomplete')
      usage = event.response.usage;
  }
  return {
    text,
    reasoning: reasoning === '' ? undefined : reasoning,
    inputTokens: usage?.input_tokens,
    outputTokens: usage?.output_tokens,
  };
}

/**
 * The recording `openai-responses-openai-reasoning-encrypted-content.1` holds the four responses of
 * a tool-calling loop back to back (four `response.created` ... `response.completed` runs). A real
 * server sends one of them per request, so the replay splits the recording after each
 * `response.completed` and serves each segment as the answer to its own request.
 */
function responseSegments(events: Json[]): Json[][] {
  const segments: Json[][] = [[]];
  for (const event of events) {
    segments.at(-1)?.push(event);
    if (event.type === 'response.completed' || event.type === 'response.incomplete') segments.push([]);
  }
  return segments.filter((segment) => segment.length > 0);
}

async function replay(name: string, api: OpenAIApi, chunks: readonly unknown[]) {
  wire.server.enqueue({ format: api === 'responses' ? 'openai-responses' : 'openai-chat', chunks });
  const client = createClient({
    provider: openai({ apiKey: 'sk-test-fixture', baseURL: wire.baseURL, api, maxRetries: 0 }),
  });
  return client.generate({
    model: 'replayed-model',
    messages: [{ role: 'user', content: `replay ${name}` }],
  });
}

describe('recorded OpenAI-style streams through the real SDK', () => {
  it('covers the expected recordings', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'openai-chat-openai-text',
        'openai-completion-openai-completion-text',
        'openai-responses-openai-error.1',
        'openai-responses-openai-reasoning-encrypted-content.1',
        'deepseek-chat-deepseek-reasoning',
        'deepseek-chat-deepseek-text',
        'openai-compatible-chat-xai-text',
      ]),
    );
  });

  for (const name of names) {
    const api = apiOf(name);
    const chunks = loadWireFixture(name) as Json[];
    const failing = chunks.some((chunk) => chunk.type === 'error' || chunk.type === 'response.failed');
    const segments = api === 'responses' && !failing ? responseSegments(chunks) : [chunks];

    segments.forEach((segment, index) => {
      const label = segments.length > 1 ? `${name} (response ${index + 1} of ${segments.length})` : name;
      it(`${label}: text, reasoning and usage match the recording`, async () => {
        const expected = api === 'responses' ? responsesExpectation(segment) : chatExpectation(segment, api);
        const result = await replay(name, api, segment);
        if (failing) {
          expect(result.outcome).toBe('error');
          expect(ProviderError.isInstance(result.error)).toBe(true);
          expect((result.error as ProviderError).code).toBe('insufficient_quota');
          expect((result.error as ProviderError).retryable).toBe(false);
          expect(result.error?.message).toContain('You exceeded your current quota');
          return;
        }
        expect(result.outcome).toBe('finish');
        expect(result.text).toBe(expected.text);
        expect(result.reasoning).toBe(expected.reasoning);
        if (expected.outputTokens !== undefined) {
          expect(result.usage).toMatchObject({
            inputTokens: expected.inputTokens,
            outputTokens: expected.outputTokens,
            source: 'provider',
            inputSource: 'provider',
          });
        }
        const path = {
          chat: '/v1/chat/completions',
          responses: '/v1/responses',
          completions: '/v1/completions',
        }[api];
        expect(lastRequest(wire.server).path).toBe(path);
      });
    });
  }

  it('ends a concatenated Responses recording at its first response.completed', async () => {
    // Served as one answer, the adapter must finish at the first response and close the stream.
    const name = 'openai-responses-openai-reasoning-encrypted-content.1';
    const chunks = loadWireFixture(name) as Json[];
    const first = responseSegments(chunks)[0] ?? [];
    const result = await replay(name, 'responses', chunks);
    expect(result.outcome).toBe('finish');
    expect(result.reasoning).toBe(responsesExpectation(first).reasoning);
    expect(result.text).toBe('');
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'completed' });
    expect(result.usage.outputTokens).toBe(28);
  });

  it('reads the finish reasons of the recordings', async () => {
    const deepseek = await replay('d', 'chat', loadWireFixture('deepseek-chat-deepseek-text'));
    expect(deepseek.finishReason).toEqual({ unified: 'length', raw: 'length' });
    const text = await replay('o', 'chat', loadWireFixture('openai-chat-openai-text'));
    expect(text.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(text.responseId).toBe('chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0');
    expect(text.model).toBe('gpt-4.1-nano-2025-04-14');
    const completion = await replay(
      'c',
      'completions',
      loadWireFixture('openai-completion-openai-completion-text'),
    );
    expect(completion.finishReason).toEqual({ unified: 'length', raw: 'length' });
  });
});
