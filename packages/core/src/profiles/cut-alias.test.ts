import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { defineProfile } from './define-profile.js';

const model = 'gpt-4o-mini';
const messages = [{ role: 'user' as const, content: 'Count to twenty.' }];
const words = Array.from({ length: 20 }, (_, i) => `w${i} `);
const client = createClient({ provider: scriptedProvider(textScript(words)) });

function errorOf(make: () => unknown): ConfigError {
  try {
    make();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

const cutOf = async (options: Parameters<typeof client.explain>[0]) =>
  (await client.explain(options)).policies.find((policy) => policy.setting === 'cutAtTokens');

describe('cutAtTokens (the client-side cut) and its deprecated name maxOutputTokens', () => {
  it('is a maxTokens policy at the end of the stream, apart from the provider cap', async () => {
    const result = await client.generate({
      model,
      messages,
      maxOutputTokens: 1000,
      policy: { cutAtTokens: 3 },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.stop?.policy).toBe('maxTokens(3)');
    expect(result.usage.outputTokens).toBeLessThan(20);
  });

  it('accepts policy.maxOutputTokens as the same cut, shown by explain under the new name', async () => {
    expect(await cutOf({ model, messages, policy: { maxOutputTokens: 7 } })).toMatchObject({
      name: 'maxTokens(7)',
      setting: 'cutAtTokens',
    });
    const result = await client.generate({ model, messages, policy: { maxOutputTokens: 3 } });
    expect(result.stop?.policy).toBe('maxTokens(3)');
  });

  it('accepts the old name in a profile, a user preset and call overrides', async () => {
    defineProfile('old-cut', { maxOutputTokens: 9 });
    expect(await cutOf({ model, messages, policy: { profile: 'old-cut' } })).toMatchObject({
      name: 'maxTokens(9)',
    });
    const byUser = createClient({
      provider: scriptedProvider(textScript(words)),
      profiles: { ann: { profile: 'off', maxOutputTokens: 11 } },
    });
    const explained = await byUser.explain({ model, messages, user: 'ann' });
    expect(explained.policies.map((policy) => policy.name)).toEqual(['maxTokens(11)']);
    expect(explained.layers.find((layer) => layer.layer === 'user')?.overrides).toEqual({ cutAtTokens: 11 });
    const overridden = await cutOf({
      model,
      messages,
      policy: { profile: 'off', overrides: { maxOutputTokens: 4 } },
    });
    expect(overridden).toMatchObject({ name: 'maxTokens(4)' });
  });

  it('refuses both names at once, naming both', async () => {
    const both = { cutAtTokens: 5, maxOutputTokens: 6 };
    const inCall = errorOf(() => client.stream({ model, messages, policy: both }));
    expect(inCall.field).toBe('policy.maxOutputTokens');
    expect(inCall.message).toContain('policy.cutAtTokens');
    await expect(client.generate({ model, messages, policy: both })).rejects.toThrow(/policy\.cutAtTokens/);
    const inProfile = errorOf(() => defineProfile('both-cuts', both));
    expect(inProfile.field).toBe('profiles.both-cuts.maxOutputTokens');
    expect(inProfile.message).toContain('profiles.both-cuts.cutAtTokens');
    const inOverrides = errorOf(() => client.stream({ model, messages, policy: { overrides: both } }));
    expect(inOverrides.field).toBe('policy.overrides.maxOutputTokens');
    expect(() =>
      createClient({ provider: scriptedProvider(textScript(words)), profiles: { bob: both } }),
    ).toThrow(/profiles\["bob"\]\.cutAtTokens/);
  });

  it('names the new setting in errors about its value', () => {
    expect(errorOf(() => defineProfile('bad-cut', { cutAtTokens: 0 })).field).toBe(
      'profiles.bad-cut.cutAtTokens',
    );
    expect(errorOf(() => client.stream({ model, messages, policy: { cutAtTokens: 2.5 } })).field).toBe(
      'policy.cutAtTokens',
    );
  });
});
