import { createWireServer, loadWireFixture, type WireServer } from '@stopwise/replay';
import { createClient, ProviderError, StreamError } from 'stopwise';
import { gemini, geminiUsage, mapGeminiFinishReason } from 'stopwise/sse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const apiKey = 'AIzaSyTEST_abcdefghijklmnopqrstuvwxyz012';
const messages = [
  { role: 'system' as const, content: 'Answer briefly.' },
  { role: 'user' as const, content: 'How many r are in strawberry?' },
  { role: 'assistant' as const, content: 'Let me count.' },
  { role: 'user' as const, content: 'Go on.' },
];

interface GeminiFixtureChunk {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; thought?: boolean }> };
    finishReason?: string;
  }>;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number };
  responseId?: string;
  modelVersion?: string;
}

/** What the recording says, computed straight from its JSON. */
function expectedFrom(chunks: GeminiFixtureChunk[]) {
  const parts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
  const text = parts
    .filter((part) => part.thought !== true)
    .map((part) => part.text ?? '')
    .join('');
  const reasoning = parts
    .filter((part) => part.thought === true)
    .map((part) => part.text ?? '')
    .join('');
  const usage = chunks.findLast((chunk) => chunk.usageMetadata)?.usageMetadata ?? {};
  const finishReason = chunks.findLast((chunk) => chunk.candidates?.[0]?.finishReason)?.candidates?.[0]
    ?.finishReason;
  return {
    text,
    reasoning: reasoning === '' ? undefined : reasoning,
    inputTokens: usage.promptTokenCount,
    outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    reasoningTokens: usage.thoughtsTokenCount,
    finishReason,
    responseId: chunks[0]?.responseId,
    model: chunks[0]?.modelVersion,
  };
}

let server: WireServer;
beforeEach(async () => {
  server = await createWireServer();
});
afterEach(async () => {
  await server.close();
});

describe('mapGeminiFinishReason', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content-filter'],
    ['RECITATION', 'content-filter'],
    ['BLOCKLIST', 'content-filter'],
    ['PROHIBITED_CONTENT', 'content-filter'],
    ['SPII', 'content-filter'],
    ['OTHER', 'other'],
    ['MALFORMED_FUNCTION_CALL', 'other'],
    ['FINISH_REASON_UNSPECIFIED', 'other'],
  ])('%s -> %s', (raw, unified) => {
    expect(mapGeminiFinishReason(raw)).toBe(unified);
  });
});

describe('geminiUsage', () => {
  it('counts thinking as output and reports it as reasoning', () => {
    expect(geminiUsage({ promptTokenCount: 9, candidatesTokenCount: 23, thoughtsTokenCount: 185 })).toEqual({
      inputTokens: 9,
      outputTokens: 208,
      reasoningTokens: 185,
    });
  });
  it('leaves out what the API did not report', () => {
    expect(geminiUsage({ promptTokenCount: 4 })).toEqual({
      inputTokens: 4,
      outputTokens: undefined,
      reasoningTokens: undefined,
    });
    expect(geminiUsage({ candidatesTokenCount: 3 }).outputTokens).toBe(3);
  });
});

