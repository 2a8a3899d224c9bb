import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { createClient, ProviderError, serializeEvent } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { mapOpenAIError } from './map-error.js';
import { openai } from './openai-provider.js';
import { useWireServer } from './test-utils.js';

const wire = useWireServer();
const apiKey = 'sk-test-SECRET1234567890';

async function failWith(script: { status: number; body?: unknown; headers?: Record<string, string> }) {
  wire.server.enqueue({ format: 'openai-chat', ...script });
  const client = createClient({ provider: openai({ apiKey, baseURL: wire.baseURL, maxRetries: 0 }) });
  const result = await client.generate({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  expect(result.outcome).toBe('error');
  expect(ProviderError.isInstance(result.error)).toBe(true);
  return { result, error: result.error as ProviderError };
}

describe('HTTP errors before the first byte', () => {
  it('401 echoing the API key: not retryable, and the key appears nowhere', async () => {
    const { result, error } = await failWith({
      status: 401,
      headers: { 'x-request-id': 'req_abc123' },
      body: {
        error: {
          message: `Incorrect API key provided: ${apiKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    });
    expect(error).toMatchObject({
      provider: 'openai',
      status: 401,
      code: 'invalid_api_key',
      requestId: 'req_abc123',
      retryable: false,
    });
    expect(error.message).toMatch(/^openai 401: Incorrect API key provided: \[redacted\]/);
    for (const text of [
      JSON.stringify(result),
      error.message,
      String(error.cause),
      error.stack ?? '',
      JSON.stringify(error.cause),
    ]) {
      expect(text).not.toContain('SECRET1234567890');
    }
    // The SDK error (whose body echoes the key) is not kept: only a scrubbed copy.
    expect(error.cause).not.toBeInstanceOf(APIError);
    expect((error.cause as Error).name).toBe('AuthenticationError');
  });

  it('removes a key that does not look like one (e.g. a Groq gsk_ key) by its value', async () => {
    const odd = 'gsk_abcdefghijklmnop';
    wire.server.enqueue({
      format: 'openai-chat',
      status: 401,
      body: { error: { message: `Invalid API Key ${odd}`, type: 'invalid_request_error' } },
    });
    const client = createClient({
      provider: openai({ apiKey: odd, baseURL: wire.baseURL, maxRetries: 0, name: 'groq' }),
    });
    const result = await client.generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.error?.message).toBe('groq 401: Invalid API Key [redacted]');
    expect(String((result.error as ProviderError).cause)).not.toContain(odd);
  });

  // Azure's `api-key`, a gateway's `x-api-key`, Google's `x-goog-api-key` and a bearer token
  // that is not shaped like a key: echoed back in a 401, none may reach the result or telemetry.
  const headerSecrets = {
    'api-key': 'azure0123456789abcdef',
    'x-api-key': 'gateway-key-7f3a9c',
    'x-goog-api-key': 'goog-key-5b2e8d1c',
    Authorization: 'Bearer opaque.token.value',
  };
  const echoAll = Object.values(headerSecrets).join(' | ');

  async function echoedIn401(provider: ReturnType<typeof openai>) {
    wire.server.enqueue({
      format: 'openai-chat',
      status: 401,
      body: { error: { message: `Access denied for ${echoAll}`, type: 'invalid_request_error' } },
    });
    const events: unknown[] = [];
    const client = createClient({
      provider,
      telemetry: {
        onEvent: (event) => {
          events.push(serializeEvent(event));
        },
      },
    });
    const result = await client.generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.outcome).toBe('error');
    const texts = [
      result.error?.message ?? '',
      String((result.error as ProviderError).cause),
      JSON.stringify(result),
      JSON.stringify(events),
    ];
    for (const text of texts) {
      for (const secret of [...Object.values(headerSecrets), 'opaque.token.value'])
        expect(text).not.toContain(secret);
    }
    expect(result.error?.message).toContain('Access denied for [redacted]');
  }

  it('redacts every credential header given in settings.headers', async () => {
    await echoedIn401(
      openai({ apiKey: 'unused-key', baseURL: wire.baseURL, maxRetries: 0, headers: headerSecrets }),
    );
  });

  it("redacts the credential headers of the caller's own client (defaultHeaders)", async () => {
    const own = new OpenAI({
      apiKey: 'unused-key',
      baseURL: wire.baseURL,
      maxRetries: 0,
      defaultHeaders: headerSecrets,
    });
    await echoedIn401(openai({ client: own }));
  });

  it('429 with retry-after: 7 is retryable after 7000 ms', async () => {
    const { error } = await failWith({
      status: 429,
      headers: { 'retry-after': '7' },
      body: {
        error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' },
      },
    });
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
      retryable: true,
      retryAfterMs: 7000,
    });
    expect(error.message).toBe('openai 429: Rate limit reached for requests');
  });

  it('prefers retry-after-ms, and reads retry-after as an HTTP date', async () => {
    const ms = await failWith({
      status: 429,
      headers: { 'retry-after-ms': '1500', 'retry-after': '9' },
      body: {},
    });
    expect(ms.error.retryAfterMs).toBe(1500);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = await failWith({ status: 503, headers: { 'retry-after': date }, body: {} });
    expect(dated.error.retryAfterMs).toBeGreaterThan(25_000);
    expect(dated.error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('429 insufficient_quota is not retryable: waiting does not add credit', async () => {
    const { error } = await failWith({
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      },
    });
    expect(error).toMatchObject({ status: 429, code: 'insufficient_quota', retryable: false });
  });

  it.each([
    [500, true],
    [529, true],
    [503, true],
    [408, true],
    [409, true],
    [400, false],
    [403, false],
    [404, false],
    [422, false],
  ])('status %i: retryable %s', async (status, retryable) => {
    const { error } = await failWith({
      status,
      body: { error: { message: `failure ${status}`, type: 'server_error' } },
    });
    expect(error).toMatchObject({ status, retryable });
    expect(error.message).toBe(`openai ${status}: failure ${status}`);
  });

  it('a body that is not JSON still gives the status and text', async () => {
    // The wire server always sends JSON; a raw text body needs its own server.
    const server = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = createClient({
        provider: openai({ apiKey, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }),
      });
      const result = await client.generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
      expect(result.error).toMatchObject({ status: 502, retryable: true });
      expect(result.error?.message).toBe('openai 502: <html>Bad gateway</html>');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('connection failures', () => {
  it('a refused connection is a retryable ProviderError without status', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = createClient({
      provider: openai({ apiKey, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }),
    });
    const result = await client.generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatchObject({
      kind: 'provider',
      status: undefined,
      code: 'connection_error',
      retryable: true,
    });
    expect(result.error?.message).toMatch(/^openai: connection failed/);
  });

  it('no response headers within timeoutMs is a retryable timeout', async () => {
    const server = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = createClient({
        provider: openai({ apiKey, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeoutMs: 100 }),
      });
      const result = await client.generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
      expect(result.error).toMatchObject({
        kind: 'provider',
        status: undefined,
        code: 'timeout',
        retryable: true,
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('aborts', () => {
  it('an abort while waiting for the response headers ends with outcome abort, not error', async () => {
    const server = createServer(() => {
      // Never answers: the SDK is still awaiting headers when the caller aborts.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = createClient({
        provider: openai({ apiKey, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }),
      });
      const result = await client.generate({
        model: 'm',
        messages: [{ role: 'user', content: 'Hi' }],
        signal: AbortSignal.timeout(50),
      });
      expect(result.outcome).toBe('abort');
      expect(result.error).toBeUndefined();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('mapOpenAIError', () => {
  const context = { provider: 'openai', secrets: [apiKey] };

  it('passes stopwise errors through', () => {
    const error = new ProviderError({ provider: 'x', message: 'm' });
    expect(mapOpenAIError(error, context)).toBe(error);
  });

  it('maps an in-stream error (no status) by its code', () => {
    const quota = mapOpenAIError(
      new APIError(undefined, { code: 'insufficient_quota', message: 'quota' }, undefined, undefined),
      context,
    );
    expect(quota).toMatchObject({ status: undefined, code: 'insufficient_quota', retryable: false });
    const server = mapOpenAIError(
      new APIError(undefined, { type: 'server_error', message: 'oops' }, undefined, undefined),
      context,
    );
    expect(server).toMatchObject({ code: 'server_error', retryable: true });
  });

  it("reads an in-stream error's numeric code (vLLM, LiteLLM) as its HTTP status", () => {
    const inStream = (code: number) =>
      mapOpenAIError(
        new APIError(
          undefined,
          { object: 'error', type: 'BadRequestError', message: 'bad', param: null, code },
          undefined,
          undefined,
        ),
        context,
      );
    expect(inStream(400)).toMatchObject({ status: 400, code: 'BadRequestError', retryable: false });
    expect(inStream(429)).toMatchObject({ status: 429, retryable: true });
    expect(inStream(503)).toMatchObject({ status: 503, retryable: true });
  });

  it('honours x-should-retry like the SDK does', () => {
    const headers = new Headers({ 'x-should-retry': 'false' });
    const error = mapOpenAIError(
      APIError.generate(503, { error: { message: 'busy' } }, undefined, headers),
      context,
    );
    expect(error).toMatchObject({ status: 503, retryable: false });
  });

  it('maps connection errors and leaves no key in them', () => {
    const error = mapOpenAIError(
      new APIConnectionError({ cause: new Error(`socket hang up ${apiKey}`) }),
      context,
    );
    expect(error).toMatchObject({ kind: 'provider', code: 'connection_error', retryable: true });
    expect(error.message).not.toContain(apiKey);
    expect(String((error as ProviderError & { cause: unknown }).cause)).not.toContain(apiKey);
  });
});
