/**
 * A failed or broken connection looks the same whichever adapter saw it: the OpenAI SDK, the
 * Anthropic SDK, or `stopwise/sse`. Same code, same retryability, the same `connection` details,
 * and the text received before a break kept.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type LanguageModelProvider, ProviderError } from 'stopwise';
import { serializeError } from 'stopwise/adapter';
import { gemini } from 'stopwise/sse';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticAnthropicChunks } from '../wire/synthetic-anthropic.js';
import { syntheticChatChunks } from '../wire/synthetic-chat.js';
import { createWireServer, type WireScript } from '../wire/wire-server.js';
import { type AdapterName, providerFor } from './harness.js';

type Adapter = AdapterName | 'sse';
const adapters: Adapter[] = ['openai', 'anthropic', 'sse'];
const geminiKey = 'AIzaSyTEST_connection_0123456789abcdef';

function providerAt(adapter: Adapter, url: string): LanguageModelProvider<unknown> {
  if (adapter === 'sse') return gemini({ apiKey: geminiKey, baseURL: url }) as LanguageModelProvider<unknown>;
  return providerFor(adapter, url);
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function generate(adapter: Adapter, url: string) {
  const client = createClient({ provider: providerAt(adapter, url) });
  return client.generate({ model: 'test-model', messages: [{ role: 'user', content: 'Hi' }] });
}

describe.each(adapters)('connection failures through %s', (adapter) => {
  it('a refused connection: connection_error, retryable, host, port, errno, code and syscall', async () => {
    const port = await closedPort();
    const result = await generate(adapter, `http://127.0.0.1:${port}`);
    expect(result.outcome).toBe('error');
    expect(ProviderError.isInstance(result.error)).toBe(true);
    const error = result.error as ProviderError;
    expect(error).toMatchObject({ status: undefined, code: 'connection_error', retryable: true });
    expect(error.message).toMatch(/connection failed: .*ECONNREFUSED/);
    expect(error.connection).toEqual({
      host: '127.0.0.1',
      port,
      errno: expect.any(Number),
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    // Exporters write the details too (they drop `cause`).
    expect(serializeError(error)).toMatchObject({ code: 'connection_error', connection: { port } });
  });

  it('a reset mid-stream: connection_error with the system code and request id, text before it kept', async () => {
    const deltas = Array.from({ length: 30 }, (_, index) => `w${index} `);
    const script: WireScript =
      adapter === 'openai'
        ? { format: 'openai-chat', chunks: syntheticChatChunks({ deltas }), paceMs: 1, rawAt: { 10: null } }
        : adapter === 'anthropic'
          ? {
              format: 'anthropic',
              chunks: syntheticAnthropicChunks({ deltas }),
              paceMs: 1,
              rawAt: { 10: null },
            }
          : {
              format: 'gemini',
              chunks: deltas.map((text) => ({
                candidates: [{ content: { role: 'model', parts: [{ text }] } }],
              })),
              paceMs: 1,
              rawAt: { 10: null },
            };
    // Each provider's own request-id header: the id a support ticket about the break needs.
    const requestIdHeader = { openai: 'x-request-id', anthropic: 'request-id', sse: 'x-goog-request-id' }[
      adapter
    ];
    const server = await createWireServer({
      respond: () => ({ ...script, headers: { [requestIdHeader]: 'req_broken_42' } }),
    });
    closers.push(() => server.close());
    const result = await generate(adapter, adapter === 'openai' ? `${server.url}/v1` : server.url);
    expect(result.outcome).toBe('error');
    const error = result.error as ProviderError;
    expect(error.requestId).toBe('req_broken_42');
    expect(error).toMatchObject({
      kind: 'provider',
      status: undefined,
      code: 'connection_error',
      retryable: true,
    });
    expect(error.message).toMatch(/connection broke mid-stream/);
    expect(error.connection?.code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    expect(result.text.length).toBeGreaterThan(0);
  });
});
