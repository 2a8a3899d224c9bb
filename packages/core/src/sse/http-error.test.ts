import { createWireServer, type WireServer } from '@stopwise/replay';
import { createClient, ProviderError } from 'stopwise';
import { retryAfterFromHeaders } from 'stopwise/adapter';
import { defaultErrorDetails, gemini } from 'stopwise/sse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readErrorBody } from './http-error.js';

const apiKey = 'AIzaSyTEST_abcdefghijklmnopqrstuvwxyz012';
const messages = [{ role: 'user' as const, content: 'Tell me something.' }];

let server: WireServer;
beforeEach(async () => {
  server = await createWireServer();
});
afterEach(async () => {
  await server.close();
});

describe('HTTP errors', () => {
  const cases: Array<{
    status: number;
    headers: Record<string, string>;
    body: unknown;
    expected: Record<string, unknown>;
  }> = [
    {
      status: 401,
      headers: {},
      body: { error: { code: 401, message: `API key not valid: ${apiKey}`, status: 'UNAUTHENTICATED' } },
      expected: { retryable: false, retryAfterMs: undefined, code: 'UNAUTHENTICATED' },
    },
    {
      status: 429,
      headers: { 'retry-after': '7', 'x-request-id': 'req-429' },
      body: { error: { message: 'Slow down', type: 'rate_limit_error' } },
      expected: { retryable: true, retryAfterMs: 7000, code: 'rate_limit_error', requestId: 'req-429' },
    },
    {
      status: 429,
      headers: { 'retry-after': '7', 'retry-after-ms': '1500' },
      body: { message: 'Too many requests' },
      expected: { retryable: true, retryAfterMs: 1500 },
    },
    {
      status: 500,
      headers: {},
      body: 'Internal Server Error',
      expected: { retryable: true, retryAfterMs: undefined },
    },
    {
      status: 503,
      headers: { 'request-id': 'req-503' },
      body: [{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }],
      expected: { retryable: true, code: 'UNAVAILABLE', requestId: 'req-503' },
    },
  ];

  it.each(cases)('$status -> ProviderError', async ({ status, headers, body, expected }) => {
    server.enqueue({ format: 'gemini', status, headers, body });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    const error = result.error as ProviderError;
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status, provider: 'gemini', ...expected });
    expect(error.message).toMatch(new RegExp(`^gemini ${status}: `));
    expect(error.message).not.toContain(apiKey);
    expect(error.message).not.toContain('AIza');
  });

  it('uses the API message, or the status line when there is none', async () => {
    server.enqueue({ format: 'gemini', status: 500, body: 'Internal Server Error' });
    server.enqueue({ format: 'gemini', status: 404, body: {} });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const first = await client.generate({ model: 'gemini-2.5-flash', messages });
    const second = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(first.error?.message).toBe('gemini 500: Internal Server Error');
    expect(second.error?.message).toBe('gemini 404: HTTP 404 Not Found');
    expect(second.error).toMatchObject({ retryable: false });
  });

  it.each([408, 409, 529])('%i is retryable', async (status) => {
    server.enqueue({ format: 'gemini', status, body: { error: { message: 'try again' } } });
    const client = createClient({ provider: gemini({ apiKey, baseURL: server.url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.error).toMatchObject({ status, retryable: true });
  });

  it('parses retry-after as seconds, an HTTP date, or retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '2.5' }), now)).toBe(2500);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(
      30_000,
    );
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers(), now)).toBeUndefined();
  });

  it('a refused connection is a retryable ProviderError without a status or key', async () => {
    const closed = await createWireServer();
    const url = closed.url;
    await closed.close();
    const client = createClient({ provider: gemini({ apiKey, baseURL: url }) });
    const result = await client.generate({ model: 'gemini-2.5-flash', messages });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatchObject({ kind: 'provider', status: undefined, retryable: true });
    expect(result.error?.message).toMatch(/gemini: connection failed: fetch failed/);
    expect(result.error?.message).not.toContain(apiKey);
  });
});

describe('defaultErrorDetails', () => {
  it('reads the common error body shapes', () => {
    expect(defaultErrorDetails({ error: { message: 'bad', type: 'invalid_request_error' } })).toEqual({
      message: 'bad',
      code: 'invalid_request_error',
    });
    expect(
      defaultErrorDetails([{ error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } }]),
    ).toEqual({
      message: 'bad',
      code: 'INVALID_ARGUMENT',
    });
    expect(defaultErrorDetails({ id: 'x', message: 'invalid api token' })).toMatchObject({
      message: 'invalid api token',
    });
    expect(defaultErrorDetails({ error: 'Not found', code: 'not_found' })).toEqual({
      message: 'Not found',
      code: 'not_found',
    });
    expect(defaultErrorDetails({ detail: 'Too long' })).toMatchObject({ message: 'Too long' });
    expect(defaultErrorDetails('plain')).toEqual({ message: 'plain' });
    expect(defaultErrorDetails(undefined)).toEqual({});
  });
});

describe('error bodies are read only up to a bound', () => {
  it('a 502 whose body never ends: the error comes back with the first 64 KiB and the connection closes', async () => {
    const { createServer } = await import('node:http');
    let socketClosed = false;
    let written = 0;
    const endless = createServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      const chunk = `<p>${'x'.repeat(16 * 1024)}</p>`;
      const timer = setInterval(() => {
        written += chunk.length;
        response.write(chunk);
      }, 2);
      response.on('close', () => {
        socketClosed = true;
        clearInterval(timer);
      });
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const { port } = endless.address() as import('node:net').AddressInfo;
    try {
      const client = createClient({ provider: gemini({ apiKey, baseURL: `http://127.0.0.1:${port}` }) });
      // Before the bound, `response.text()` waited for a body that never ends: this never resolved.
      const result = await Promise.race([
        client.generate({ model: 'gemini-2.5-flash', messages }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('still reading the body')), 10_000),
        ),
      ]);
      expect(result.error).toMatchObject({ status: 502, retryable: true });
      expect(result.error?.message.length).toBeLessThan(600);
      await expect.poll(() => socketClosed, { timeout: 5_000 }).toBe(true);
      expect(written).toBeGreaterThan(0);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});

describe('readErrorBody', () => {
  it('keeps whole characters only when the bound falls inside one', async () => {
    const response = new Response('ab€cd'); // € is three bytes: bytes 2..4
    expect(await readErrorBody(response, 3)).toBe('ab');
    expect(await readErrorBody(new Response('ab€cd'), 100)).toBe('ab€cd');
    expect(await readErrorBody(new Response(null), 10)).toBe('');
  });
});
