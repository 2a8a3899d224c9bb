import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createWireServer, type WireRequestRecord, type WireServer } from '@stopwise/replay';
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
