import { syntheticChatChunks } from '@stopwise/replay';
import OpenAI from 'openai';
import {
  createClient,
  ProviderError,
  type StopPolicy,
  StreamError,
  type StreamPart,
  type TokenLogprob,
} from 'stopwise';
import { describe, expect, it } from 'vitest';
import { openai } from './openai-provider.js';
import { chatChunk, chatUsageChunk, lastRequest, socketClosedWithin, useWireServer } from './test-utils.js';

const wire = useWireServer();

function chatClient(settings: Parameters<typeof openai>[0] = {}) {
  return createClient({
    provider: openai({ apiKey: 'sk-test-chat', baseURL: wire.baseURL, maxRetries: 0, ...settings }),
  });
}

const hello = [
  chatChunk({ role: 'assistant', content: '' }),
  chatChunk({ content: 'Hello' }),
  chatChunk({}, { finish_reason: 'stop' }),
  chatUsageChunk(5, 1),
];

describe('chat request mapping', () => {
  it('sends a streaming request with usage, the call options and the provider options', async () => {
    wire.server.enqueue({ format: 'openai-chat', chunks: hello });
    const result = await chatClient({ headers: { 'x-team': 'search' } }).generate({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      maxOutputTokens: 64,
      temperature: 0.3,
      user: 'user-42',
      logprobs: true,
      providerOptions: {
        topP: 0.9,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        topLogprobs: 3,
        reasoningEffort: 'low',
        serviceTier: 'flex',
        stop: ['END'],
        extraBody: { top_k: 20, chat_template_kwargs: { enable_thinking: false } },
      },
    });
    expect(result.outcome).toBe('finish');
    const request = lastRequest(wire.server);
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test-chat');
    expect(request.headers['x-team']).toBe('search');
    expect(request.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      // A compatible server (baseURL set): max_tokens, which they all understand.
      max_tokens: 64,
      temperature: 0.3,
      user: 'user-42',
      logprobs: true,
      top_logprobs: 3,
      top_p: 0.9,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: 'low',
      service_tier: 'flex',
      stop: ['END'],
      top_k: 20,
      chat_template_kwargs: { enable_thinking: false },
    });
  });

  it('leaves out everything the call did not ask for', async () => {
    wire.server.enqueue({ format: 'openai-chat', chunks: hello });
    await chatClient().generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(lastRequest(wire.server).body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("uses max_completion_tokens for OpenAI's own API", async () => {
    // A caller's client aimed at api.openai.com, its fetch rerouted to the loopback server.
    const client = new OpenAI({
      apiKey: 'sk-test-own',
      baseURL: 'https://api.openai.com/v1',
      maxRetries: 0,
      fetch: (url, init) => fetch(String(url).replace('https://api.openai.com', wire.server.url), init),
    });
    wire.server.enqueue({ format: 'openai-chat', chunks: hello });
    const run = createClient({ provider: openai({ client, headers: { 'x-per-request': 'yes' } }) });
    const result = await run.generate({
      model: 'o4-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      maxOutputTokens: 50,
    });
    expect(result.text).toBe('Hello');
    const request = lastRequest(wire.server);
    expect(request.body).toMatchObject({ max_completion_tokens: 50 });
    expect(request.body).not.toHaveProperty('max_tokens');
    expect(request.headers['x-per-request']).toBe('yes');
  });

  it('takes maxTokensParam to override the choice', async () => {
    wire.server.enqueue({ format: 'openai-chat', chunks: hello });
    await chatClient({ maxTokensParam: 'max_completion_tokens' }).generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      maxOutputTokens: 9,
    });
    expect(lastRequest(wire.server).body).toMatchObject({ max_completion_tokens: 9 });
  });
});

