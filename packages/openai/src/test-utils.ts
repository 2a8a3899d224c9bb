import { createWireServer, type WireRequestRecord, type WireServer } from '@stopwise/replay';
import { afterAll, beforeAll } from 'vitest';

/** Starts one loopback wire server for a test file and closes it afterwards. */
export function useWireServer(): { readonly server: WireServer; readonly baseURL: string } {
  let server: WireServer | undefined;
  beforeAll(async () => {
    server = await createWireServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('wire server not started');
      return server;
    },
    get baseURL() {
      return `${this.server.url}/v1`;
    },
  };
}

/** The last request the server received. */
export function lastRequest(server: WireServer): WireRequestRecord {
  const record = server.requests.at(-1);
  if (!record) throw new Error('the wire server received no request');
  return record;
}

/** Resolves true once the request's socket closed, false after `ms`. */
export function socketClosedWithin(record: WireRequestRecord, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([record.socketClosed.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** One Chat Completions chunk in the shape OpenAI streams it. */
export function chatChunk(
  delta: Record<string, unknown>,
  extra: { finish_reason?: string | null; logprobs?: unknown; usage?: unknown } = {},
): Record<string, unknown> {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1770933892,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      { index: 0, delta, logprobs: extra.logprobs ?? null, finish_reason: extra.finish_reason ?? null },
    ],
    usage: extra.usage ?? null,
  };
}

/** The usage chunk OpenAI sends last with `stream_options.include_usage`. */
export function chatUsageChunk(prompt: number, completion: number): Record<string, unknown> {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1770933892,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}
