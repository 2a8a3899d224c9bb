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

describe("the adapter's checkRequest", () => {
  const call = {
    model: 'm',
    messages: [{ role: 'user' as const, content: 'Hi' }],
    maxOutputTokens: 50,
    providerOptions: { topp: 0.5 },
  };

  it('runs at the call with its fields; what it throws is thrown before any request', async () => {
    const seen: unknown[] = [];
    const provider = {
      ...scriptedProvider(textScript(['Hello.'])),
      checkRequest(request: unknown) {
        seen.push(request);
        throw new ConfigError('providerOptions.topp', 'is not an option; did you mean topP?');
      },
    };
    const client = createClient({ provider });
    expect(() => client.stream(call)).toThrow(/providerOptions\.topp/);
    await expect(client.generate(call)).rejects.toMatchObject({
      kind: 'config',
      field: 'providerOptions.topp',
    });
    expect(provider.requests).toHaveLength(0);
    expect(seen[0]).toEqual({
      model: 'm',
      messages: call.messages,
      maxOutputTokens: 50,
      temperature: undefined,
      user: undefined,
      logprobs: undefined,
      providerOptions: { topp: 0.5 },
    });
  });

  it('lets the call run when it passes', async () => {
    let checks = 0;
    const provider = {
      ...scriptedProvider(textScript(['Hello.'])),
      checkRequest: () => {
        checks += 1;
      },
    };
    const result = await createClient({ provider }).generate(call);
    expect(result.outcome).toBe('finish');
    expect(checks).toBe(1);
  });

  it('must be a function when a provider has one', () => {
    const provider = { ...scriptedProvider(textScript(['Hello.'])), checkRequest: 'yes' };
    expect(() => createClient({ provider: provider as never })).toThrow(/provider\.checkRequest/);
  });
});

describe('a learning client', () => {
  it('sends a stream only when it is iterated, which may be after an await, and learns from it', async () => {
    const provider = scriptedProvider(textScript(['one ', 'two']));
    const learning = createClient({ provider, profile: 'balanced', learn: { holdoutFloor: 0 } });
    const run = learning.stream({ model: 'm', messages: [{ role: 'user', content: 'Count.' }] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Nothing was sent for a run nobody read yet, and its parts are all still there.
    expect(provider.requests).toHaveLength(0);
    const deltas: string[] = [];
    for await (const part of run) if (part.type === 'text-delta') deltas.push(part.delta);
    expect(deltas).toEqual(['one ', 'two']);
    expect((await run.result).outcome).toBe('finish');
    // The loop heard of the call: a verdict on it is refused for what the call was, not as unknown.
    const verdict = learning.feedback(run.callId, { correct: true });
    expect(verdict.accepted ? '' : verdict.reason).not.toMatch(/unknown call id/);
  });
});
