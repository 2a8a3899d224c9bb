import Anthropic from '@anthropic-ai/sdk';
import { createWireServer, loadWireFixture, type WireServer, wireFixtureNames } from '@stopwise/replay';
import { ConfigError, createClient, type StreamPart } from 'stopwise';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { anthropic } from './index.js';

const apiKey = 'sk-ant-test-key-0000000000';
let server: WireServer;

beforeAll(async () => {
  server = await createWireServer();
});
afterAll(async () => {
  await server.close();
});

/** The fields of a recorded Anthropic event that the expectations read. */
interface Chunk {
  type: string;
  delta?: { type?: string; text?: string; thinking?: string; stop_reason?: string };
  message?: { id: string; model: string; usage: Record<string, number | null> };
  usage?: Record<string, number | null>;
}

/** What the recording says the run must report, computed from the raw chunks. */
function expectationsOf(chunks: Chunk[]) {
  const deltas = chunks.flatMap((chunk) =>
    chunk.type === 'content_block_delta' && chunk.delta ? [chunk.delta] : [],
  );
  const text = deltas.map((delta) => (delta.type === 'text_delta' ? delta.text : '')).join('');
  const reasoning = deltas.map((delta) => (delta.type === 'thinking_delta' ? delta.thinking : '')).join('');
  const start = chunks.find((chunk) => chunk.type === 'message_start')?.message;
  const lastDelta = chunks.filter((chunk) => chunk.type === 'message_delta').at(-1);
  if (!start || !lastDelta?.usage) throw new Error('recording lacks message_start or message_delta');
  // Input as documented: the whole prompt (uncached + cache writes + cache reads), where a
  // message_delta that repeats the input counts replaces message_start's.
  const inputUsage = { ...start.usage, ...definedOnly(lastDelta.usage) };
  const inputTokens =
    (inputUsage.input_tokens ?? 0) +
    (inputUsage.cache_creation_input_tokens ?? 0) +
    (inputUsage.cache_read_input_tokens ?? 0);
  return {
    text,
    reasoning: reasoning === '' ? undefined : reasoning,
    id: start.id,
    model: start.model,
    stopReason: lastDelta.delta?.stop_reason,
    usage: { inputTokens, outputTokens: lastDelta.usage.output_tokens },
  };
}

function definedOnly(record: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

const anthropicFixtures = wireFixtureNames().filter((name) => name.startsWith('anthropic-'));

describe('recorded Anthropic streams through the real SDK', () => {
  it('has recordings to replay', () => {
    expect(anthropicFixtures.length).toBeGreaterThanOrEqual(5);
  });

  it.each(anthropicFixtures)('%s: text, reasoning, usage and finish match the recording', async (name) => {
    const chunks = loadWireFixture(name) as Chunk[];
    const expected = expectationsOf(chunks);
    server.enqueue({ format: 'anthropic', chunks, headers: { 'request-id': `req_${name}` } });
    const client = createClient({ provider: anthropic({ apiKey, baseURL: server.url, maxRetries: 0 }) });
    const run = client.stream({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] });
    const parts: StreamPart[] = [];
    for await (const part of run) parts.push(part);
    const result = await run.result;

    expect(result.outcome).toBe('finish');
    expect(result.text).toBe(expected.text);
    expect(result.reasoning).toBe(expected.reasoning);
    expect(result.usage).toEqual({
      ...expected.usage,
      reasoningTokens: undefined,
      source: 'provider',
      inputSource: 'provider',
    });
    expect(result.responseId).toBe(expected.id);
    expect(result.model).toBe(expected.model);
    expect(result.finishReason.raw).toBe(expected.stopReason);
    expect(parts[0]).toEqual({ type: 'stream-start' });
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)?.type).toBe('finish');
    // The deltas arrive one by one, as recorded, not as one block at the end.
    const textDeltas = parts.filter((part) => part.type === 'text-delta');
    const recordedTextDeltas = chunks.filter((c) => c.delta?.type === 'text_delta' && c.delta.text !== '');
    expect(textDeltas).toHaveLength(recordedTextDeltas.length);
    expect(server.requests.at(-1)?.path).toBe('/v1/messages');
  });

  it('maps the refusal recording to content-filter with no text', async () => {
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-refusal') });
    const client = createClient({ provider: anthropic({ apiKey, baseURL: server.url, maxRetries: 0 }) });
    const result = await client.generate({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'refusal' });
    expect(result.text).toBe('');
  });

  it('maps the tool-use recording to tool-calls and streams no text from the tool input', async () => {
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-json-tool.1') });
    const client = createClient({ provider: anthropic({ apiKey, baseURL: server.url, maxRetries: 0 }) });
    const result = await client.generate({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(result.text).toBe('');
    expect(result.usage.outputTokens).toBe(47);
  });

  it('takes input tokens from message_delta when it repeats them (61, not 43)', async () => {
    server.enqueue({
      format: 'anthropic',
      chunks: loadWireFixture('anthropic-anthropic-message-delta-input-tokens'),
    });
    const client = createClient({ provider: anthropic({ apiKey, baseURL: server.url, maxRetries: 0 }) });
    const run = client.stream({ model: 'claude-test', messages: [{ role: 'user', content: 'ping' }] });
    const metadata: StreamPart[] = [];
    for await (const part of run) if (part.type === 'response-metadata') metadata.push(part);
    const result = await run.result;
    expect(metadata).toEqual([
      {
        type: 'response-metadata',
        id: 'msg_3196a1cc08de4d76b85b8f5777c0d42b',
        model: 'claude-opus-4-5-20251101',
        usage: { inputTokens: 43 },
      },
    ]);
    expect(result.usage.inputTokens).toBe(61);
    expect(result.usage.outputTokens).toBe(2);
    expect(result.text).toBe('pong');
  });
});

