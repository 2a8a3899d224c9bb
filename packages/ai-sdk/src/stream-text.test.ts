import { syntheticAnthropicChunks, syntheticChatChunks } from '@stopwise/replay';
import {
  extractReasoningMiddleware,
  type LanguageModel,
  streamText,
  type TextStreamPart,
  type ToolSet,
  wrapLanguageModel,
} from 'ai';
import { describe, expect, it } from 'vitest';
import { type StopwiseMetadata, stopwiseMiddleware, stopwiseOptions } from './index.js';
import { filler, lastRequest, responsesChunks, useWireServer } from './test-utils.js';

const wire = useWireServer();

/** Streams a prompt through `model`, returning every part, the text and what resolved. */
async function drain(model: LanguageModel, providerOptions?: ReturnType<typeof stopwiseOptions>) {
  const result = streamText({ model, prompt: 'What is 2 + 2?', providerOptions });
  const parts: TextStreamPart<ToolSet>[] = [];
  for await (const part of result.fullStream) parts.push(part);
  const metadata = (await result.providerMetadata)?.stopwise as unknown as StopwiseMetadata | undefined;
  return {
    parts,
    text: await result.text,
    reasoning: await result.reasoningText,
    finishReason: await result.finishReason,
    usage: await result.usage,
    metadata,
  };
}

/** Waits for the server to be done with the last request and returns what it saw. */
async function served() {
  const record = lastRequest(wire.server);
  await record.settled;
  return record;
}

const answer = ['The answer', ' is 4.', '\n\nFinal', ' answer: 4', '\n'];
// Chunk 0 is the role chunk, so the delta at index i is chunk i + 1.
const stopChunk = answer.length;

describe('streamText over a wrapped @ai-sdk/openai chat model', () => {
  it('stops at the stop pattern, closes the request within 2 chunks and resolves usage and finishReason', async () => {
    const deltas = [...answer, ...filler(300)];
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas, usage: { promptTokens: 9, completionTokens: 320 } }),
      paceMs: 1,
    });
    const model = wrapLanguageModel({
      model: wire.openai().chat('gpt-4o-mini'),
      middleware: stopwiseMiddleware({ holdBack: 32 }),
    });
    const run = await drain(model, stopwiseOptions({ policy: { stopOn: [/Final answer: .+\n/] } }));

    // Held back, the stop string's first chunks never reached the AI SDK: the text is the kept text.
    expect(run.text).toBe('The answer is 4.\n\n');
    expect(run.finishReason).toBe('stop');
    expect(run.usage.outputTokens).toBeGreaterThan(0);
    expect(run.usage.inputTokens).toBeGreaterThan(0);
    expect(run.metadata).toMatchObject({
      outcome: 'policy-stop',
      stop: {
        policy: 'stopOn(/Final answer: .+\\n/)',
        phase: 'answer',
        atChar: 'The answer is 4.\n\n'.length,
        retractedChars: 0,
      },
      usage: { source: 'estimated', inputSource: 'estimated', outputTokens: run.usage.outputTokens },
      savings: { stoppedBy: 'stopOn(/Final answer: .+\\n/)', outputTokensSource: 'estimated' },
    });
    // Text blocks are closed before the finish, as the AI SDK expects.
    expect(run.parts.map((part) => part.type)).toEqual([
      'start',
      'start-step',
      'text-start',
      ...run.parts.filter((part) => part.type === 'text-delta').map(() => 'text-delta'),
      'text-end',
      'finish-step',
      'finish',
    ]);

    const record = await served();
    expect(record.clientClosed).toBe(true);
    expect(record.chunksWritten - (stopChunk + 1)).toBeLessThanOrEqual(2);
  });

  it('without holdBack passes each delta on at once and says how much of it the cut removed', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas: [...answer, ...filler(50)] }),
    });
    const model = wrapLanguageModel({
      model: wire.openai().chat('gpt-4o-mini'),
      middleware: stopwiseMiddleware(),
    });
    const run = await drain(model, stopwiseOptions({ policy: { stopOn: [/Final answer: .+\n/] } }));
    expect(run.text).toBe('The answer is 4.\n\nFinal answer: 4\n');
    expect(run.metadata?.stop?.retractedChars).toBe('Final answer: 4\n'.length);
    expect(run.metadata?.stop?.atChar).toBe('The answer is 4.\n\n'.length);
  });

  it('reports the provider usage, untouched, when the model ends on its own', async () => {
    wire.server.enqueue({
      format: 'openai-chat',
      chunks: syntheticChatChunks({ deltas: ['Four.'], usage: { promptTokens: 9, completionTokens: 2 } }),
    });
    const model = wrapLanguageModel({
      model: wire.openai().chat('gpt-4o-mini'),
      middleware: stopwiseMiddleware(),
    });
    const run = await drain(model, stopwiseOptions({ policy: { stopOn: ['\n\n'] } }));
    expect(run.text).toBe('Four.');
    expect(run.finishReason).toBe('stop');
    expect(run.usage).toMatchObject({ inputTokens: 9, outputTokens: 2 });
    expect(run.metadata).toMatchObject({
      outcome: 'finish',
      stop: null,
      usage: { source: 'provider', outputTokens: 2 },
      savings: { tokensSaved: 0 },
    });
    expect((await served()).clientClosed).toBe(false);
  });
});