describe('chat stream mapping', () => {
  it('yields stream-start, metadata, deltas and one finish, in order', async () => {
    wire.server.enqueue({ format: 'openai-chat', chunks: hello });
    const parts: StreamPart[] = [];
    for await (const part of chatClient().stream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }))
      parts.push(part);
    expect(parts).toEqual([
      { type: 'stream-start' },
      { type: 'response-metadata', id: 'chatcmpl-test', model: 'gpt-4o-mini-2024-07-18' },
      { type: 'text-delta', delta: 'Hello' },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 5, outputTokens: 1, reasoningTokens: undefined },
      },
    ]);
  });

  it("takes the metadata from the first chunk that names the response (Azure's first names none)", async () => {
    // Azure OpenAI opens with its prompt filter results: no choices, empty id and model.
    const promptFilter = {
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    };
    wire.server.enqueue({ format: 'openai-chat', chunks: [promptFilter, ...hello] });
    const parts: StreamPart[] = [];
    for await (const part of chatClient().stream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }))
      parts.push(part);
    expect(parts.filter((part) => part.type === 'response-metadata')).toEqual([
      { type: 'response-metadata', id: 'chatcmpl-test', model: 'gpt-4o-mini-2024-07-18' },
    ]);
  });

  it('reads `reasoning` (vLLM, OpenRouter) as reasoning, once when both fields carry it', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: [
        chatChunk({ role: 'assistant', reasoning: 'Think' }),
        chatChunk({ reasoning: ' hard', reasoning_content: ' hard' }),
        chatChunk({ content: 'Done' }),
        chatChunk({}, { finish_reason: 'stop' }),
      ],
    });
    const result = await chatClient().generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.reasoning).toBe('Think hard');
    expect(result.text).toBe('Done');
  });

  describe('reasoning inline in the text (<think>, as R1-style models send it without a parser)', () => {
    // The thinking states an answer, then doubts it: "the answer is" inside the thinking must not
    // end the call the way it ends an answer.
    const doubt = 'Wait, let me check that once more. '.repeat(8);
    const thinking = ['<th', 'ink>\nSo the answer is 41.', `\n\n${doubt}`, '6 x 7 is 42.\n</thi', 'nk>\n\n'];
    const answer = ['The answer is 42.', ` ${'Six sevens make forty-two, as the table says. '.repeat(8)}`];
    const chunks = [
      chatChunk({ role: 'assistant', content: '' }),
      ...[...thinking, ...answer].map((content) => chatChunk({ content })),
      chatChunk({}, { finish_reason: 'stop' }),
      chatUsageChunk(9, 40),
    ];
    const ask = (settings: Parameters<typeof openai>[0] = {}) => {
      wire.server.enqueue({ format: 'openai-chat', chunks });
      return chatClient(settings).generate({
        model: 'deepseek-r1-distill-qwen-7b',
        messages: [{ role: 'user', content: 'What is 6 x 7?' }],
        policy: { profile: 'balanced' },
      });
    };

    it('streams the thinking as reasoning, so an answer stated while thinking does not stop it', async () => {
      const result = await ask();
      expect(result.reasoning).toBe(`So the answer is 41.\n\n${doubt}6 x 7 is 42.\n`);
      // balanced stops after the answer's own statement, not after the one in the thinking.
      expect(result.outcome).toBe('policy-stop');
      expect(result.stop?.phase).toBe('answer');
      expect(result.text).toBe('The answer is 42.');
    });

    it('with reasoningTags: false, the tags are text and the first "answer is" ends the call', async () => {
      const result = await ask({ reasoningTags: false });
      expect(result.reasoning).toBeUndefined();
      expect(result.outcome).toBe('policy-stop');
      expect(result.text).toBe('<think>\nSo the answer is 41.');
    });

    it('refuses a misnamed tag option before any request', () => {
      expect(() =>
        openai({ apiKey: 'k', reasoningTags: { open: '<think>', end: '</think>' } as never }),
      ).toThrow(/reasoningTags\.end/);
    });
  });

  it('reports unknown usage when the server sends none', async () => {
    wire.server.enqueue({ format: 'openai-chat', chunks: hello.slice(0, 3) });
    const parts: StreamPart[] = [];
    const run = chatClient().stream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    for await (const part of run) parts.push(part);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: undefined, outputTokens: undefined },
    });
    expect((await run.result).usage.source).toBe('estimated');
  });

  it('yields logprobs just before the text they describe, when asked', async () => {
    const lp = (token: string, logprob: number) => ({
      content: [
        {
          token,
          logprob,
          bytes: [1],
          top_logprobs: [
            { token, logprob, bytes: [1] },
            { token: 'x', logprob: -3, bytes: [120] },
          ],
        },
      ],
      refusal: null,
    });
    const chunks = [
      chatChunk({ role: 'assistant', content: '' }),
      chatChunk({ content: 'Yes' }, { logprobs: lp('Yes', -0.01) }),
      chatChunk({ content: '.' }, { logprobs: lp('.', -0.5) }),
      chatChunk({}, { finish_reason: 'stop' }),
    ];
    const seen: Array<readonly TokenLogprob[] | undefined> = [];
    const probe: StopPolicy = { name: 'probe', step: (view) => void seen.push(view.logprobs) };
    wire.server.enqueue({ format: 'openai-chat', chunks });
    const parts: StreamPart[] = [];
    const run = chatClient().stream({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      logprobs: true,
      policy: { policies: [probe] },
    });
    for await (const part of run) parts.push(part);
    const types = parts.map((part) => part.type);
    expect(types).toEqual([
      'stream-start',
      'response-metadata',
      'logprobs',
      'text-delta',
      'logprobs',
      'text-delta',
      'finish',
    ]);
    expect(parts[2]).toEqual({
      type: 'logprobs',
      tokens: [
        {
          token: 'Yes',
          logprob: -0.01,
          topLogprobs: [
            { token: 'Yes', logprob: -0.01 },
            { token: 'x', logprob: -3 },
          ],
        },
      ],
    });
    // The runner hands each delta's logprobs to the policies with that delta.
    expect(seen.map((tokens) => tokens?.[0]?.token)).toEqual(['Yes', '.']);

    // Not asked: no logprobs parts, even when the server sends them.
    wire.server.enqueue({ format: 'openai-chat', chunks });
    const quiet: StreamPart[] = [];
    for await (const part of chatClient().stream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }))
      quiet.push(part);
    expect(quiet.some((part) => part.type === 'logprobs')).toBe(false);
  });
});