describe('request mapping', () => {
  it('sends model, system, messages, max_tokens, temperature, stream, metadata and thinking', async () => {
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-text') });
    const client = createClient({
      provider: anthropic({ apiKey, baseURL: server.url, maxRetries: 0, headers: { 'x-trace': 'abc' } }),
    });
    const result = await client.generate({
      model: 'claude-test-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Use plain words.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'How are you?' },
      ],
      maxOutputTokens: 2048,
      temperature: 0.3,
      user: 'user-hash-42',
      providerOptions: {
        thinking: { type: 'enabled', budgetTokens: 1024 },
        topK: 20,
        stopSequences: ['\n\nHuman:'],
        extraBody: { service_tier: 'standard_only' },
      },
    });
    expect(result.outcome).toBe('finish');
    const request = server.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/messages');
    // SDK 1.x sends the key as a bearer token.
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request?.headers['x-trace']).toBe('abc');
    expect(request?.body).toEqual({
      model: 'claude-test-5',
      system: 'Be brief.\n\nUse plain words.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'How are you?' },
      ],
      max_tokens: 2048,
      temperature: 0.3,
      stream: true,
      metadata: { user_id: 'user-hash-42' },
      thinking: { type: 'enabled', budget_tokens: 1024 },
      top_k: 20,
      stop_sequences: ['\n\nHuman:'],
      service_tier: 'standard_only',
    });
  });

  it('uses defaultMaxTokens (4096 unless set) and leaves out what the call does not set', async () => {
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-text') });
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-text') });
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    await createClient({ provider: anthropic({ apiKey, baseURL: server.url }) }).generate({
      model: 'm',
      messages,
    });
    expect(server.requests.at(-1)?.body).toEqual({ model: 'm', max_tokens: 4096, messages, stream: true });
    const custom = createClient({
      provider: anthropic({ apiKey, baseURL: server.url, defaultMaxTokens: 300 }),
    });
    await custom.generate({
      model: 'm',
      messages,
      user: 'u1',
      providerOptions: { metadata: { userId: null } },
    });
    expect(server.requests.at(-1)?.body).toEqual({ model: 'm', max_tokens: 300, messages, stream: true });
  });

  it('uses a client passed in, with per-request retries, timeout and headers', async () => {
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-text') });
    const sdk = new Anthropic({ apiKey, baseURL: server.url });
    const provider = anthropic({ client: sdk, name: 'claude', headers: { 'x-extra': '1' }, timeoutMs: 5000 });
    expect(provider.name).toBe('claude');
    const result = await createClient({ provider }).generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('finish');
    expect(server.requests.at(-1)?.headers['x-extra']).toBe('1');
    expect(server.requests.at(-1)?.headers['x-stainless-timeout']).toBe('5');
  });

  it('throws a ConfigError at the call, before sending anything, when provider options are invalid', async () => {
    const before = server.requests.length;
    const provider = anthropic({ apiKey, baseURL: server.url });
    const client = createClient({ provider });
    const call = {
      model: 'm',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      maxOutputTokens: 1000,
      providerOptions: { thinking: { type: 'enabled' as const, budgetTokens: 2000 } },
    };
    const field = 'providerOptions.thinking.budgetTokens';
    // Thrown by `stream` (the adapter's checkRequest), rejected by `generate`, like any option.
    let thrown: unknown;
    try {
      client.stream(call);
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown) && thrown.field).toBe(field);
    await expect(client.generate(call)).rejects.toMatchObject({ kind: 'config', field });
    // The adapter's own stream refuses it too, for a caller that drives it without a client.
    const parts = provider.stream({ ...call, signal: new AbortController().signal });
    await expect(
      (async () => {
        for await (const _ of parts);
      })(),
    ).rejects.toMatchObject({ kind: 'config', field });
    expect(server.requests.length).toBe(before);
  });
});

