import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createWireServer, loadWireFixture, type WireRequestRecord, type WireServer } from '@stopwise/replay';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll } from 'vitest';
import type { V3StreamPart, V3Usage } from './v3-types.js';

/** Starts one loopback wire server for a test file, with AI SDK providers pointed at it. */
export function useWireServer() {
  let server: WireServer | undefined;
  beforeAll(async () => {
    server = await createWireServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server(): WireServer {
      if (!server) throw new Error('wire server not started');
      return server;
    },
    /** `@ai-sdk/openai` against the server (`.chat(id)` or the default Responses API). */
    openai() {
      return createOpenAI({ apiKey: 'sk-test', baseURL: `${this.server.url}/v1` });
    },
    /** `@ai-sdk/anthropic` against the server. */
    anthropic() {
      return createAnthropic({ apiKey: 'sk-ant-test', baseURL: `${this.server.url}/v1` });
    },
  };
}

/** The last request the server received. */
export function lastRequest(server: WireServer): WireRequestRecord {
  const record = server.requests.at(-1);
  if (!record) throw new Error('the wire server received no request');
  return record;
}

/** Numbered filler deltas: a long answer the stop should spare the server from writing. */
export function filler(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, index) => ` word${from + index}`);
}

type Json = Record<string, unknown>;

/**
 * An OpenAI Responses stream built from the recorded one
 * (`openai-responses-openai-reasoning-encrypted-content.1`): its events as templates, with a
 * reasoning summary of `reasoning` deltas, then a message of `deltas`, then `response.completed`
 * with the recorded usage.
 */
export function responsesChunks(options: {
  reasoning: readonly string[];
  deltas: readonly string[];
}): unknown[] {
  const recorded = loadWireFixture('openai-responses-openai-reasoning-encrypted-content.1') as Json[];
  const first = (type: string, from = 0) => {
    const event = recorded.slice(from).find((candidate) => candidate.type === type);
    if (!event) throw new Error(`the recording has no ${type} after ${from}`);
    return structuredClone(event);
  };
  const messageAt = recorded.findIndex(
    (event) => event.type === 'response.output_item.added' && (event.item as Json).type === 'message',
  );
  const reasoningDelta = first('response.reasoning_summary_text.delta');
  const textDelta = first('response.output_text.delta');
  const completed = first('response.completed', messageAt);
  return [
    first('response.created'),
    first('response.output_item.added'),
    first('response.reasoning_summary_part.added'),
    ...options.reasoning.map((delta) => ({ ...reasoningDelta, delta })),
    first('response.output_item.done'),
    first('response.output_item.added', messageAt),
    first('response.content_part.added', messageAt),
    ...options.deltas.map((delta) => ({ ...textDelta, delta })),
    first('response.output_item.done', messageAt),
    completed,
  ];
}

/** AI SDK usage with `input` and `output` tokens. */
export function v3Usage(input: number, output: number): V3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

/** A model's finish part. */
export function v3Finish(unified: 'stop' | 'tool-calls' = 'stop'): V3StreamPart {
  return { type: 'finish', finishReason: { unified, raw: unified }, usage: v3Usage(5, 7) };
}

/**
 * A model (the AI SDK's own mock) streaming `parts`, one per read. `openDelayMs` delays
 * `doStream` (the response headers; an abort rejects it as a real fetch would) and `errorAfter`
 * fails the stream after the last part. `calls` records each call's abort signal.
 */
export function scriptedModel(
  parts: readonly V3StreamPart[],
  options: { openDelayMs?: number; errorAfter?: unknown } = {},
): { model: MockLanguageModelV3; calls: { signal: AbortSignal | undefined }[] } {
  const calls: { signal: AbortSignal | undefined }[] = [];
  const model = new MockLanguageModelV3({
    doStream: async ({ abortSignal }) => {
      calls.push({ signal: abortSignal });
      if (options.openDelayMs !== undefined) await abortableDelay(options.openDelayMs, abortSignal);
      let index = 0;
      const stream = new ReadableStream<V3StreamPart>({
        pull(controller) {
          const part = parts[index++];
          if (part) controller.enqueue(part);
          else if (options.errorAfter !== undefined) controller.error(options.errorAfter);
          else controller.close();
        },
      });
      return { stream, request: { body: 'request' }, response: { headers: { 'x-test': '1' } } };
    },
  });
  return { model, calls };
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