describe('gemini() against recorded streams', () => {
  it.each(['google-google-text', 'google-google-reasoning'])('replays %s', async (name) => {
    const chunks = loadWireFixture(name) as GeminiFixtureChunk[];
    const expected = expectedFrom(chunks);
    server.enqueue({ format: 'gemini', chunks });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-3-pro-preview', messages });

    expect(result.outcome).toBe('finish');
    expect(result.text).toBe(expected.text);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.reasoning).toBe(expected.reasoning);
    expect(result.usage).toMatchObject({
      inputTokens: expected.inputTokens,
      outputTokens: expected.outputTokens,
      reasoningTokens: expected.reasoningTokens,
      source: 'provider',
      inputSource: 'provider',
    });
    expect(result.finishReason).toEqual({ unified: 'stop', raw: expected.finishReason });
    expect(result.responseId).toBe(expected.responseId);
    expect(result.model).toBe(expected.model);
  });

  it("keeps the provider's usage when a stop lands in the last chunk, which also holds finish and usage", async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [
        { candidates: [{ content: { parts: [{ text: 'There are 3 ' }] } }], modelVersion: 'gemini-x' },
        {
          candidates: [
            { content: { parts: [{ text: 'r in strawberry.\n\nMore text.' }] }, finishReason: 'STOP' },
          ],
          usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 12, thoughtsTokenCount: 3 },
        },
      ],
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-x', messages, policy: { stopOn: ['\n\n'] } });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('There are 3 r in strawberry.');
    expect(result.usage).toMatchObject({ inputTokens: 9, reasoningTokens: 3, source: 'provider' });
    // The whole output was generated before the stop: it saved nothing.
    expect(result.savings.tokensSaved).toBe(0);
    expect(result.savings.counterfactualTokens?.method).toBe('provider');
  });

  it('sends the key in a header, never in the URL, and maps the request body', async () => {
    server.enqueue({ format: 'gemini', chunks: loadWireFixture('google-google-text') });
    const client = createClient({
      provider: gemini({ apiKey, baseURL: `${server.url}/`, headers: { 'x-goog-user-project': 'demo' } }),
    });
    await client.generate({
      model: 'gemini-3-pro-preview',
      messages,
      maxOutputTokens: 256,
      temperature: 0.3,
      providerOptions: { includeThoughts: true, thinkingBudget: 128, stopSequences: ['END'] },
    });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
    expect(request?.path).not.toContain(apiKey);
    expect(request?.headers['x-goog-api-key']).toBe(apiKey);
    expect(request?.headers['x-goog-user-project']).toBe('demo');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('text/event-stream');
    expect(request?.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'How many r are in strawberry?' }] },
        { role: 'model', parts: [{ text: 'Let me count.' }] },
        { role: 'user', parts: [{ text: 'Go on.' }] },
      ],
      systemInstruction: { parts: [{ text: 'Answer briefly.' }] },
      generationConfig: {
        maxOutputTokens: 256,
        temperature: 0.3,
        stopSequences: ['END'],
        thinkingConfig: { includeThoughts: true, thinkingBudget: 128 },
      },
    });
  });

  it('leaves out empty sections of the body', async () => {
    server.enqueue({ format: 'gemini', chunks: loadWireFixture('google-google-text') });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    await client.generate({ model: 'models/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(request?.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });
});

describe('gemini() on synthetic streams', () => {
  const usageMetadata = { promptTokenCount: 5, candidatesTokenCount: 4, thoughtsTokenCount: 6 };

  it('streams thought parts as reasoning and the rest as the answer', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [
        { candidates: [{ content: { role: 'model', parts: [{ text: 'Count the r: ', thought: true }] } }] },
        { candidates: [{ content: { role: 'model', parts: [{ text: 'three.', thought: true }] } }] },
        { candidates: [{ content: { role: 'model', parts: [{ text: 'There are 3.' }] } }] },
        {
          candidates: [
            { content: { role: 'model', parts: [{ text: ' Done' }] }, finishReason: 'MAX_TOKENS' },
          ],
          usageMetadata,
        },
      ],
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const run = client.stream({
      model: 'gemini-2.5-flash',
      messages,
      providerOptions: { includeThoughts: true },
    });
    const types: string[] = [];
    for await (const part of run) types.push(part.type);
    const result = await run.result;
    expect(result.reasoning).toBe('Count the r: three.');
    expect(result.text).toBe('There are 3. Done');
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
    expect(result.usage).toMatchObject({ inputTokens: 5, outputTokens: 10, reasoningTokens: 6 });
    expect(types.at(0)).toBe('stream-start');
    expect(types.at(-1)).toBe('finish');
    expect(types.filter((type) => type === 'reasoning-delta')).toHaveLength(2);
  });

  it('reports a blocked prompt as a content-filter finish', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [
        { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7 } },
      ],
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('');
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'PROHIBITED_CONTENT' });
  });

  it('ends with a StreamError when the stream closes without a finishReason', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [{ candidates: [{ content: { parts: [{ text: 'Half an ans' }] } }] }],
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    expect(StreamError.isInstance(result.error)).toBe(true);
    expect(result.text).toBe('Half an ans');
  });

  it('turns an error object in the stream into a ProviderError', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [
        { candidates: [{ content: { parts: [{ text: 'Partial' }] } }] },
        { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
      ],
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    const error = result.error as ProviderError;
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, code: 'UNAVAILABLE', retryable: true });
    expect(error.message).toContain('The model is overloaded.');
    expect(result.text).toBe('Partial');
  });

  it('reads RetryInfo.retryDelay when no retry-after header came', async () => {
    server.enqueue({
      format: 'gemini',
      status: 429,
      body: {
        error: {
          code: 429,
          message: 'Quota exceeded.',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
        },
      },
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.error).toMatchObject({
      status: 429,
      code: 'RESOURCE_EXHAUSTED',
      retryAfterMs: 37_000,
      retryable: true,
    });
  });

  it('refuses misspelt and mistyped provider options at the call, naming each, before any request', async () => {
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ stopSequences: 'END' }, 'providerOptions.stopSequences'],
      [{ includeThought: true }, 'providerOptions.includeThought'],
      [{ topK: 'high' }, 'providerOptions.topK'],
      [{ topP: 2 }, 'providerOptions.topP'],
      [{ thinkingLevel: 3 }, 'providerOptions.thinkingLevel'],
      [{ safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT' }] }, 'providerOptions.safetySettings'],
    ];
    for (const [providerOptions, field] of cases) {
      await expect(
        client.generate({ model: 'gemini-2.5-flash', messages, providerOptions: providerOptions as never }),
        field,
      ).rejects.toMatchObject({ kind: 'config', field });
    }
    await expect(
      client.generate({
        model: 'gemini-2.5-flash',
        messages,
        providerOptions: { includeThought: true } as never,
      }),
    ).rejects.toThrow(/did you mean `includeThoughts`/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a misspelt setting, which would send the key to the default host', () => {
    expect(() => gemini({ apiKey, baseUrl: server.url } as never)).toThrow(
      /Invalid `baseUrl`.*did you mean `baseURL`/,
    );
  });

  it('reads an error event wrapped in an array, and redacts the key an error echoes', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [
        { candidates: [{ content: { parts: [{ text: 'Partial' }] } }] },
        [{ error: { code: 500, message: `Internal error for key ${apiKey}`, status: 'INTERNAL' } }],
      ],
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatchObject({ status: 500, code: 'INTERNAL', retryable: true });
    expect(result.error?.message).toContain('Internal error for key [redacted]');
    expect(result.error?.message).not.toContain(apiKey);
    expect(result.text).toBe('Partial');
  });

  it('redacts a key of any shape that an error event echoes, not only AIza... keys', async () => {
    // A proxy's own key is sent in the same header but has no recognisable shape: only the list of
    // credentials the request carried can scrub it.
    const proxyKey = 'proxy-key-0123456789abcdef';
    server.enqueue({
      format: 'gemini',
      chunks: [
        { error: { code: 403, message: `API key not valid: ${proxyKey}`, status: 'PERMISSION_DENIED' } },
      ],
    });
    const client = createClient({ provider: gemini({ apiKey: proxyKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.error).toMatchObject({ kind: 'provider', status: 403, code: 'PERMISSION_DENIED' });
    expect(result.error?.message).toContain('API key not valid: [redacted]');
    expect(result.error?.message).not.toContain(proxyKey);
  });

  it('reports usage that comes in a chunk of its own after the finishReason chunk', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [
        { candidates: [{ content: { parts: [{ text: 'Three' }] } }] },
        { candidates: [{ content: { parts: [{ text: '.' }] }, finishReason: 'STOP' }] },
        { usageMetadata },
      ],
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('Three.');
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(result.usage).toMatchObject({ inputTokens: 5, outputTokens: 10, source: 'provider' });

    // With no usage at all, the stream's close still finishes it.
    server.enqueue({
      format: 'gemini',
      chunks: [{ candidates: [{ content: { parts: [{ text: 'Done.' }] }, finishReason: 'STOP' }] }],
    });
    const bare = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(bare.outcome).toBe('finish');
    expect(bare.text).toBe('Done.');
  });
});
