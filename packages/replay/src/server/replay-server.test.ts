import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { anthropic } from '@stopwise/anthropic';
import { openai } from '@stopwise/openai';
import OpenAI from 'openai';
import { createClient, type LanguageModelProvider, ProviderError, type StreamPart } from 'stopwise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordChunks } from '../tokens/record-chunks.js';
import { loadTraces } from '../traces/load-traces.js';
import { sampleTracesDir } from '../traces/trace-paths.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { createReplayServer, type ReplayServer } from './replay-server.js';

const files = await loadTraces({ path: sampleTracesDir });
const records = files.flatMap((file) => file.records);
const skyT1 = records.find(
  (r) => r.model.startsWith('Sky-T1') && (r.reasoning?.length ?? 0) > 500 && r.output.length > 200,
) as TraceRecord;
const chat = records.find((r) => r.id.startsWith('gsm8k/gpt-4o-mini')) as TraceRecord;

let server: ReplayServer;
beforeAll(async () => {
  server = await createReplayServer({ traces: records, tokensPerSecond: 0 });
});
afterAll(async () => {
  await server.close();
});

const adapters = (): Array<[string, LanguageModelProvider<unknown>]> => [
  ['openai chat', openai({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 })],
  [
    'openai responses',
    openai({ apiKey: 'replay', baseURL: `${server.url}/v1`, api: 'responses', maxRetries: 0 }),
  ],
  [
    'anthropic',
    anthropic({ apiKey: 'replay', baseURL: server.url, maxRetries: 0, defaultMaxTokens: 100_000 }),
  ],
];

