import { setTimeout as delay } from 'node:timers/promises';
import { createWireServer, loadWireFixture, type WireRequestRecord, type WireServer } from '@stopwise/replay';
import { ConfigError, createClient, type ProviderStreamPart, StreamError } from 'stopwise';
import { createSseProvider, finishPart, gemini } from 'stopwise/sse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const apiKey = 'AIzaSyTEST_abcdefghijklmnopqrstuvwxyz012';
const messages = [{ role: 'user' as const, content: 'Tell me something.' }];

let server: WireServer;
beforeEach(async () => {
  server = await createWireServer();
});
afterEach(async () => {
  await server.close();
});

const geminiText = (text: string, finishReason?: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) }],
});

/** Resolves to `closed`, or to `timeout` if the socket is still open after `ms`. */
function closedWithin(record: WireRequestRecord, ms: number): Promise<'closed' | 'timeout'> {
  return Promise.race([
    record.socketClosed.then(() => 'closed' as const),
    delay(ms).then(() => 'timeout' as const),
  ]);
}

describe('createSseProvider with a custom mapping', () => {
  interface ChatChunk {
    choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
    usage?: { prompt_tokens: number; completion_tokens: number } | null;
  }

  const chatCompletions = (baseURL: string) =>
    createSseProvider<{ user?: string }>({
      name: 'chat-like',
      url: (request) => `${baseURL}/v1/chat/completions?model=${request.model}`,
      headers: (request) => ({ authorization: 'Bearer test-token-123456', 'x-user': request.user ?? 'none' }),
      body: (request) => ({ model: request.model, messages: request.messages, stream: true }),
      mapEvent: (event, state) => {
        // finish_reason and usage arrive in different chunks; [DONE] is the end.
        if (event.data === '[DONE]') return finishPart(state);
        const chunk = event.json() as ChatChunk;
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) {
          state.finishReason = {
            unified: choice.finish_reason === 'stop' ? 'stop' : 'other',
            raw: choice.finish_reason,
          };
        }
        if (chunk.usage) {
          state.usage = {
            inputTokens: chunk.usage.prompt_tokens,
            outputTokens: chunk.usage.completion_tokens,
          };
        }
        const content = choice?.delta?.content;
        return content ? { type: 'text-delta', delta: content } : undefined;
      },
    });

  it('replays a recorded OpenAI-style stream, collecting usage after the finish reason', async () => {
    const chunks = loadWireFixture('openai-chat-openai-text') as ChatChunk[];
    const expected = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');
    const usage = chunks.findLast((chunk) => chunk.usage)?.usage;
    server.enqueue({ format: 'openai-chat', chunks });
    const client = createClient({ provider: chatCompletions(server.url) });
    const result = await client.generate({ model: 'gpt-4.1-nano', messages, user: 'u-1' });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe(expected);
    expect(result.usage).toMatchObject({
      inputTokens: usage?.prompt_tokens,
      outputTokens: usage?.completion_tokens,
    });
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions?model=gpt-4.1-nano');
    expect(request?.headers['x-user']).toBe('u-1');
    expect(request?.body).toMatchObject({ model: 'gpt-4.1-nano', stream: true, messages });
  });

  it('runs the docs/sse.md example: a TGI /generate_stream mapping', async () => {
    interface TgiChunk {
      token: { text: string; special: boolean };
      details: { finish_reason: string; generated_tokens: number; input_length?: number } | null;
    }
    const tgi = createSseProvider({
      name: 'tgi',
      url: `${server.url}/generate_stream`,
      headers: { authorization: 'Bearer hf_testtoken123' },
      body: (request) => ({
        inputs: `${request.messages.map((m) => `${m.role}: ${m.content}`).join('\n')}\nassistant:`,
        parameters: {
          max_new_tokens: request.maxOutputTokens ?? 512,
          temperature: request.temperature,
          details: true,
        },
      }),
      mapEvent: (event, state) => {
        const chunk = event.json() as TgiChunk;
        const parts: ProviderStreamPart[] = [];
        if (!chunk.token.special) parts.push({ type: 'text-delta', delta: chunk.token.text });
        if (chunk.details) {
          const raw = chunk.details.finish_reason;
          state.finishReason = { unified: raw === 'length' ? 'length' : 'stop', raw };
          state.usage = {
            inputTokens: chunk.details.input_length,
            outputTokens: chunk.details.generated_tokens,
          };
          parts.push(finishPart(state));
        }
        return parts;
      },
    });
    const words = ['2', ',', ' 3', ',', ' 5', '\n\n', 'Also', ' 7'];
    const chunks = words.map((text, i) => ({
      index: i,
      token: { id: i, text, logprob: -0.1, special: false },
      generated_text: null,
      details: null,
    }));
    chunks.push({
      index: words.length,
      token: { id: 2, text: '</s>', logprob: 0, special: true },
      generated_text: null,
      details: { finish_reason: 'eos_token', generated_tokens: 9, input_length: 12 } as never,
    });
    server.enqueue({ format: 'openai-chat', chunks, omitTrailer: true });
    server.enqueue({ format: 'openai-chat', chunks, omitTrailer: true });
    const client = createClient({ provider: tgi });
    const call = {
      model: 'tgi',
      messages: [{ role: 'user' as const, content: 'List three primes, then stop.' }],
    };
    const stopped = await client.generate({ ...call, policy: { stopOn: ['\n\n'] } });
    expect(stopped.outcome).toBe('policy-stop');
    expect(stopped.text).toBe('2, 3, 5');
    const full = await client.generate({ ...call, maxOutputTokens: 64 });
    expect(full.outcome).toBe('finish');
    expect(full.text).toBe(words.join(''));
    expect(full.finishReason).toEqual({ unified: 'stop', raw: 'eos_token' });
    expect(full.usage).toMatchObject({ inputTokens: 12, outputTokens: 9 });
    expect(server.requests[1]?.body).toEqual({
      inputs: 'user: List three primes, then stop.\nassistant:',
      parameters: { max_new_tokens: 64, details: true },
    });
  });

  it('stops reading and closes the connection once the mapping emits finish', async () => {
    const tail = Array.from({ length: 60 }, (_, i) => ({ choices: [{ delta: { content: `late ${i}` } }] }));
    server.enqueue({
      format: 'openai-chat',
      paceMs: 5,
      chunks: [{ choices: [{ delta: { content: 'Done.' }, finish_reason: 'stop' }] }, ...tail],
      rawAt: { 1: 'data: [DONE]\n\n' },
    });
    const client = createClient({ provider: chatCompletions(server.url) });
    const stackTraceLimit = Error.stackTraceLimit;
    const result = await client.generate({ model: 'm', messages });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('Done.');
    const [record] = server.requests;
    if (!record) throw new Error('no request recorded');
    expect(await closedWithin(record, 2000)).toBe('closed');
    expect(record.chunksWritten).toBeLessThan(20);
    // The body is cancelled with stack traces off (see `cancelQuietly`), and they are back on.
    expect(Error.stackTraceLimit).toBe(stackTraceLimit);
  });

  it('reports a mapping that throws, or returns something that is not a part, as a StreamError', async () => {
    for (const mapEvent of [
      () => {
        throw new TypeError('cannot read x of undefined');
      },
      () => ({ type: 'text' }) as unknown as ProviderStreamPart,
    ]) {
      server.enqueue({ format: 'gemini', chunks: [geminiText('hi', 'STOP')] });
      const provider = createSseProvider({ name: 'broken', url: server.url, body: () => ({}), mapEvent });
      const result = await createClient({ provider }).generate({ model: 'm', messages });
      expect(result.outcome).toBe('error');
      expect(StreamError.isInstance(result.error)).toBe(true);
      expect(result.error?.message).toMatch(/broken: mapEvent (threw: cannot read x|returned)/);
    }
  });

  it('rejects incomplete settings with a ConfigError naming the field', () => {
    const base = { name: 'x', url: 'http://127.0.0.1:1', body: () => ({}), mapEvent: () => undefined };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, name: '' }, 'name'],
      [{ ...base, url: 42 }, 'url'],
      [{ ...base, body: { a: 1 } }, 'body'],
      [{ ...base, mapEvent: undefined }, 'mapEvent'],
      [{ ...base, headers: 'x' }, 'headers'],
      [{ ...base, onEnd: 'finish' }, 'onEnd'],
      [{ ...base, maxEventChars: 0 }, 'maxEventChars'],
      [{ ...base, mapErrors: () => undefined }, 'mapErrors'],
    ];
    for (const [settings, field] of cases) {
      let error: unknown;
      try {
        createSseProvider(settings as never);
      } catch (caught) {
        error = caught;
      }
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe(field);
    }
    expect(() => gemini({ apiKey: '' })).toThrow(/Invalid `apiKey`/);
    expect(() => gemini({ apiKey, baseURL: 'not a url' })).toThrow(/Invalid `baseURL`/);
  });
});

