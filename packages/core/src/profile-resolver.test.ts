import { describe, expect, it } from 'vitest';
import { ConfigError, createClient, ProviderError } from './index.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const call = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], user: 'u1' };

describe('a per-user profile resolver (client option `profiles` as a function)', () => {
  it('that throws ends the call with a non-retryable ConfigError naming the resolver, cause kept', async () => {
    const cause = new Error('profile database down');
    const provider = scriptedProvider(textScript(['hi']));
    const client = createClient({
      provider,
      profiles: () => {
        throw cause;
      },
    });
    const result = await client.generate(call);
    expect(result.outcome).toBe('error');
    const error = result.error as ConfigError;
    expect(ProviderError.isInstance(error)).toBe(false);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.field).toBe('profiles');
    expect(error.message).toMatch(/resolver/);
    expect(error.cause).toBe(cause);
    expect((error as unknown as { retryable?: boolean }).retryable).not.toBe(true);
    expect(provider.requests).toHaveLength(0);
  });

  it('that rejects asynchronously is reported the same way', async () => {
    const client = createClient({
      provider: scriptedProvider(textScript(['hi'])),
      profiles: async () => Promise.reject(new Error('timeout talking to db')),
    });
    const result = await client.generate(call);
    expect(result.outcome === 'error' && ConfigError.isInstance(result.error)).toBe(true);
  });

  it("that hangs is ended by the caller's signal, with outcome abort and no request sent", async () => {
    const provider = scriptedProvider(textScript(['hi']));
    const client = createClient({ provider, profiles: () => new Promise(() => {}) });
    const controller = new AbortController();
    const started = performance.now();
    const pending = client.generate({ ...call, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 30);
    const result = await pending;
    expect(result.outcome).toBe('abort');
    expect(performance.now() - started).toBeLessThan(5_000); // the resolver never answers

    expect(provider.requests).toHaveLength(0);
  });

  it('that hangs is ended when the consumer stops iterating', async () => {
    const client = createClient({
      provider: scriptedProvider(textScript(['hi'])),
      profiles: () => new Promise(() => {}),
    });
    const run = client.stream(call);
    const iterator = run[Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await iterator.return?.();
    expect((await run.result).outcome).toBe('abort');
    await expect(first).resolves.toBeDefined();
  });
});