describe('request checks at the call', () => {
  it.each([
    ['a temperature over 1', { temperature: 1.5 }, 'temperature'],
    [
      'no user or assistant turn',
      { messages: [{ role: 'system' as const, content: 'Be brief.' }] },
      'messages',
    ],
  ])('%s throws a ConfigError naming it, before anything is sent', (_, change, field) => {
    const before = server.requests.length;
    const client = createClient({ provider: anthropic({ apiKey, baseURL: server.url }) });
    let thrown: unknown;
    try {
      client.stream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], ...change });
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown) && thrown.field).toBe(field);
    expect(server.requests.length).toBe(before);
  });
});

describe('the API key', () => {
  const keyless = () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    vi.stubEnv('ANTHROPIC_AUTH_TOKEN', '');
    vi.stubEnv('ANTHROPIC_BASE_URL', '');
  };
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is not needed for a server on this machine: the SDK gets a placeholder, the server no key', async () => {
    keyless();
    server.enqueue({ format: 'anthropic', chunks: loadWireFixture('anthropic-anthropic-text') });
    const result = await createClient({ provider: anthropic({ baseURL: server.url }) }).generate({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('finish');
    // Sent as the SDK sends a key (`authorization: Bearer ...` in 1.14): the placeholder.
    expect(Object.values(server.requests.at(-1)?.headers ?? {}).join(' ')).toContain('no-key-local-server');
  });

  it('missing for a server elsewhere ends the call with a ConfigError naming it, nothing sent', async () => {
    keyless();
    const before = server.requests.length;
    // Not on this machine (a name that resolves nowhere): the SDK looks for a credential first.
    const result = await createClient({
      provider: anthropic({ baseURL: 'https://anthropic.invalid', maxRetries: 0 }),
    }).generate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.outcome).toBe('error');
    expect(ConfigError.isInstance(result.error) && result.error.field).toBe('apiKey');
    expect(result.error?.message).toMatch(/ANTHROPIC_API_KEY/);
    expect(server.requests.length).toBe(before);
  });
});

describe('anthropic() settings', () => {
  it.each([
    [{ apiKey: '' }, 'apiKey'],
    [{ baseURL: 'not a url' }, 'baseURL'],
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ maxRetries: 1.5 }, 'maxRetries'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ defaultMaxTokens: 0 }, 'defaultMaxTokens'],
    [{ name: '' }, 'name'],
    [{ headers: { 'x-a': 1 } }, 'headers.x-a'],
    [{ client: {} }, 'client'],
    [{ client: new Anthropic({ apiKey }), apiKey }, 'apiKey'],
    [{ apikey: 'x' }, 'apikey'],
  ])('rejects bad settings (case %#) naming the field %s', (settings, field) => {
    let thrown: unknown;
    try {
      anthropic(settings as never);
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigError).field).toBe(field);
    expect((thrown as ConfigError).message).toContain(`\`${field}\``);
  });

  it('names the setting a misspelt one was meant to be, as every entry point does', () => {
    expect(() => anthropic({ apikey: 'x' } as never)).toThrow(
      /Invalid `apikey`: is not an option \(did you mean `apiKey`\?\); allowed: apiKey,/,
    );
    expect(() => anthropic({ apiKey, maxTokens: 1024 } as never)).toThrow(
      /Invalid `maxTokens`: is not an option \(did you mean `defaultMaxTokens` \(sent when a call sets none\)/,
    );
  });

  it('accepts no settings at all (the SDK reads ANTHROPIC_API_KEY)', () => {
    expect(anthropic({ apiKey }).name).toBe('anthropic');
  });
});
