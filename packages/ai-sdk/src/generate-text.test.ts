import { loadWireFixture, syntheticChatChunks } from '@stopwise/replay';
import { generateText, jsonSchema, streamText, tool, wrapLanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { type StopwiseMetadata, stopwiseMiddleware, stopwiseOptions } from './index.js';
import { filler, lastRequest, useWireServer } from './test-utils.js';

const wire = useWireServer();

describe('generateText over a wrapped model', () => {
  it('streams under the hood, stops, and resolves the kept text, usage and finishReason', async () => {
    // The stop string is split over three chunks: generateText holds everything, so the cut is exact.
    const deltas = ['Paris', ' is the capital.', '\n', '\nQ', ':', ' next', ...filler(200)];
    wire.server.enqueue({ format: 'openai-chat', chunks: syntheticChatChunks({ deltas }), paceMs: 1 });
    const model = wrapLanguageModel({
      model: wire.openai().chat('gpt-4o-mini'),
      middleware: stopwiseMiddleware(),
    });
    const result = await generateText({
      model,
      prompt: 'Capital of France?',
      maxOutputTokens: 400,
      providerOptions: stopwiseOptions({ policy: { stopOn: ['\n\nQ:'] } }),
    });
    expect(result.text).toBe('Paris is the capital.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const metadata = result.providerMetadata?.stopwise as unknown as StopwiseMetadata;
    expect(metadata).toMatchObject({
      outcome: 'policy-stop',
      stop: { policy: 'stopOn("\\n\\nQ:")', atChar: 'Paris is the capital.'.length, retractedChars: 0 },
      usage: { source: 'estimated' },
      // The call's cap bounds what the stop can have saved.
      savings: { boundSource: 'maxOutputTokens' },
    });
    expect((metadata.savings as { tokensSavedAtMost: number }).tokensSavedAtMost).toBeGreaterThan(300);
    const record = lastRequest(wire.server);
    await record.settled;
    expect((record.body as { stream?: boolean }).stream).toBe(true);
    expect(record.clientClosed).toBe(true);
    expect(record.chunksWritten - (5 + 1)).toBeLessThanOrEqual(2);
  });

  it("keeps a thinking block's signature, which Anthropic sends as a delta (recorded stream)", async () => {
    const chunks = loadWireFixture('anthropic-anthropic-clear-thinking.1');
    wire.server.enqueue({ format: 'anthropic', chunks });
    const plain = streamText({ model: wire.anthropic()('claude-sonnet-4-5'), prompt: 'q' });
    const plainReasoning = await plain.reasoning;
    wire.server.enqueue({ format: 'anthropic', chunks });
    const wrapped = await generateText({
      model: wrapLanguageModel({
        model: wire.anthropic()('claude-sonnet-4-5'),
        middleware: stopwiseMiddleware({ profile: 'off' }),
      }),
      prompt: 'q',
    });
    // Without the signature, the thinking cannot be sent back in a later turn.
    expect(plainReasoning[0]?.providerMetadata).toMatchObject({
      anthropic: { signature: expect.any(String) },
    });
    expect(wrapped.reasoning).toEqual(plainReasoning);
  });

  it('passes a tool call through unchanged (recorded Anthropic tool use)', async () => {
    const chunks = loadWireFixture('anthropic-anthropic-json-tool.1');
    const tools = {
      json: tool({ description: 'Weather as JSON', inputSchema: jsonSchema({ type: 'object' }) }),
    };
    // The unwrapped model's own generate is not streamed (the wire server only streams), so its
    // streamed call is the reference.
    wire.server.enqueue({ format: 'anthropic', chunks });
    const plain = streamText({
      model: wire.anthropic()('claude-haiku-4-5'),
      prompt: 'Weather in SF as JSON',
      tools,
    });
    const plainToolCalls = await plain.toolCalls;
    wire.server.enqueue({ format: 'anthropic', chunks });
    const wrapped = await generateText({
      model: wrapLanguageModel({
        model: wire.anthropic()('claude-haiku-4-5'),
        middleware: stopwiseMiddleware({ profile: 'balanced' }),
      }),
      prompt: 'Weather in SF as JSON',
      tools,
    });
    expect(wrapped.toolCalls).toHaveLength(1);
    expect(wrapped.toolCalls).toEqual(plainToolCalls);
    expect(wrapped.toolCalls[0]?.input).toEqual({
      elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }],
    });
    expect(wrapped.finishReason).toBe('tool-calls');
    expect(wrapped.usage).toEqual(await plain.usage);
    expect(wrapped.providerMetadata?.stopwise).toMatchObject({ usage: { source: 'provider' } });
  });

  it('streamText passes the same tool call parts as the unwrapped model', async () => {
    const chunks = loadWireFixture('anthropic-anthropic-json-tool.1');
    const tools = { json: tool({ inputSchema: jsonSchema({ type: 'object' }) }) };
    const parts = async (wrap: boolean) => {
      wire.server.enqueue({ format: 'anthropic', chunks });
      const base = wire.anthropic()('claude-haiku-4-5');
      const model = wrap ? wrapLanguageModel({ model: base, middleware: stopwiseMiddleware() }) : base;
      const result = streamText({ model, prompt: 'Weather in SF as JSON', tools });
      const seen = [];
      for await (const part of result.fullStream) if (part.type.startsWith('tool-')) seen.push(part);
      return seen;
    };
    const [plain, wrapped] = [await parts(false), await parts(true)];
    expect(wrapped.map((part) => part.type)).toEqual([
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-end',
      'tool-call',
    ]);
    expect(wrapped).toEqual(plain);
  });
});