describe('abort', () => {
  const decisive = 20;
  const longStream = Array.from({ length: 200 }, (_, i) =>
    geminiText(i === decisive ? 'STOP here ' : `word${i} `),
  );

  it('a policy stop closes the connection within two chunks', async () => {
    server.enqueue({ format: 'gemini', chunks: longStream, paceMs: 5 });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({
      model: 'gemini-2.5-flash',
      messages,
      policy: { stopOn: ['STOP'] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe(Array.from({ length: decisive }, (_, i) => `word${i} `).join(''));
    const [record] = server.requests;
    if (!record) throw new Error('no request recorded');
    expect(await closedWithin(record, 2000)).toBe('closed');
    expect(record.clientClosed).toBe(true);
    // chunksWritten counts the decisive chunk itself (index 20 is the 21st write).
    expect(record.chunksWritten).toBeLessThanOrEqual(decisive + 1 + 2);
  });

  it('aborting the request signal alone closes the connection (no return() needed)', async () => {
    server.enqueue({ format: 'gemini', chunks: longStream, paceMs: 5 });
    const provider = gemini({ apiKey, baseURL: server.url });
    const controller = new AbortController();
    const iterator = provider
      .stream({ model: 'm', messages, signal: controller.signal })
      [Symbol.asyncIterator]();
    for (let i = 0; i < 4; i += 1) await iterator.next();
    controller.abort(new Error('stop'));
    const [record] = server.requests;
    if (!record) throw new Error('no request recorded');
    expect(await closedWithin(record, 2000)).toBe('closed');
    expect(record.chunksWritten).toBeLessThan(10);
    await expect(iterator.next()).rejects.toThrow();
  });

  it("the caller's signal ends the run with outcome abort and closes the connection", async () => {
    server.enqueue({ format: 'gemini', chunks: longStream, paceMs: 5 });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const controller = new AbortController();
    const run = client.stream({ model: 'gemini-2.5-flash', messages, signal: controller.signal });
    let deltas = 0;
    for await (const part of run) {
      if (part.type === 'text-delta' && ++deltas === 5) controller.abort(new Error('user left'));
    }
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    const [record] = server.requests;
    if (!record) throw new Error('no request recorded');
    expect(await closedWithin(record, 2000)).toBe('closed');
    expect(record.chunksWritten).toBeLessThan(15);
  });
});
