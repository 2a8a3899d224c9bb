import { setTimeout as delay } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import { createWireServer, loadWireFixture, type WireServer } from '@stopwise/replay';
import { createClient, ProviderError, StreamError } from 'stopwise';
import { tokenCounterFor } from 'stopwise/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropic } from './index.js';

const apiKey = 'sk-ant-test-key-0000000000';
const model = 'claude-test';
let server: WireServer;

beforeAll(async () => {
  server = await createWireServer();
});
afterAll(async () => {
  await server.close();
});

function clientFor(url: string) {
  // A quiet SDK logger: the malformed-chunk test makes the SDK log the bad line.
  const sdk = new Anthropic({ apiKey, baseURL: url, maxRetries: 0, logLevel: 'off' });
  return createClient({ provider: anthropic({ client: sdk }) });
}

const messageStart = {
  type: 'message_start',
  message: {
    id: 'msg_synthetic',
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 1 },
  },
};
const textDelta = (text: string) => ({
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text },
});

/** message_start, content_block_start, the deltas, content_block_stop, message_delta, message_stop. */
function syntheticStream(deltas: readonly string[]): unknown[] {
  return [
    messageStart,
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ...deltas.map(textDelta),
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 300 },
    },
    { type: 'message_stop' },
  ];
}

function socketClosedWithin(record: { socketClosed: Promise<void> }, ms: number): Promise<boolean> {
  return Promise.race([record.socketClosed.then(() => true), delay(ms).then(() => false)]);
}

describe('a stop closes the connection', () => {
  it('stopOn at delta 100 of a 295-delta stream: the server writes at most 2 chunks more, the socket closes', async () => {
    const stopAt = 100;
    const deltas = Array.from({ length: 295 }, (_, index) => (index === stopAt ? ' halt' : ' go'));
    const chunks = syntheticStream(deltas);
    expect(chunks).toHaveLength(300);
    const decisionChunk = 2 + stopAt; // index of the chunk carrying the stop word
    server.enqueue({ format: 'anthropic', chunks, paceMs: 5 });

    const result = await clientFor(server.url).generate({
      model,
      messages: [{ role: 'user', content: 'Say go many times.' }],
      policy: { stopOn: ['halt'] },
    });

    const record = server.requests.at(-1);
    if (!record) throw new Error('no request recorded');
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe(`${' go'.repeat(stopAt)} `);
    expect(await socketClosedWithin(record, 2000)).toBe(true);
    expect(record.clientClosed).toBe(true);
    expect(record.chunksWritten).toBeGreaterThan(decisionChunk);
    expect(record.chunksWritten).toBeLessThanOrEqual(decisionChunk + 1 + 2);
    // After a stop the provider's usage never arrives: output is counted from what was received.
    const counter = tokenCounterFor(model);
    const received = deltas.slice(0, stopAt + 1).reduce((sum, delta) => sum + counter.count(delta), 0);
    expect(result.usage.source).toBe('estimated');
    expect(result.usage.outputTokens).toBe(received);
    expect(result.usage.inputTokens).toBe(12);
  });

  it("the caller's abort mid-stream ends with outcome abort, keeps the text so far and closes the socket", async () => {
    const deltas = Array.from({ length: 100 }, (_, index) => ` w${index}`);
    server.enqueue({ format: 'anthropic', chunks: syntheticStream(deltas), paceMs: 5 });
    const controller = new AbortController();
    const run = clientFor(server.url).stream({
      model,
      messages: [{ role: 'user', content: 'Count.' }],
      signal: controller.signal,
    });
    let seen = '';
    let count = 0;
    for await (const part of run) {
      if (part.type !== 'text-delta') continue;
      seen += part.delta;
      count += 1;
      if (count === 10) controller.abort(new Error('user left'));
    }
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(result.text).toBe(seen);
    expect(result.text).toBe(deltas.slice(0, 10).join(''));
    const record = server.requests.at(-1);
    if (!record) throw new Error('no request recorded');
    expect(await socketClosedWithin(record, 2000)).toBe(true);
    expect(record.clientClosed).toBe(true);
    expect(record.chunksWritten).toBeLessThan(20);
  });
});

