/**
 * Conformance over every recorded provider stream in `fixtures/wire`, each through the adapter
 * that reads it (the `openai` SDK for Chat, Completions and Responses; the `@anthropic-ai/sdk`;
 * `stopwise/sse` for Gemini and Cohere), clean and with faults injected at the middle of the
 * stream. Each faulted run is compared with the same recording cut at the fault: the text kept
 * must be exactly the text a clean reader gets from the chunks before it, the outcome typed.
 */

import { anthropic } from '@stopwise/anthropic';
import { openai } from '@stopwise/openai';
import {
  createClient,
  type LanguageModelProvider,
  ProviderError,
  type RunResult,
  StreamError,
  type StreamPart,
  timeout,
} from 'stopwise';
import { cohere, gemini } from 'stopwise/sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWireFixture, wireFixtureNames } from '../wire/fixtures.js';
import { frameChunk, type WireFormat } from '../wire/framing.js';
import { createWireServer, type WireScript, type WireServer } from '../wire/wire-server.js';

interface Reader {
  format: WireFormat;
  provider(url: string): LanguageModelProvider<unknown>;
}

function readerOf(name: string): Reader {
  const sdk = (api: 'chat' | 'completions' | 'responses') => (url: string) =>
    openai({
      apiKey: 'sk-test-conformance',
      baseURL: `${url}/v1`,
      api,
      maxRetries: 0,
    }) as LanguageModelProvider<unknown>;
  if (name.startsWith('openai-responses-')) return { format: 'openai-responses', provider: sdk('responses') };
  if (name.startsWith('openai-completion-')) return { format: 'openai-chat', provider: sdk('completions') };
  if (/^(openai-chat|openai-compatible|deepseek)-/.test(name))
    return { format: 'openai-chat', provider: sdk('chat') };
  if (name.startsWith('anthropic-')) {
    return {
      format: 'anthropic',
      provider: (url) =>
        anthropic({
          apiKey: 'sk-ant-test-conformance',
          baseURL: url,
          maxRetries: 0,
        }) as LanguageModelProvider<unknown>,
    };
  }
  if (name.startsWith('google-')) {
    return {
      format: 'gemini',
      provider: (url) =>
        gemini({
          apiKey: 'AIzaSyTEST_conformance_0123456789abc',
          baseURL: url,
        }) as LanguageModelProvider<unknown>,
    };
  }
  if (name.startsWith('cohere-')) {
    return {
      format: 'cohere',
      provider: (url) =>
        cohere({ apiKey: 'cohere-test-conformance', baseURL: url }) as LanguageModelProvider<unknown>,
    };
  }
  throw new Error(`no reader for the recording ${name}: add one here`);
}

/** A recording as one server answer: a Responses recording of several responses keeps its first. */
function chunksOf(name: string): unknown[] {
  const chunks = loadWireFixture(name);
  const end = chunks.findIndex((chunk) => {
    const type = (chunk as { type?: unknown }).type;
    return type === 'response.completed' || type === 'response.incomplete';
  });
  return end >= 0 ? chunks.slice(0, end + 1) : chunks;
}

// A frame that is cut JSON, in each format's framing (Anthropic's SDK rules skip unnamed events).
function malformedFrame(format: WireFormat): string {
  return format === 'anthropic' || format === 'openai-responses' || format === 'cohere'
    ? 'event: content_block_delta\ndata: {"type": "content_block_delta", "delta": \n\n'
    : 'data: {"choices": [{"delta": \n\n';
}

const rawErrorBody =
  '{\n  "error": {\n    "message": "Upstream overloaded",\n    "type": "overloaded_error"\n  }\n}\n';

interface Run {
  result: RunResult;
  parts: StreamPart[];
}

let server: WireServer;
let nextScript: WireScript | undefined;
beforeAll(async () => {
  server = await createWireServer({
    respond: () => {
      if (nextScript === undefined) throw new Error('no script queued');
      return nextScript;
    },
  });
});
afterAll(async () => {
  await server.close();
});

async function run(
  name: string,
  script: Omit<WireScript, 'format'>,
  call: { idleMs?: number } = {},
): Promise<Run> {
  const reader = readerOf(name);
  nextScript = { format: reader.format, ...script };
  const client = createClient({ provider: reader.provider(server.url) });
  const stream = client.stream({
    model: 'conformance-model',
    messages: [{ role: 'user', content: `replay ${name}` }],
    ...(call.idleMs === undefined
      ? {}
      : { policy: { policies: [timeout({ idleMs: call.idleMs, firstTokenMs: 1_000 })] } }),
  });
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return { result: await stream.result, parts };
}

