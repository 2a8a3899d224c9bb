import { describe, expect, it } from 'vitest';
import { type CallOptions, ConfigError, createClient } from './index.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const client = createClient({ provider: scriptedProvider(textScript(['hi'])) });

describe('client entry points report bad options as documented', () => {
  it('generate(bad) returns a rejected promise instead of throwing synchronously', async () => {
    const bad = { model: 'm', messages: [] } as CallOptions;
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = client.generate(bad);
    }).not.toThrow();
    await expect(promise).rejects.toSatisfy((error) => ConfigError.isInstance(error));
    await expect(promise).rejects.toMatchObject({ field: 'messages' });
  });

  it('stream(bad) throws a ConfigError at once, as its docs say, before any request', () => {
    const provider = scriptedProvider(textScript(['hi']));
    const local = createClient({ provider });
    expect(() => local.stream({ model: 'm', messages: [] } as CallOptions)).toThrow(ConfigError);
    expect(provider.requests).toHaveLength(0);
  });
});