describe('a consumer that drives the provider itself', () => {
  // Without the runner nobody aborts the signal: closing the iterator must close the request on
  // its own, also before the first event was read (the SSE reader had not started yet).
  it.each([
    ['while the request is opening', 0],
    ['after reading only stream-start', 1],
  ])('closing it %s closes the connection', async (_label, reads) => {
    const deltas = Array.from({ length: 200 }, (_, index) => ` w${index}`);
    server.enqueue({ format: 'anthropic', chunks: syntheticStream(deltas), paceMs: 5 });
    const provider = anthropic({ apiKey, baseURL: server.url, maxRetries: 0 });
    const iterator = provider
      .stream({
        model,
        messages: [{ role: 'user', content: 'Count.' }],
        signal: new AbortController().signal,
      })
      [Symbol.asyncIterator]();
    const first = iterator.next();
    if (reads > 0) expect(await first).toEqual({ done: false, value: { type: 'stream-start' } });
    await iterator.return?.();
    await first;
    const record = server.requests.at(-1);
    if (!record) throw new Error('no request recorded');
    expect(await socketClosedWithin(record, 2000)).toBe(true);
    expect(record.clientClosed).toBe(true);
    expect(record.chunksWritten).toBeLessThan(100);
  });
});

describe('a slow consumer', () => {
  // A consumer that pauses after stream-start must still get every event. (The SDK's
  // MessageStream, which an earlier adapter used, dropped the events emitted before its iterator
  // existed.)
  it('that pauses after stream-start still gets every delta and the finish', { timeout: 5000 }, async () => {
    const chunks = loadWireFixture('anthropic-anthropic-text') as Array<{ delta?: { text?: string } }>;
    const expected = chunks.map((chunk) => chunk.delta?.text ?? '').join('');
    server.enqueue({ format: 'anthropic', chunks });
    const run = clientFor(server.url).stream({ model, messages: [{ role: 'user', content: 'Hi' }] });
    let text = '';
    for await (const part of run) {
      if (part.type === 'stream-start') await delay(100);
      if (part.type === 'text-delta') text += part.delta;
    }
    const result = await run.result;
    expect(result.outcome).toBe('finish');
    expect(text).toBe(expected);
    expect(result.usage.source).toBe('provider');
  });
});

