import { createWireServer, loadWireFixture, type WireServer } from '@stopwise/replay';
import OpenAINewest from 'openai-newest';
import OpenAIOldest from 'openai-oldest';
import { createClient, stopOn } from 'stopwise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openai } from './index.js';

// The adapter takes `openai` as a peer dependency with the range `^6.0.0`: an app brings its own
// copy. These tests drive the oldest and the newest release of that range (installed under
// aliases) through the adapter, so a widened range is a tested claim, not a hope.

let server: WireServer;
beforeAll(async () => {
  server = await createWireServer();
});
afterAll(async () => {
  await server.close();
});

interface ChatChunk {
  choices?: { delta?: { content?: string | null } }[];
}

const chunks = loadWireFixture('openai-chat-openai-text') as ChatChunk[];
const recordedText = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');

const releases = [
  {
    release: 'openai@6.0.0 (oldest in range)',
    make: (baseURL: string) => new OpenAIOldest({ apiKey: 'sk-test', baseURL, maxRetries: 0 }),
  },
  {
    release: 'openai@6.49.0 (newest checked)',
    make: (baseURL: string) => new OpenAINewest({ apiKey: 'sk-test', baseURL, maxRetries: 0 }),
  },
];

describe.each(releases)('a caller-built client of $release', ({ make }) => {
  // The client comes from another copy of the SDK than the adapter's dev dependency, so its type
  // differs by `#private` fields; in an app with one copy (a peer dependency) it type-checks.
  const provider = () => openai({ client: make(server.url) as never });

  it('streams a recorded Chat Completions stream whole', async () => {
    server.enqueue({ format: 'openai-chat', chunks });
    const result = await createClient({ provider: provider() }).generate({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe(recordedText);
    expect(result.usage?.source).toBe('provider');
  });

  it('stops on a policy and closes the request', async () => {
    const marker = recordedText
      .slice(Math.floor(recordedText.length * 0.6))
      .split(/\s+/)
      .find((w) => w.length > 3);
    if (!marker) throw new Error('recording too short for a stop marker');
    // Paced, so the server is still writing when the stop lands.
    server.enqueue({ format: 'openai-chat', chunks, paceMs: 2 });
    const requestsBefore = server.requests.length;
    const result = await createClient({ provider: provider() }).generate({
      model: 'gpt-4.1-nano',
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