describe('reasoning inline in the text, with the AI SDK extracting it (as the README says)', () => {
  it("inside stopwise's middleware, the chain reads the thinking as reasoning and stops on the answer", async () => {
    const doubt = 'Wait, let me check that once more. '.repeat(10);
    const deltas = [
      '<think>\n',
      'So the answer is 5.',
      `\n\n${doubt}`,
      '2 + 2 is 4.\n',
      '</think>',
      'The answer is 4.',
      ` ${'Two and two make four. '.repeat(16)}`,
    ];
    const run = (order: 'inside' | 'outside') => {
      wire.server.enqueue({ format: 'openai-chat', chunks: syntheticChatChunks({ deltas }) });
      const extract = extractReasoningMiddleware({ tagName: 'think' });
      const stopwise = stopwiseMiddleware({ profile: 'balanced' });
      return drain(
        wrapLanguageModel({
          model: wire.openai().chat('deepseek-r1-distill-qwen-7b'),
          middleware: order === 'inside' ? [stopwise, extract] : [extract, stopwise],
        }),
      );
    };
    const inside = await run('inside');
    expect(inside.reasoning).toContain('So the answer is 5.');
    expect(inside.metadata?.stop?.phase).toBe('answer');
    expect(inside.text).toBe('The answer is 4.');
    // The other way round, stopwise sees the tags as text and stops on the thinking's answer.
    const outside = await run('outside');
    expect(outside.metadata?.stop?.reason).toContain('answer complete');
    expect(outside.text).not.toContain('The answer is 4.');
  });
});

describe('streamText over the default @ai-sdk/openai model (Responses API)', () => {
  it('passes reasoning through unchanged and stops in the answer', async () => {
    const reasoning = ['Add', ' two', ' and two.'];
    const deltas = ['It', ' is 4.', '\n\n', 'Let me', ' explain', ...filler(200)];
    const unwrapped = await (async () => {
      wire.server.enqueue({
        format: 'openai-responses',
        chunks: responsesChunks({ reasoning, deltas: ['It'] }),
      });
      return drain(wire.openai()('o4-mini'));
    })();
    wire.server.enqueue({
      format: 'openai-responses',
      chunks: responsesChunks({ reasoning, deltas }),
      paceMs: 1,
    });
    const model = wrapLanguageModel({ model: wire.openai()('o4-mini'), middleware: stopwiseMiddleware() });
    const run = await drain(model, stopwiseOptions({ policy: { stopOn: ['\n\n'] } }));

    expect(run.reasoning).toBe('Add two and two.');
    const reasoningParts = (parts: TextStreamPart<ToolSet>[]) =>
      parts.filter((part) => part.type.startsWith('reasoning'));
    expect(reasoningParts(run.parts)).toEqual(reasoningParts(unwrapped.parts));
    expect(run.text).toBe('It is 4.');
    expect(run.finishReason).toBe('stop');
    expect(run.metadata?.stop).toMatchObject({ policy: 'stopOn("\\n\\n")', phase: 'answer', atChar: 8 });
    const record = await served();
    expect(record.path).toBe('/v1/responses');
    expect(record.clientClosed).toBe(true);
    // Chunks before the text: created, item added, part added, 3 reasoning deltas, item done,
    // message added, content part added; the stop is decided on the third text delta.
    const decisive = 9 + 2;
    expect(record.chunksWritten - (decisive + 1)).toBeLessThanOrEqual(2);
  });
});

describe('streamText over a wrapped @ai-sdk/anthropic model', () => {
  it('passes thinking through and stops in the text, closing the request', async () => {
    const thinking = ['Two', ' plus two', ' is four.'];
    const deltas = ['4', '\n\nQ:', ' and', ...filler(200)];
    wire.server.enqueue({
      format: 'anthropic',
      chunks: syntheticAnthropicChunks({ deltas, thinking, inputTokens: 14 }),
      paceMs: 1,
    });
    const model = wrapLanguageModel({
      model: wire.anthropic()('claude-sonnet-4-5'),
      middleware: stopwiseMiddleware({ profile: 'balanced' }),
    });
    const run = await drain(model, stopwiseOptions({ policy: { stopOn: ['\n\nQ:'] } }));
    expect(run.reasoning).toBe('Two plus two is four.');
    expect(run.text).toBe('4');
    expect(run.finishReason).toBe('stop');
    expect(run.metadata).toMatchObject({ profile: 'balanced', stop: { policy: 'stopOn("\\n\\nQ:")' } });
    const record = await served();
    expect(record.path).toBe('/v1/messages');
    expect(record.clientClosed).toBe(true);
    // message_start, thinking start + 3 deltas + stop, text start, then the stopping delta.
    const decisive = 1 + 5 + 1 + 1;
    expect(record.chunksWritten - (decisive + 1)).toBeLessThanOrEqual(2);
  });
});