describe('failures mid-stream', () => {
  const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
  const firstDeltas = ['Hello', ', wor', 'ld'];

  // With a slow consumer the error arrives while no read is pending; it must still be reported.
  // (The SDK's MessageStream iterator, which an earlier adapter used, then ended quietly.)
  it.each([0, 25])(
    'an overloaded_error event after 3 deltas (consumer delay %i ms) ends in error with the text kept',
    async (consumerDelayMs) => {
      const chunks = [
        messageStart,
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ...firstDeltas.map(textDelta),
        overloaded,
      ];
      server.enqueue({ format: 'anthropic', chunks, headers: { 'request-id': 'req_overloaded' } });
      const run = clientFor(server.url).stream({ model, messages: [{ role: 'user', content: 'Hi' }] });
      const streamed: string[] = [];
      for await (const part of run) {
        if (part.type === 'text-delta') streamed.push(part.delta);
        if (consumerDelayMs > 0) await delay(consumerDelayMs);
      }
      const result = await run.result;
      expect(result.outcome).toBe('error');
      expect(streamed).toEqual(firstDeltas);
      expect(result.text).toBe(firstDeltas.join(''));
      const error = result.error;
      expect(ProviderError.isInstance(error)).toBe(true);
      if (!ProviderError.isInstance(error)) return;
      expect(error.code).toBe('overloaded_error');
      expect(error.retryable).toBe(true);
      expect(error.status).toBeUndefined();
      expect(error.requestId).toBe('req_overloaded');
      expect(error.message).toBe('anthropic: Overloaded');
    },
  );

  it('a non-retryable error event (invalid_request_error) is not retryable', async () => {
    const chunks = [
      messageStart,
      { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } },
    ];
    server.enqueue({ format: 'anthropic', chunks });
    const result = await clientFor(server.url).generate({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(ProviderError.isInstance(result.error) && result.error.retryable).toBe(false);
    expect(ProviderError.isInstance(result.error) && result.error.code).toBe('invalid_request_error');
  });

  it('an error payload under another event name keeps the request id and is scrubbed of the key', async () => {
    // A proxy that renamed the event: the data still says `type: error`.
    const plainKey = 'plain-secret-value-42';
    const renamed = {
      type: 'error',
      error: { type: 'invalid_request_error', message: `key ${plainKey} may not do this` },
    };
    const chunks = [messageStart, ...syntheticStream(['one']).slice(1, 3), renamed];
    server.enqueue({
      format: 'anthropic',
      chunks,
      rawAt: { 3: `event: message_delta\ndata: ${JSON.stringify(renamed)}\n\n` },
      headers: { 'request-id': 'req_renamed' },
    });
    const sdk = new Anthropic({ apiKey: plainKey, baseURL: server.url, maxRetries: 0, logLevel: 'off' });
    const result = await createClient({ provider: anthropic({ client: sdk }) }).generate({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(result.text).toBe('one');
    expect(result.error).toMatchObject({
      kind: 'provider',
      code: 'invalid_request_error',
      retryable: false,
      requestId: 'req_renamed',
      message: 'anthropic: key [redacted] may not do this',
    });
    expect(JSON.stringify(result)).not.toContain(plainKey);
  });

  it('a connection dropped mid-body is a retryable ProviderError without status, text kept', async () => {
    const chunks = syntheticStream(['one', ' two', ' three', ' four']);
    // Paced, so the chunks before the cut have left the server before it destroys the socket.
    server.enqueue({ format: 'anthropic', chunks, paceMs: 20, rawAt: { 4: null } });
    const result = await clientFor(server.url).generate({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(result.text).toBe('one two');
    const error = result.error;
    expect(ProviderError.isInstance(error)).toBe(true);
    if (!ProviderError.isInstance(error)) return;
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/terminated|closed/);
  });

  it('a chunk that is not JSON is a StreamError, text before it kept', async () => {
    const chunks = syntheticStream(['one', ' two', ' three']);
    server.enqueue({
      format: 'anthropic',
      chunks,
      rawAt: { 3: 'event: content_block_delta\ndata: {"type":"content_block_delta","delta":\n\n' },
    });
    const result = await clientFor(server.url).generate({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(result.text).toBe('one');
    expect(StreamError.isInstance(result.error)).toBe(true);
  });

  it('a stream that ends before message_stop is an error, not a finish', async () => {
    const chunks = syntheticStream(['one', ' two']).slice(0, -1);
    server.enqueue({ format: 'anthropic', chunks });
    const result = await clientFor(server.url).generate({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('error');
    expect(result.text).toBe('one two');
  });
});

describe('the usage the stream reports', () => {
  it('counts cache reads and writes as input and reports thinking tokens', async () => {
    const chunks = (loadWireFixture('anthropic-anthropic-text') as Array<{ type: string }>).map((chunk) =>
      chunk.type === 'message_delta'
        ? {
            ...chunk,
            usage: {
              input_tokens: 5,
              cache_creation_input_tokens: 100,
              cache_read_input_tokens: 1000,
              output_tokens: 30,
              output_tokens_details: { thinking_tokens: 7 },
            },
          }
        : chunk,
    );
    server.enqueue({ format: 'anthropic', chunks });
    const result = await clientFor(server.url).generate({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.usage).toMatchObject({
      inputTokens: 1105,
      outputTokens: 30,
      reasoningTokens: 7,
      source: 'provider',
    });
  });
});

describe('a second message_start in one stream', () => {
  const secondStart = (id: string) => ({ ...messageStart, message: { ...messageStart.message, id } });

  it('for another message: one StreamError, the text received before it kept, nothing merged', async () => {
    const first = syntheticStream(['Paris', ' is the capital.']);
    // The first message never ends; a second one starts mid-stream and completes.
    const chunks = [
      ...first.slice(0, 4),
      ...syntheticStream([' Rome is another.']).map((chunk) =>
        chunk === messageStart ? secondStart('msg_other') : chunk,
      ),
    ];
    server.enqueue({ format: 'anthropic', chunks });
    const parts: string[] = [];
    const run = clientFor(server.url).stream({ model, messages: [{ role: 'user', content: 'Capital?' }] });
    for await (const part of run) parts.push(part.type);
    const result = await run.result;
    expect(result.outcome).toBe('error');
    expect(StreamError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toMatch(/started message msg_other before message msg_synthetic ended/);
    expect(result.text).toBe('Paris is the capital.');
    expect(parts.filter((type) => type === 'response-metadata')).toHaveLength(1);
    expect(parts.filter((type) => type === 'error')).toHaveLength(1);
    expect(parts).not.toContain('finish');
  });

  it('repeating the same message id: ignored, the stream finishes normally', async () => {
    const chunks = syntheticStream(['Paris', ' is the capital.']);
    chunks.splice(2, 0, messageStart);
    server.enqueue({ format: 'anthropic', chunks });
    const result = await clientFor(server.url).generate({
      model,
      messages: [{ role: 'user', content: 'Capital?' }],
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('Paris is the capital.');
  });
});
