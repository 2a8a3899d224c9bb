import { syntheticChatChunks } from '@stopwise/replay';
import { streamText, wrapLanguageModel } from 'ai';
import { ConfigError, type StopPolicy } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { type StopwiseMetadata, stopwiseMiddleware, stopwiseOptions } from './index.js';
import { filler, lastRequest, useWireServer } from './test-utils.js';

const wire = useWireServer();

function wrapped(middleware: ReturnType<typeof stopwiseMiddleware>) {
  return wrapLanguageModel({ model: wire.openai().chat('gpt-4o-mini'), middleware });
}

async function finished(result: ReturnType<typeof streamText>) {
  return {
    text: await result.text,
    finishReason: await result.finishReason,
    metadata: (await result.providerMetadata)?.stopwise as unknown as StopwiseMetadata,
  };
}

describe('stopwiseMiddleware options', () => {
  it('refuses a misspelt option with a ConfigError naming it', () => {
    expect(() => stopwiseMiddleware({ profil: 'balanced' } as never)).toThrow(ConfigError);
    expect(() => stopwiseMiddleware({ profil: 'balanced' } as never)).toThrow(
      /`profil`.*did you mean `profile`/,
    );
    expect(() => stopwiseMiddleware({ holdBack: -1 })).toThrow(/holdBack/);
    expect(() => stopwiseMiddleware({ profile: 'no-such-preset' })).toThrow(ConfigError);
    expect(() => stopwiseMiddleware({ telemetry: { onCallEnd: 'log' as never } })).toThrow(/telemetry/);
  });

  it('rejects a misspelt per-call setting before anything is sent', async () => {
    const before = wire.server.requests.length;
    const errors: unknown[] = [];
    const result = streamText({
      model: wrapped(stopwiseMiddleware()),
      prompt: 'Hi',
      providerOptions: { stopwise: { usr: 'user-42' } },
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    await result.consumeStream();
    const error = errors[0];
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/providerOptions\.stopwise\.usr/);
    expect(wire.server.requests.length).toBe(before);
  });

  it("applies a user's preset from `profiles`, and the client's profile to everyone else", async () => {
    const middleware = stopwiseMiddleware({
      profile: 'balanced',
      profiles: { 'user-42': { profile: 'realtime', stopOn: ['\n\nQ:'] } },
    });
    const deltas = ['Yes.', '\n\nQ:', ' what else', ...filler(20)];
    const ask = (user: string) => {
      wire.server.enqueue({ format: 'openai-chat', chunks: syntheticChatChunks({ deltas }) });
      return finished(
        streamText({
          model: wrapped(middleware),
          prompt: 'Is 7 prime?',
          providerOptions: stopwiseOptions({ user }),
        }),
      );
    };
    const preset = await ask('user-42');
    expect(preset.text).toBe('Yes.');
    expect(preset.metadata).toMatchObject({ profile: 'realtime', stop: { policy: 'stopOn("\\n\\nQ:")' } });
    const other = await ask('user-7');
    expect(other.metadata.profile).toBe('balanced');
    expect(other.text).toContain('what else');
    // The middleware's client keeps the totals, by user.
    expect(middleware.stats().byUser['user-42']?.calls).toBe(1);
  });

  it('takes per-call settings from the `call` option too', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas: ['A', ' END', ' more'] }),
    });
    const middleware = stopwiseMiddleware({ call: () => ({ policy: { stopOn: [' END'] } }) });
    const run = await finished(streamText({ model: wrapped(middleware), prompt: 'Hi' }));
    expect(run.text).toBe('A');
  });
});

describe('what never breaks the stream', () => {
  it('a throwing telemetry hook', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas: ['Hello', '\n\n', 'more'] }),
    });
    const boom = () => {
      throw new Error('hook failed');
    };
    const middleware = stopwiseMiddleware({
      telemetry: { onCallStart: boom, onPolicyStop: boom, onCallEnd: boom },
    });
    const run = await finished(
      streamText({
        model: wrapped(middleware),
        prompt: 'Hi',
        providerOptions: stopwiseOptions({ policy: { stopOn: ['\n\n'] } }),
      }),
    );
    expect(run.text).toBe('Hello');
    expect(run.metadata.outcome).toBe('policy-stop');
  });

  it('a throwing policy (switched off; the rest of the chain still stops)', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas: ['One', ' two', '\n\n', 'three'] }),
    });
    const broken: StopPolicy = {
      name: 'broken',
      step: () => {
        throw new Error('policy bug');
      },
    };
    const run = await finished(
      streamText({
        model: wrapped(stopwiseMiddleware()),
        prompt: 'Count',
        providerOptions: stopwiseOptions({ policy: { policies: [broken], stopOn: ['\n\n'] } }),
      }),
    );
    expect(run.text).toBe('One two');
    expect(run.metadata.stop?.policy).toBe('stopOn("\\n\\n")');
  });

  it("the caller's own abortSignal still aborts, and closes the request", async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas: filler(400) }),
      paceMs: 2,
    });
    const controller = new AbortController();
    let aborted = false;
    const result = streamText({
      model: wrapped(stopwiseMiddleware({ profile: 'balanced' })),
      prompt: 'Talk',
      abortSignal: controller.signal,
      onAbort: () => {
        aborted = true;
      },
    });
    let seen = 0;
    const types: string[] = [];
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === 'text-delta' && ++seen === 5) controller.abort();
    }
    expect(aborted).toBe(true);
    expect(types.at(-1)).toBe('abort');
    const record = lastRequest(wire.server);
    await record.settled;
    expect(record.clientClosed).toBe(true);
    expect(record.chunksWritten).toBeLessThan(50);
  });
});
