import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from './chat-server.js';

let server: ChatServer;
beforeAll(async () => {
  // Slow enough that a reader who leaves does so long before the recorded answer would end.
  server = await startChatServer({ tokensPerSecond: 50, apiKey: undefined });
});
afterAll(async () => {
  await server?.close();
});

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('chat server API', () => {
  it('refuses a bad preset, user id or question with 400 and says what is allowed', async () => {
    const preset = await fetch(`${server.url}/api/preset`, json('PUT', { user: 'u1', preset: 'fastest' }));
    expect(preset.status).toBe(400);
    expect(await preset.json()).toEqual({ error: 'preset must be one of realtime, balanced, accurate' });
    const user = await fetch(`${server.url}/api/chat`, json('POST', { user: 'a b', question: 'hi' }));
    expect(user.status).toBe(400);
    const question = await fetch(`${server.url}/api/chat`, json('POST', { user: 'u1', question: '  ' }));
    expect(question.status).toBe(400);
    expect(server.backend.replay?.requests).toHaveLength(0);
  });

  it('keeps a preset per user and reports it in the config', async () => {
    const saved = await fetch(`${server.url}/api/preset`, json('PUT', { user: 'u2', preset: 'accurate' }));
    expect(await saved.json()).toEqual({ user: 'u2', preset: 'accurate' });
    const config = await (await fetch(`${server.url}/api/config?user=u2`)).json();
    expect(config).toMatchObject({
      mode: 'replay',
      preset: 'accurate',
      presets: ['realtime', 'balanced', 'accurate'],
    });
    const other = await (await fetch(`${server.url}/api/config?user=u3`)).json();
    expect(other.preset).toBe('balanced');
  });

  it('closes the provider request when the reader goes away mid-answer', async () => {
    const loop = server.backend.questions.find((question) => question.id.endsWith('/10434'));
    const reader = new AbortController();
    const response = await fetch(`${server.url}/api/chat`, {
      ...json('POST', { user: 'u4', question: loop?.prompt }),
      signal: reader.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('event: text')) {
      received += decoder.decode((await stream.read()).value, { stream: true });
    }
    reader.abort();
    const replay = server.backend.replay;
    await expect.poll(() => replay?.requests[0]?.endedAt, { timeout: 5000 }).toBeDefined();
    const request = replay?.requests[0];
    expect(request?.clientClosed).toBe(true);
    // At 50 tokens a second the recorded 1,024 would take 20 s: the close came after a few.
    expect(request?.tokensWritten).toBeLessThan(200);
    await expect.poll(() => server.client.stats().total.calls).toBe(1);
  });
});
