import { createWireServer, loadWireFixture, type WireServer } from '@stopwise/replay';
import AnthropicNewest from 'anthropic-newest';
import AnthropicOldest from 'anthropic-oldest';
import { createClient, stopOn } from 'stopwise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropic } from './index.js';

// The adapter takes `@anthropic-ai/sdk` as a peer dependency with the range `^1.0.0`: an app
// brings its own copy. These tests drive the oldest and the newest release of that range
// (installed under aliases) through the adapter, so the range is a tested claim.

let server: WireServer;
beforeAll(async () => {
  server = await createWireServer();
});
afterAll(async () => {
  await server.close();
});

interface EventChunk {
  type: string;
  delta?: { type?: string; text?: string };
}

const chunks = loadWireFixture('anthropic-anthropic-text') as EventChunk[];
const recordedText = chunks
  .map((chunk) =>
    chunk.type === 'content_block_delta' && chunk.delta?.type === 'text_delta' ? chunk.delta.text : '',
  )
  .join('');

const releases = [
  {
    release: '@anthropic-ai/sdk@1.0.0 (oldest in range)',
    make: (baseURL: string) => new AnthropicOldest({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 }),
  },
  {
    release: '@anthropic-ai/sdk@1.16.0 (newest checked)',
    make: (baseURL: string) => new AnthropicNewest({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 }),
  },
];

describe.each(releases)('a caller-built client of $release', ({ make }) => {
  // Another copy of the SDK than the adapter's dev dependency, so its type differs by `#private`
  // fields; in an app with one copy (a peer dependency) it type-checks.
  const provider = () => anthropic({ client: make(server.url) as never });

  it('streams a recorded Messages stream whole, with the provider usage', async () => {
    server.enqueue({ format: 'anthropic', chunks });
    const result = await createClient({ provider: provider() }).generate({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe(recordedText);
    expect(result.usage?.source).toBe('provider');
  });

  it('stops on a policy and closes the request', async () => {
    const marker = 'How are you';
    expect(recordedText).toContain(marker);
    // Paced, so the server is still writing when the stop lands.
    server.enqueue({ format: 'anthropic', chunks, paceMs: 20 });
    const requestsBefore = server.requests.length;
    const result = await createClient({ provider: provider() }).generate({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'Hi' }],
      policy: { policies: [stopOn([marker])] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe(recordedText.slice(0, recordedText.indexOf(marker)));
    const request = server.requests[requestsBefore];
    if (!request) throw new Error('the server saw no request');
    await request.settled;
    expect(request.clientClosed).toBe(true);
    expect(request.chunksWritten).toBeLessThan(chunks.length);
  });
});
