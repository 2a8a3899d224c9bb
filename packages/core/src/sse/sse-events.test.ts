import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createWireServer, type WireServer } from '@stopwise/replay';
import fc from 'fast-check';
import { createClient, type ProviderRequest, StreamError } from 'stopwise';
import { type GeminiProviderOptions, gemini, sseEventBatches } from 'stopwise/sse';
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

describe('broken streams', () => {
  it('a malformed JSON line ends the run with a StreamError quoting it, keeping the text before', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [geminiText('First. '), geminiText('Second. '), {}, geminiText('Never.', 'STOP')],
      rawAt: { 2: 'data: {"candidates": [{"content": {"parts": [{"text": "bro\n\n' },
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    expect(StreamError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toContain('invalid JSON in an SSE data line: {"candidates": [{"content"');
    expect(result.text).toBe('First. Second. ');
  });

  it('a JSON error body written raw mid-stream becomes a ProviderError with its message and code', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [geminiText('First. '), {}, geminiText('Never.', 'STOP')],
      rawAt: {
        1: '[{\n  "error": {\n    "code": 429,\n    "message": "Quota exceeded",\n    "status": "RESOURCE_EXHAUSTED"\n  }\n}]\n',
      },
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatchObject({ kind: 'provider', code: 'RESOURCE_EXHAUSTED', retryable: true });
    expect(result.error?.message).toBe('gemini: Quota exceeded');
    expect(result.text).toBe('First. ');
  });

  it('raw JSON that is not an error shape is ignored, as the SSE spec ignores unknown lines', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [geminiText('First. '), {}, geminiText('Done.', 'STOP')],
      rawAt: { 1: '{"message":"just a note","status":"ok"}\n' },
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('First. Done.');
  });

  it('truncates a long malformed line in the message', async () => {
    server.enqueue({ format: 'gemini', chunks: [{}], rawAt: { 0: `data: {${'x'.repeat(5000)}\n\n` } });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(StreamError.isInstance(result.error)).toBe(true);
    expect(result.error?.message.length).toBeLessThan(400);
  });

  it('a connection dropped mid-stream is a retryable ProviderError', async () => {
    server.enqueue({
      format: 'gemini',
      chunks: [geminiText('Kept. '), geminiText('Also kept. '), {}, geminiText('x', 'STOP')],
      rawAt: { 2: null },
      paceMs: 5,
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatchObject({
      kind: 'provider',
      retryable: true,
      status: undefined,
      code: 'connection_error',
    });
    expect(result.error?.message).toContain('the connection broke mid-stream');
    expect(result.text).toBe('Kept. Also kept. ');
  });

  it('a 200 answer that is not an event stream is a StreamError', async () => {
    server.enqueue({ format: 'gemini', body: { candidates: [] } });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(StreamError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toContain('not an SSE stream; it began with: {"candidates":[]}');
  });

  it('a frame split across two writes is reassembled', async () => {
    const frame = `data: ${JSON.stringify(geminiText('Split café 🎉 frame. '))}\n\n`;
    const cut = frame.indexOf('café');
    server.enqueue({
      format: 'gemini',
      paceMs: 20,
      chunks: [geminiText('Start. '), {}, {}, geminiText('End.', 'STOP')],
      rawAt: { 1: frame.slice(0, cut), 2: frame.slice(cut) },
    });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('Start. Split café 🎉 frame. End.');
  });
});

describe('UTF-8 across reads', () => {
  const encoder = new TextEncoder();
  const text = 'Café 🎉 naïve — done.';
  const sse = [geminiText(text.slice(0, 8)), geminiText(text.slice(8), 'STOP')]
    .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
    .join('');
  const payload = encoder.encode(sse);
  /** A byte offset `into` bytes past the start of the first `char` in the payload. */
  const byteInside = (char: string, into: number) =>
    encoder.encode(sse.slice(0, sse.indexOf(char))).length + into;

  it('a character split across two TCP writes still decodes', async () => {
    // One write ends after the first byte of 'é' (2 bytes), the next after two bytes of '🎉' (4 bytes).
    const [first, second] = [byteInside('é', 1), byteInside('🎉', 2)];
    const pieces = [payload.slice(0, first), payload.slice(first, second), payload.slice(second)];
    const byteServer = createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const piece of pieces) {
          res.write(piece);
          await delay(30);
        }
        res.end();
      });
    });
    await new Promise<void>((resolve) => byteServer.listen(0, '127.0.0.1', resolve));
    const { port } = byteServer.address() as AddressInfo;
    const reads: number[] = [];
    // Records the size of every network read, to prove the split reached the decoder as sent.
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const tap = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          reads.push(chunk.byteLength);
          controller.enqueue(chunk);
        },
      });
      return new Response(response.body?.pipeThrough(tap) ?? null, {
        status: response.status,
        headers: response.headers,
      });
    };
    try {
      const provider = gemini({ apiKey, baseURL: `http://127.0.0.1:${port}`, fetch: recordingFetch });
      const result = await createClient({ provider }).generate({ model: 'gemini-2.5-flash', messages });
      expect(result.outcome).toBe('finish');
      expect(result.text).toBe(text);
      const boundaries = reads.map((_, i) => reads.slice(0, i + 1).reduce((a, b) => a + b, 0));
      expect(boundaries).toContain(first);
      expect(boundaries).toContain(second);
    } finally {
      byteServer.closeAllConnections();
      await new Promise<void>((resolve) => byteServer.close(() => resolve()));
    }
  });

  it('any split of the byte stream gives the same parts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: payload.length - 1 }), { maxLength: 12 }),
        fc.boolean(),
        async (cuts, crlf) => {
          const bytes = crlf
            ? encoder.encode(new TextDecoder().decode(payload).replaceAll('\n', '\r\n'))
            : payload;
          const points = [0, ...cuts.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length];
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              for (let i = 1; i < points.length; i += 1)
                controller.enqueue(bytes.slice(points[i - 1], points[i]));
              controller.close();
            },
          });
          const streamed = gemini({
            apiKey,
            baseURL: 'http://sse.invalid',
            fetch: async () => new Response(body),
          });
          const request: ProviderRequest<GeminiProviderOptions> = {
            model: 'm',
            messages,
            signal: new AbortController().signal,
          };
          let out = '';
          let finished = false;
          for await (const part of streamed.stream(request)) {
            if (part.type === 'text-delta') out += part.delta;
            if (part.type === 'finish') finished = true;
          }
          return out === text && finished;
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('closing the events early', () => {
  it('closing before the first read cancels the body, which closes the connection', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull: () => delay(1_000),
      cancel: () => {
        cancelled = true;
      },
    });
    const batches = sseEventBatches({
      provider: 'p',
      body,
      signal: new AbortController().signal,
      secrets: [],
    });
    await batches.return(undefined);
    expect(cancelled).toBe(true);
  });
});
