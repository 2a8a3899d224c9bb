import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ConfigError } from 'stopwise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTraces } from '../traces/load-traces.js';
import { sampleTracesDir } from '../traces/trace-paths.js';
import { createReplayServer, type ReplayServer } from './replay-server.js';

const records = (await loadTraces({ path: sampleTracesDir })).flatMap((file) => file.records);
const unseen = [{ role: 'user' as const, content: 'How many r in strawberry? One word.' }];

let server: ReplayServer;
beforeAll(async () => {
  server = await createReplayServer({ traces: records, tokensPerSecond: 0, unseenPrompts: 'serve-any' });
});
afterAll(async () => {
  await server.close();
});

describe("replay server, unseenPrompts: 'serve-any'", () => {
  it('answers an unrecorded prompt with a record of the same model, and says so', async () => {
    const client = new OpenAI({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini-2024-07-18', messages: unseen })
      .withResponse();
    const servedId = response.headers.get('x-stopwise-replay-fallback');
    const served = records.find((record) => record.id === servedId);
    expect(served?.model).toBe('gpt-4o-mini-2024-07-18');
    expect(data.choices[0]?.message.content).toBe(served?.output);
    expect(server.requests.at(-1)).toMatchObject({ fallback: true, recordId: servedId, status: 200 });
  });

  it('picks the same stand-in for the same prompt every time, another for another prompt', async () => {
    const client = new OpenAI({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const served = async (content: string) =>
      (
        await client.chat.completions
          .create({ model: 'gpt-4o-mini-2024-07-18', messages: [{ role: 'user', content }] })
          .withResponse()
      ).response.headers.get('x-stopwise-replay-fallback');
    const first = await served('How many r in strawberry? One word.');
    expect(await served('How many r in strawberry? One word.')).toBe(first);
    const others = new Set(await Promise.all(['a', 'b', 'c', 'd', 'e'].map((c) => served(`question ${c}`))));
    expect(others.size).toBeGreaterThan(1);
  });

  it('streams a stand-in over the Anthropic format for a model it has no record of', async () => {
    const client = new Anthropic({ apiKey: 'replay', baseURL: server.url, maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'a-model-with-no-record',
      max_tokens: 100_000,
      messages: unseen,
    });
    let text = '';
    for await (const event of stream)
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    const entry = server.requests.at(-1);
    expect(entry?.fallback).toBe(true);
    expect(text).toBe(records.find((record) => record.id === entry?.recordId)?.output);
  });

  it('a recorded prompt is still served its own record, unmarked', async () => {
    const record = records.find((r) => r.id.startsWith('gsm8k/gpt-4o-mini')) ?? records[0];
    const client = new OpenAI({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: record?.model ?? '', messages: record?.messages ?? [] })
      .withResponse();
    expect(response.headers.get('x-stopwise-replay-fallback')).toBeNull();
    expect(data.choices[0]?.message.content).toBe(record?.output);
    expect(server.requests.at(-1)?.fallback).toBe(false);
  });

  it('an unknown explicit record id is never stood in for: 404', async () => {
    const client = new OpenAI({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const failed = await client.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: unseen },
        { headers: { 'x-stopwise-trace-id': 'no/such/id' } },
      )
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('refuses anything but refuse or serve-any', async () => {
    await expect(createReplayServer({ traces: records, unseenPrompts: 'any' as never })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && /unseenPrompts/.test(String(error)),
    );
  });
});
