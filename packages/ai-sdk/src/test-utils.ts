import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createWireServer, loadWireFixture, type WireRequestRecord, type WireServer } from '@stopwise/replay';
import { afterAll, beforeAll } from 'vitest';

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