describe('aborting a chat stream', () => {
  it('a policy stop closes the HTTP connection within two chunks', async () => {
    const words = Array.from({ length: 300 }, (_, index) => (index === 100 ? ' HALT' : ` w${index}`));
    const chunks = syntheticChatChunks({ deltas: words, usage: { promptTokens: 10, completionTokens: 300 } });
    // syntheticChatChunks puts a role chunk first: the delta at index 100 is chunk 101.
    const decisive = chunks.findIndex((chunk) => JSON.stringify(chunk).includes('HALT'));
    expect(decisive).toBe(101);
    wire.server.enqueue({ format: 'openai-chat', chunks, paceMs: 5 });
    const result = await chatClient().generate({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Go' }],
      policy: { stopOn: ['HALT'] },
    });
    expect(result.outcome).toBe('policy-stop');
    // stopOn cuts just before the match: the delta ' HALT' keeps its leading space.
    expect(result.text).toBe(`${words.slice(0, 100).join('')} `);
    const record = lastRequest(wire.server);
    expect(await socketClosedWithin(record, 2000)).toBe(true);
    expect(record.clientClosed).toBe(true);
    expect(record.chunksWritten - (decisive + 1)).toBeLessThanOrEqual(2);
    expect(record.chunksWritten).toBeLessThan(chunks.length);
  });

  it("the caller's abort mid-stream ends with outcome abort and keeps the text so far", async () => {
    const words = Array.from({ length: 200 }, (_, index) => ` w${index}`);
    wire.server.enqueue({ format: 'openai-chat', chunks: syntheticChatChunks({ deltas: words }), paceMs: 5 });
    const controller = new AbortController();
    const run = chatClient().stream({
      model: 'm',
      messages: [{ role: 'user', content: 'Go' }],
      signal: controller.signal,
    });
    const received: string[] = [];
    const types: string[] = [];
    for await (const part of run) {
      types.push(part.type);
      if (part.type === 'text-delta') received.push(part.delta);
      if (received.length === 20) controller.abort(new Error('user left'));
    }
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(types.at(-1)).toBe('abort');
    expect(result.text).toBe(words.slice(0, 20).join(''));
    const record = lastRequest(wire.server);
    expect(await socketClosedWithin(record, 2000)).toBe(true);
    expect(record.chunksWritten).toBeLessThan(60);
  });
  it('an abort while the server is silent closes the connection at once, not at the next chunk', async () => {
    // One chunk every 1.5 s: only the signal handed to the SDK can close the socket in between.
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas: [' a', ' b', ' c'] }),
      // Paced far apart: a loaded machine's delays never pass for waiting on the stream.
      paceMs: 5000,
    });
    const controller = new AbortController();
    const run = chatClient().stream({
      model: 'm',
      messages: [{ role: 'user', content: 'Go' }],
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('user left')), 100);
    const started = performance.now();
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(performance.now() - started).toBeLessThan(4_000);
    const record = lastRequest(wire.server);
    expect(await socketClosedWithin(record, 500)).toBe(true);
    expect(record.chunksWritten).toBe(1);
  });
});

describe('chat stream failures', () => {
  it('an error object inside the stream becomes a ProviderError, keeping the text so far', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      headers: { 'x-request-id': 'req_stream_1' },
      chunks: [
        chatChunk({ content: 'Part' }),
        { error: { message: 'The server had an error', type: 'server_error', code: null } },
      ],
    });
    const result = await chatClient().generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.outcome).toBe('error');
    expect(result.text).toBe('Part');
    const error = result.error as ProviderError;
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      status: undefined,
      code: 'server_error',
      retryable: true,
      requestId: 'req_stream_1',
    });
    expect(error.message).toBe('openai: The server had an error');
  });

  it('a stream that ends without finish_reason is a StreamError', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: [chatChunk({ content: 'Cut' })],
      omitTrailer: true,
    });
    const result = await chatClient().generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.outcome).toBe('error');
    expect(StreamError.isInstance(result.error)).toBe(true);
    expect(result.text).toBe('Cut');
  });

  it('a connection dropped mid-stream is a retryable ProviderError without status', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: [chatChunk({ content: 'A' }), chatChunk({ content: 'B' })],
      rawAt: { 1: null },
      paceMs: 30,
    });
    const result = await chatClient().generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatchObject({
      kind: 'provider',
      status: undefined,
      code: 'connection_error',
      retryable: true,
    });
    expect(result.text).toBe('A');
  });

  it('a chunk that is not JSON is a StreamError', async () => {
    const logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
    const client = new OpenAI({ apiKey: 'sk-test-json', baseURL: wire.baseURL, maxRetries: 0, logger });
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: [chatChunk({ content: 'A' }), {}],
      rawAt: { 1: 'data: {"choices": [\n\n' },
    });
    const result = await createClient({ provider: openai({ client }) }).generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(StreamError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toMatch(/not JSON/);
  });
});
