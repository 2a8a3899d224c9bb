import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic, { APIError, AuthenticationError } from '@anthropic-ai/sdk';
import { createWireServer, loadWireFixture, type WireServer } from '@stopwise/replay';
import { createClient, ProviderError, type RunResult, StreamError } from 'stopwise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropic } from './index.js';
import { mapAnthropicError } from './map-error.js';

const secretKey = 'sk-ant-test-SECRET1234567890';
const messages = [{ role: 'user' as const, content: 'Hi' }];
let server: WireServer;

beforeAll(async () => {
  server = await createWireServer();
});
afterAll(async () => {
  await server.close();
});

async function failWith(script: { status: number; body: unknown; headers?: Record<string, string> }) {
  server.enqueue({ format: 'anthropic', ...script });
  const client = createClient({
    provider: anthropic({ apiKey: secretKey, baseURL: server.url, maxRetries: 0 }),
  });
  const result = await client.generate({ model: 'claude-test', messages });
  expect(result.outcome).toBe('error');
  if (!ProviderError.isInstance(result.error))
    throw new Error(`expected a ProviderError, got ${result.error}`);
  return { result, error: result.error };
}

const errorBody = (type: string, message: string) => ({ type: 'error', error: { type, message } });

function expectNoKey(result: RunResult, error: ProviderError): void {
  expect(JSON.stringify(result)).not.toContain(secretKey);
  expect(error.message).not.toContain(secretKey);
  expect(String(error.cause)).not.toContain(secretKey);
  expect(JSON.stringify(error.cause)).not.toContain(secretKey);
  expect(String(error.stack)).not.toContain(secretKey);
}