describe('replay server: recorded outputs through the adapters', () => {
  it.each([0, 1, 2])(
    'streams a Sky-T1 record: reasoning first, then the output, token-sized (adapter %i)',
    async (which) => {
      const [name, provider] = adapters()[which] as [string, LanguageModelProvider<unknown>];
      const run = createClient({ provider }).stream({ model: skyT1.model, messages: skyT1.messages });
      const parts: StreamPart[] = [];
      for await (const part of run) parts.push(part);
      const result = await run.result;
      expect(result.outcome, name).toBe('finish');
      expect(result.reasoning).toBe(skyT1.reasoning);
      expect(result.text).toBe(skyT1.output);
      const deltas = parts.filter((p) => p.type === 'reasoning-delta' || p.type === 'text-delta');
      const firstText = deltas.findIndex((p) => p.type === 'text-delta');
      const lastReasoning = deltas.findLastIndex((p) => p.type === 'reasoning-delta');
      expect(lastReasoning).toBeLessThan(firstText);
      const chunks = recordChunks({ record: skyT1, model: skyT1.model });
      // One delta per token-sized chunk: what a provider streams.
      expect(deltas).toHaveLength((chunks.reasoning?.count ?? 0) + chunks.output.count);
      expect(result.usage.outputTokens).toBe(chunks.outputTokens);
      expect(result.usage.source).toBe('provider');
      const entry = server.request(result.responseId ?? '');
      expect(entry).toMatchObject({
        recordId: skyT1.id,
        tokensWritten: chunks.outputTokens,
        clientClosed: false,
        stream: true,
      });
    },
  );

  it('answers non-streamed Chat Completions and honours max_tokens and include_usage', async () => {
    const client = new OpenAI({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const full = await client.chat.completions.create({ model: skyT1.model, messages: skyT1.messages });
    const chunks = recordChunks({ record: skyT1, model: skyT1.model });
    expect(full.choices[0]?.message.content).toBe(skyT1.output);
    const message = full.choices[0]?.message as unknown as { reasoning_content?: string } | undefined;
    expect(message?.reasoning_content).toBe(skyT1.reasoning);
    expect(full.usage?.completion_tokens).toBe(chunks.outputTokens);

    const capped = await client.chat.completions.create({
      model: chat.model,
      messages: chat.messages,
      max_tokens: 7,
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    let usageChunks = 0;
    for await (const chunk of capped) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usageChunks += 1;
    }
    expect(finish).toBe('length');
    expect(usageChunks).toBe(0);
    const output = recordChunks({ record: chat, model: chat.model }).output;
    expect(text).toBe(chat.output.slice(0, output.offsets[7]));

    const withUsage = await client.chat.completions.create({
      model: chat.model,
      messages: chat.messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of withUsage) usage = chunk.usage ?? usage;
    expect(usage?.completion_tokens).toBe(output.tokens);
  });

  it('finds a record by id header, by metadata, and by messages preferring the same model', async () => {
    const client = new OpenAI({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const other = records.find((r) => r.id !== chat.id && r.id.startsWith('gsm8k/')) as TraceRecord;
    const byHeader = await client.chat.completions.create(
      { model: 'any', messages: [{ role: 'user', content: 'not recorded' }] },
      { headers: { 'x-stopwise-trace-id': other.id } },
    );
    expect(byHeader.choices[0]?.message.content).toBe(other.output);
    const byMetadata = await client.chat.completions.create({
      model: 'any',
      messages: [{ role: 'user', content: 'not recorded' }],
      metadata: { stopwise_trace_id: other.id },
    });
    expect(byMetadata.choices[0]?.message.content).toBe(other.output);
    // The same GSM8K question was answered by three models: the model picks the record.
    const twin = records.find(
      (r) => r.id !== chat.id && JSON.stringify(r.messages) === JSON.stringify(chat.messages),
    );
    if (twin) {
      const answer = await client.chat.completions.create({ model: twin.model, messages: twin.messages });
      expect(answer.choices[0]?.message.content).toBe(twin.output);
    }
    const mine = await client.chat.completions.create({ model: chat.model, messages: chat.messages });
    expect(mine.choices[0]?.message.content).toBe(chat.output);
  });
});

describe('replay server: unknown requests get the provider’s own error', () => {
  const unknown = [{ role: 'user' as const, content: 'a question nobody recorded' }];

  it('OpenAI: 404 { error: { message, type, code } } through the official client and the adapter', async () => {
    const client = new OpenAI({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: unknown })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({
      message: expect.stringMatching(/no recorded output/),
      type: 'invalid_request_error',
      code: 'not_found',
    });
    const streamed = await client.responses
      .create({ model: 'gpt-4o', input: 'nobody recorded this', stream: true })
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(OpenAI.NotFoundError);
    const result = await createClient({ provider: adapters()[0]?.[1] as LanguageModelProvider }).generate({
      model: 'gpt-4o',
      messages: unknown,
    });
    expect(result.outcome).toBe('error');
    expect(ProviderError.isInstance(result.error) && result.error.status).toBe(404);
  });

  it('Anthropic: 404 { type: "error", error: { type: "not_found_error", message } }', async () => {
    const client = new Anthropic({ apiKey: 'replay', baseURL: server.url, maxRetries: 0 });
    const error = await client.messages
      .create({ model: 'claude', max_tokens: 100, messages: unknown })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringMatching(/no recorded output/) },
    });
    const raw = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{not json' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const result = await createClient({ provider: adapters()[2]?.[1] as LanguageModelProvider }).generate({
      model: 'claude',
      messages: unknown,
    });
    expect(result.outcome).toBe('error');
    expect(ProviderError.isInstance(result.error) && result.error.status).toBe(404);
  });
});

describe('replay server: pace and billing ground truth', () => {
  it('streams at the set pace in tokens per second', async () => {
    const paced = await createReplayServer({ traces: [chat], tokensPerSecond: 400 });
    try {
      const tokens = recordChunks({ record: chat, model: chat.model }).outputTokens;
      const started = performance.now();
      const result = await createClient({
        provider: openai({ apiKey: 'x', baseURL: `${paced.url}/v1` }),
      }).generate({
        model: chat.model,
        messages: chat.messages,
      });
      const elapsed = performance.now() - started;
      expect(result.text).toBe(chat.output);
      expect(elapsed).toBeGreaterThanOrEqual(((tokens - 1) / 400) * 1000 - 5);
    } finally {
      await paced.close();
    }
  });

  it('a paced non-streamed request whose client left holds nothing open: the process exits after close()', async () => {
    // At 1 token/s the answer is due minutes later; the client leaves after 200 ms.
    const scratch = mkdtempSync(join(tmpdir(), 'stopwise-replay-'));
    const script = join(scratch, 'left.mts');
    writeFileSync(
      script,
      `import { request } from 'node:http';
import { createReplayServer } from ${JSON.stringify(new URL('./replay-server.ts', import.meta.url).href)};
const record = ${JSON.stringify(chat)};
const server = await createReplayServer({ traces: [record], tokensPerSecond: 1 });
const req = request(server.url + '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' } });
req.on('error', () => {});
req.end(JSON.stringify({ model: record.model, messages: record.messages }));
await new Promise((resolve) => setTimeout(resolve, 200));
req.destroy();
await server.settled();
await server.close();
console.log(JSON.stringify(server.requests[0]));
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    const started = performance.now();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, 'still running 20 s after close()').toBe(0);
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(JSON.parse(stdout)).toMatchObject({ clientClosed: true, tokensWritten: 0 });
    } finally {
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 30_000);

  it.each(['openai', 'anthropic'] as const)(
    'a stopped call: the server wrote the kept tokens plus at most the chunk in flight (%s)',
    async (name) => {
      const paced = await createReplayServer({ traces: [skyT1], tokensPerSecond: 25 });
      try {
        const provider =
          name === 'openai'
            ? openai({ apiKey: 'x', baseURL: `${paced.url}/v1` })
            : anthropic({ apiKey: 'x', baseURL: paced.url, defaultMaxTokens: 100_000 });
        const result = await createClient({ provider }).generate({
          model: skyT1.model,
          messages: skyT1.messages,
          policy: { cutAtTokens: 12 },
        });
        expect(result.outcome).toBe('policy-stop');
        await paced.settled();
        const entry = paced.request(result.responseId ?? '');
        const kept = result.stop?.atToken ?? 0;
        expect(entry?.clientClosed).toBe(true);
        expect(entry?.tokensWritten).toBeGreaterThanOrEqual(kept);
        // The largest chunk of the record (tokens grouped to keep a character whole) bounds the
        // one in flight when the stop came.
        const chunks = recordChunks({ record: skyT1, model: skyT1.model });
        const largest = Math.max(
          ...(chunks.reasoning?.tokensPerChunk ?? [1]),
          ...chunks.output.tokensPerChunk,
        );
        expect((entry?.tokensWritten ?? 0) - kept).toBeLessThanOrEqual(largest);
      } finally {
        await paced.close();
      }
    },
  );
});