/** One terminal part, matching the outcome; the streamed deltas are the result's text. */
function expectAccounted({ result, parts }: Run): void {
  const terminal = parts.filter((part) => ['finish', 'policy-stop', 'abort', 'error'].includes(part.type));
  expect(terminal.map((part) => part.type)).toEqual([result.outcome]);
  const streamed = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
  expect(streamed).toBe(result.text);
}

const names = wireFixtureNames();

describe.each(names)('recorded stream %s', (name) => {
  const chunks = chunksOf(name);
  const cut = Math.max(1, Math.floor(chunks.length / 2));
  let clean: Run;
  let beforeCut: Run;

  beforeAll(async () => {
    clean = await run(name, { chunks });
    // What a reader has received when the stream is cut at `cut`: the baseline for every fault.
    beforeCut = await run(name, { chunks: chunks.slice(0, cut), omitTrailer: true });
  });

  it('clean: one typed outcome, every delta accounted for', () => {
    expectAccounted(clean);
    expect(['finish', 'error']).toContain(clean.result.outcome);
    expect(clean.result.text.startsWith(beforeCut.result.text)).toBe(true);
  });

  it('every frame split in two TCP writes: the same result as clean', async () => {
    const rawAt: Record<number, Uint8Array> = {};
    const split: unknown[] = [];
    const reader = readerOf(name);
    chunks.forEach((chunk) => {
      const frame = Buffer.from(frameChunk(reader.format, chunk), 'utf8');
      const at = Math.max(1, Math.floor(frame.length * 0.37));
      rawAt[split.length] = frame.subarray(0, at);
      split.push({});
      rawAt[split.length] = frame.subarray(at);
      split.push({});
    });
    const faulted = await run(name, { chunks: split, rawAt, paceMs: 1 });
    expectAccounted(faulted);
    expect(faulted.result.outcome).toBe(clean.result.outcome);
    expect(faulted.result.text).toBe(clean.result.text);
    expect(faulted.result.reasoning).toBe(clean.result.reasoning);
    expect(faulted.result.usage).toEqual(clean.result.usage);
  });

  it('connection reset at the middle: connection_error, text before it kept', async () => {
    const faulted = await run(name, { chunks, rawAt: { [cut]: null }, paceMs: 1 });
    expectAccounted(faulted);
    expect(faulted.result.outcome).toBe('error');
    expect(faulted.result.error).toMatchObject({
      kind: 'provider',
      code: 'connection_error',
      retryable: true,
    });
    expect(faulted.result.text).toBe(beforeCut.result.text);
  });

  it('a raw JSON error body at the middle: the provider message, text before it kept', async () => {
    const faulted = await run(name, { chunks, rawAt: { [cut]: rawErrorBody }, paceMs: 1 });
    expectAccounted(faulted);
    expect(faulted.result.outcome).toBe('error');
    expect(ProviderError.isInstance(faulted.result.error)).toBe(true);
    expect(faulted.result.error?.message).toContain('Upstream overloaded');
    expect(faulted.result.text).toBe(beforeCut.result.text);
  });

  it('a malformed frame at the middle: StreamError, text before it kept', async () => {
    const faulted = await run(name, {
      chunks,
      rawAt: { [cut]: malformedFrame(readerOf(name).format) },
      paceMs: 1,
    });
    expectAccounted(faulted);
    expect(faulted.result.outcome).toBe('error');
    expect(StreamError.isInstance(faulted.result.error)).toBe(true);
    expect(faulted.result.text).toBe(beforeCut.result.text);
  });

  // `idleMs` counts from the last token; a recording with no text before the stall (a refusal, a
  // tool call, an error) is stopped by `firstTokenMs` instead.
  it('a stall at the middle: the timeout stops it, text before it kept', async () => {
    const faulted = await run(name, { chunks, delaysMs: { [cut]: 3_000 } }, { idleMs: 100 });
    expectAccounted(faulted);
    expect(faulted.result.outcome).toBe('policy-stop');
    expect(faulted.result.text).toBe(beforeCut.result.text);
  });
});
