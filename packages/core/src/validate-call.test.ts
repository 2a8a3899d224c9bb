import { describe, expect, it } from 'vitest';
import { type CallOptions, ConfigError, createClient, type StopPolicy } from './index.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const valid: CallOptions = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('bad input is a ConfigError naming the field, thrown before any request', () => {
  const cases: Array<[string, Partial<CallOptions> & Record<string, unknown>, string, RegExp]> = [
    ['empty messages', { messages: [] }, 'messages', /non-empty array/],
    [
      'unknown role',
      { messages: [{ role: 'robot', content: 'x' }] as never },
      'messages[0].role',
      /system, user, assistant/,
    ],
    [
      'non-string content',
      { messages: [{ role: 'user', content: 42 }] as never },
      'messages[0].content',
      /string/,
    ],
    ['negative maxOutputTokens', { maxOutputTokens: -5 }, 'maxOutputTokens', /integer of at least 1/],
    ['fractional maxOutputTokens', { maxOutputTokens: 2.5 }, 'maxOutputTokens', /integer/],
    ['empty stop string', { policy: { stopOn: ['ok', ''] } }, 'policy.stopOn[1]', /empty string/],
    [
      'policy without step',
      { policy: { policies: [{ name: 'half' } as unknown as StopPolicy] } },
      'policy.policies[0].step',
      /no step/,
    ],
    [
      'unknown profile',
      { policy: { profile: 'no-such-profile' } },
      'policy.profile',
      /unknown profile "no-such-profile"; known profiles: .*off/,
    ],
    ['empty model', { model: '' }, 'model', /non-empty string/],
    ['NaN temperature', { temperature: Number.NaN }, 'temperature', /finite/],
    ['hook not a function', { telemetry: { onCallEnd: 'log' as never } }, 'telemetry.onCallEnd', /function/],
  ];
  for (const [label, patch, field, message] of cases) {
    it(label, () => {
      const provider = scriptedProvider(textScript(['x']));
      const client = createClient({ provider });
      const error = configErrorOf(() => client.stream({ ...valid, ...patch } as CallOptions));
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
      expect(provider.requests).toHaveLength(0);
    });
  }

  it('an unknown default profile fails at createClient', () => {
    const error = configErrorOf(() => createClient({ provider: scriptedProvider([]), profile: 'balancd' }));
    expect(error.field).toBe('profile');
  });

  it('an unknown profile in the user map fails at createClient', () => {
    const error = configErrorOf(() =>
      createClient({ provider: scriptedProvider([]), profiles: { 'user-1': 'nope' } }),
    );
    expect(error.field).toBe('profiles["user-1"]');
  });

  it('a resolver naming an unknown profile ends the run with a ConfigError before any request', async () => {
    const provider = scriptedProvider(textScript(['x']));
    const client = createClient({ provider, profiles: async () => 'ghost' });
    const result = await client.generate({ ...valid, user: 'u' });
    expect(result.outcome).toBe('error');
    expect(ConfigError.isInstance(result.error)).toBe(true);
    expect(provider.requests).toHaveLength(0);
  });

  it('a provider that is not an adapter fails at createClient', () => {
    expect(configErrorOf(() => createClient({ provider: {} as never })).field).toBe('provider');
  });
});