describe('HTTP errors before the stream starts', () => {
  it('401 whose body echoes the key: not retryable, key scrubbed everywhere', async () => {
    const { result, error } = await failWith({
      status: 401,
      body: errorBody('authentication_error', `invalid x-api-key: ${secretKey}`),
      headers: { 'request-id': 'req_401' },
    });
    expect(error.status).toBe(401);
    expect(error.code).toBe('authentication_error');
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req_401');
    expect(error.provider).toBe('anthropic');
    expect(error.message).toBe('anthropic 401: invalid x-api-key: [redacted]');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe('AuthenticationError');
    expectNoKey(result, error);
  });

  it("scrubs credential headers of the caller's own client (defaultHeaders)", async () => {
    const gatewayKey = 'gateway-credential-93x7';
    server.enqueue({
      format: 'anthropic',
      status: 401,
      body: errorBody('authentication_error', `gateway rejected ${gatewayKey}`),
    });
    const own = new Anthropic({
      apiKey: 'unused-key',
      baseURL: server.url,
      maxRetries: 0,
      defaultHeaders: { 'x-gateway-api-key': gatewayKey },
    });
    const result = await createClient({ provider: anthropic({ client: own }) }).generate({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.error?.message).toBe('anthropic 401: gateway rejected [redacted]');
    expect(JSON.stringify(result)).not.toContain(gatewayKey);
    expect(String((result.error as ProviderError).cause)).not.toContain(gatewayKey);
  });

  it('scrubs a key of any shape, not only sk-... ones', async () => {
    const plainKey = 'plain-secret-value-42';
    server.enqueue({
      format: 'anthropic',
      status: 403,
      body: errorBody('permission_error', `key ${plainKey} may not use this model`),
    });
    const client = createClient({
      provider: anthropic({ apiKey: plainKey, baseURL: server.url, maxRetries: 0 }),
    });
    const result = await client.generate({ model: 'claude-test', messages });
    expect(result.error?.message).toBe('anthropic 403: key [redacted] may not use this model');
    expect(JSON.stringify(result)).not.toContain(plainKey);
    expect(String(result.error?.cause)).not.toContain(plainKey);
    expect(ProviderError.isInstance(result.error) && result.error.retryable).toBe(false);
  });

  it('429 with retry-after: 7 is retryable after 7000 ms', async () => {
    const { error } = await failWith({
      status: 429,
      body: errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'),
      headers: { 'retry-after': '7' },
    });
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_error');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
  });

  it('prefers retry-after-ms, and reads retry-after as an HTTP date', async () => {
    const { error: ms } = await failWith({
      status: 429,
      body: errorBody('rate_limit_error', 'slow down'),
      headers: { 'retry-after-ms': '1500', 'retry-after': '7' },
    });
    expect(ms.retryAfterMs).toBe(1500);
    const at = new Date(Date.now() + 30_000).toUTCString();
    const { error: date } = await failWith({
      status: 503,
      body: errorBody('api_error', 'unavailable'),
      headers: { 'retry-after': at },
    });
    expect(date.retryAfterMs).toBeGreaterThan(25_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it.each([
    [500, 'api_error', true],
    [529, 'overloaded_error', true],
    [408, 'timeout_error', true],
    [409, 'conflict_error', true],
    [400, 'invalid_request_error', false],
    [404, 'not_found_error', false],
    [413, 'request_too_large', false],
  ])('%i %s: retryable %s', async (status, type, retryable) => {
    const { error } = await failWith({ status, body: errorBody(type, `${type} happened`) });
    expect(error.status).toBe(status);
    expect(error.code).toBe(type);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(`anthropic ${status}: ${type} happened`);
  });

  it('obeys x-should-retry over the status, as the SDK does', async () => {
    const { error: no } = await failWith({
      status: 529,
      body: errorBody('overloaded_error', 'Overloaded'),
      headers: { 'x-should-retry': 'false' },
    });
    expect(no.retryable).toBe(false);
    const { error: yes } = await failWith({
      status: 400,
      body: errorBody('invalid_request_error', 'try again'),
      headers: { 'x-should-retry': 'true' },
    });
    expect(yes.retryable).toBe(true);
  });

  it('lets the SDK retry when maxRetries allows it (a 529, then the stream)', async () => {
    server.enqueue({
      format: 'anthropic',
      status: 529,
      body: errorBody('overloaded_error', 'Overloaded'),
      headers: { 'retry-after-ms': '10' },
    });
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-text') });
    const before = server.requests.length;
    const client = createClient({
      provider: anthropic({ apiKey: secretKey, baseURL: server.url, maxRetries: 1 }),
    });
    const result = await client.generate({ model: 'claude-test', messages });
    expect(result.outcome).toBe('finish');
    expect(server.requests.length - before).toBe(2);
  });
});

describe('connection failures', () => {
  it('a refused connection is a retryable ProviderError without status', async () => {
    const closed = await createWireServer();
    const url = closed.url;
    await closed.close();
    const client = createClient({ provider: anthropic({ apiKey: secretKey, baseURL: url, maxRetries: 0 }) });
    const result = await client.generate({ model: 'claude-test', messages });
    expect(result.outcome).toBe('error');
    const error = result.error;
    if (!ProviderError.isInstance(error)) throw new Error('expected a ProviderError');
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^anthropic: connection failed/);
  });

  it('a server that never answers times out after timeoutMs as a retryable ProviderError', async () => {
    const silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const provider = anthropic({
        apiKey: secretKey,
        baseURL: `http://127.0.0.1:${port}`,
        maxRetries: 0,
        timeoutMs: 100,
      });
      const started = performance.now();
      const result = await createClient({ provider }).generate({ model: 'claude-test', messages });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(result.outcome).toBe('error');
      expect(ProviderError.isInstance(result.error) && result.error.retryable).toBe(true);
      expect(result.error?.message).toMatch(/timed out/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('mapAnthropicError', () => {
  const options = { provider: 'anthropic', secrets: [secretKey] };

  it('reads an SDK error made by another copy of the SDK by its class name', () => {
    class AuthenticationErrorCopy extends Error {
      static _errorName = 'APIError';
      status = 401;
      headers = new Headers({ 'request-id': 'req_copy' });
      error = errorBody('authentication_error', 'bad key');
      type = 'authentication_error';
      apiMessage = 'bad key';
      requestID = 'req_copy';
    }
    // Two levels, like the SDK's own AuthenticationError → APIError.
    class Subclass extends AuthenticationErrorCopy {}
    Object.defineProperty(Subclass, 'name', { value: 'AuthenticationError' });
    const mapped = mapAnthropicError(new Subclass('401 bad key'), options);
    expect(ProviderError.isInstance(mapped)).toBe(true);
    expect(mapped).toMatchObject({
      status: 401,
      code: 'authentication_error',
      requestId: 'req_copy',
      retryable: false,
    });
  });

  it('keeps the status-less SDK error of an error event retryable by its type', () => {
    const event = new APIError(
      undefined,
      errorBody('overloaded_error', 'Overloaded'),
      undefined,
      new Headers(),
    );
    expect(mapAnthropicError(event, options)).toMatchObject({
      code: 'overloaded_error',
      retryable: true,
      status: undefined,
    });
    const auth = new AuthenticationError(
      401,
      errorBody('authentication_error', secretKey),
      undefined,
      new Headers(),
    );
    const mapped = mapAnthropicError(auth, options);
    expect(mapped.message).not.toContain(secretKey);
  });

  it('turns unreadable events into a StreamError', () => {
    const mapped = mapAnthropicError(new Error('Unexpected event order, got message_start'), options);
    expect(StreamError.isInstance(mapped)).toBe(true);
  });
});
