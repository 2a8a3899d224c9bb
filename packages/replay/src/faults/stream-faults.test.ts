/**
 * Faults injected into real provider streams, through the official SDKs. Every case must end in
 * exactly one typed outcome, keep all text received before the fault, report the call to
 * telemetry exactly once, and leave no socket, server or timer behind.
 */

import { ProviderError, StreamError, type StreamPart, timeout } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { frameChunk } from '../wire/framing.js';
import { syntheticAnthropicChunks } from '../wire/synthetic-anthropic.js';
import { syntheticChatChunks } from '../wire/synthetic-chat.js';
import {
  type AdapterName,
  type FaultRun,
  runAgainst,
  writtenAnthropicText,
  writtenChatText,
} from './harness.js';
import { guardAgainstLeaks } from './leak-guard.js';

const words = Array.from({ length: 40 }, (_, index) => `word${index} `);
const chatChunks = syntheticChatChunks({ deltas: words, usage: { promptTokens: 9, completionTokens: 40 } });
const anthropicChunks = syntheticAnthropicChunks({ deltas: words });
const chunksOf = (adapter: AdapterName) => (adapter === 'openai' ? chatChunks : anthropicChunks);
const formatOf = (adapter: AdapterName) =>
  adapter === 'openai' ? ('openai-chat' as const) : ('anthropic' as const);
const textWritten = (adapter: AdapterName, written: number) =>
  adapter === 'openai'
    ? writtenChatText(chatChunks, written)
    : writtenAnthropicText(anthropicChunks, written);
// Anthropic's SDK skips data lines without an `event:` line, so its broken frame carries one.
const malformedFrame: Record<AdapterName, string> = {
  openai: 'data: {"choices": [{"delta": \n\n',
  anthropic: 'event: content_block_delta\ndata: {"type": "content_block_delta", "index": \n\n',
};
const terminalTypes = new Set(['finish', 'policy-stop', 'abort', 'error']);

guardAgainstLeaks();

/** The invariants every faulted run must keep. */
function expectAccounted(run: FaultRun): void {
  const terminal = run.parts.filter((part: StreamPart) => terminalTypes.has(part.type));
  expect(terminal).toHaveLength(1);
  expect(terminal[0]?.type).toBe(run.result.outcome);
  expect(run.callEnds).toHaveLength(1);
  expect(run.callEnds[0]?.outcome).toBe(run.result.outcome);
  const streamed = run.parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
  expect(streamed).toBe(run.result.text);
}

describe.each<AdapterName>(['openai', 'anthropic'])('faults through the %s SDK', (adapter) => {
  it('connection reset mid-stream: error outcome, text before the reset kept', async () => {
    const run = await runAgainst({
      adapter,
      script: { format: formatOf(adapter), chunks: chunksOf(adapter), paceMs: 1, rawAt: { 20: null } },
    });
    expectAccounted(run);
    expect(run.result.outcome).toBe('error');
    expect(ProviderError.isInstance(run.result.error) || StreamError.isInstance(run.result.error)).toBe(true);
    expect(run.result.text).toBe(textWritten(adapter, run.record.chunksWritten));
    expect(run.result.text.length).toBeGreaterThan(0);
  });

  it('a stall longer than the idle timeout: stopped by the timeout policy, text kept', async () => {
    const run = await runAgainst({
      adapter,
      script: { format: formatOf(adapter), chunks: chunksOf(adapter), delaysMs: { 15: 5_000 } },
      call: { policy: { policies: [timeout({ idleMs: 150 })] } },
    });
    expectAccounted(run);
    expect(run.result.outcome).toBe('policy-stop');
    expect(run.result.stop?.reason).toMatch(/stalled/);
    expect(run.result.text).toBe(textWritten(adapter, 15));
    expect(run.record.clientClosed).toBe(true);
  });

  // At pace 0 the broken frame shares a network read with the frames before it: their text must
  // not be dropped with the read.
  it.each([1, 0])('a malformed JSON chunk (pace %i ms): typed error, text before it kept', async (paceMs) => {
    const run = await runAgainst({
      adapter,
      script: {
        format: formatOf(adapter),
        chunks: chunksOf(adapter),
        paceMs,
        rawAt: { 12: malformedFrame[adapter] },
      },
    });
    expectAccounted(run);
    expect(run.result.outcome).toBe('error');
    expect(run.result.text).toBe(textWritten(adapter, 12));
  });

  // A proxy or server that writes its error body raw into the stream (not as an SSE event),
  // on one line or pretty-printed: the provider's message, not "ended without a finish".
  it.each([
    ['one line', '{"error":{"message":"The server is overloaded","type":"overloaded_error"}}\n'],
    [
      'pretty-printed',
      '{\n  "error": {\n    "message": "The server is overloaded",\n    "type": "overloaded_error"\n  }\n}\n',
    ],
  ])(
    'a JSON error body written raw mid-stream (%s): ProviderError with its message, text kept',
    async (_, raw) => {
      const run = await runAgainst({
        adapter,
        script: {
          format: formatOf(adapter),
          chunks: chunksOf(adapter).slice(0, 13),
          paceMs: 1,
          omitTrailer: true,
          rawAt: { 12: raw },
          // OpenAI's and Anthropic's request-id headers: the error keeps the one its API sends.
          headers: { 'x-request-id': 'req_raw_7', 'request-id': 'req_raw_7' },
        },
      });
      expectAccounted(run);
      expect(run.result.outcome).toBe('error');
      expect(ProviderError.isInstance(run.result.error)).toBe(true);
      expect(run.result.error).toMatchObject({
        code: 'overloaded_error',
        retryable: true,
        requestId: 'req_raw_7',
      });
      expect(run.result.error?.message).toContain('The server is overloaded');
      expect(run.result.text).toBe(textWritten(adapter, 12));
    },
  );

  it('a truncated SSE frame at the end of the connection: typed error, text kept', async () => {
    const chunks = chunksOf(adapter).slice(0, 13);
    const run = await runAgainst({
      adapter,
      script: {
        format: formatOf(adapter),
        chunks,
        paceMs: 1,
        omitTrailer: true,
        rawAt: { 12: 'data: {"id":"chatcmpl-x","choi' },
      },
    });
    expectAccounted(run);
    expect(run.result.outcome).toBe('error');
    expect(run.result.text).toBe(textWritten(adapter, 12));
  });

  it('a multi-byte character split across TCP writes decodes whole', async () => {
    const chunks = [...chunksOf(adapter)];
    const special =
      adapter === 'openai'
        ? syntheticChatChunks({ deltas: ['naïve 🎉 café'] })[1]
        : syntheticAnthropicChunks({ deltas: ['naïve 🎉 café'] })[2];
    const frame = Buffer.from(frameChunk(formatOf(adapter), special), 'utf8');
    const inside = frame.indexOf(Buffer.from('🎉', 'utf8')) + 2;
    // Chunks 5 and 6 become the two halves of one frame, split inside the emoji's 4 bytes.
    const run = await runAgainst({
      adapter,
      script: {
        format: formatOf(adapter),
        chunks,
        paceMs: 10,
        rawAt: { 5: frame.subarray(0, inside), 6: frame.subarray(inside) },
      },
    });
    expectAccounted(run);
    expect(run.result.outcome).toBe('finish');
    expect(run.result.text).toContain('naïve 🎉 café');
    expect(run.result.text).not.toContain('\uFFFD');
  });

  it('a single SSE line far larger than a read buffer arrives whole', async () => {
    const huge = 'x'.repeat(2_000_000);
    const chunks =
      adapter === 'openai'
        ? syntheticChatChunks({ deltas: ['start ', huge, ' end'] })
        : syntheticAnthropicChunks({ deltas: ['start ', huge, ' end'] });
    const run = await runAgainst({ adapter, script: { format: formatOf(adapter), chunks } });
    expectAccounted(run);
    expect(run.result.outcome).toBe('finish');
    expect(run.result.text).toBe(`start ${huge} end`);
  });

  for (const [status, retryable, headers] of [
    [401, false, {}],
    [429, true, { 'retry-after': '7' }],
    [500, true, {}],
    [529, true, {}],
  ] as const) {
    it(`HTTP ${status} before the first byte: ProviderError, retryable ${retryable}`, async () => {
      const body =
        adapter === 'openai'
          ? { error: { message: `status ${status}`, type: 'server_error', code: null } }
          : {
              type: 'error',
              error: { type: status === 529 ? 'overloaded_error' : 'api_error', message: `status ${status}` },
            };
      const run = await runAgainst({ adapter, script: { format: formatOf(adapter), status, headers, body } });
      expectAccounted(run);
      expect(run.result.outcome).toBe('error');
      const error = run.result.error;
      expect(ProviderError.isInstance(error)).toBe(true);
      if (!ProviderError.isInstance(error)) return;
      expect(error.status).toBe(status);
      expect(error.retryable).toBe(retryable);
      if (status === 429) expect(error.retryAfterMs).toBe(7_000);
      expect(run.result.text).toBe('');
    });
  }
});

describe('errors inside the stream', () => {
  it("Anthropic's overloaded_error event mid-stream: retryable ProviderError, text kept", async () => {
    const chunks = [
      ...anthropicChunks.slice(0, 10),
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ];
    const run = await runAgainst({ adapter: 'anthropic', script: { format: 'anthropic', chunks } });
    expectAccounted(run);
    const error = run.result.error;
    expect(ProviderError.isInstance(error) && error.code).toBe('overloaded_error');
    expect(ProviderError.isInstance(error) && error.retryable).toBe(true);
    expect(run.result.text).toBe(writtenAnthropicText(anthropicChunks, 10));
  });

  it('an OpenAI error object in the stream: ProviderError, text kept', async () => {
    const chunks = [
      ...chatChunks.slice(0, 10),
      { error: { message: 'The server had an error', type: 'server_error', code: null } },
    ];
    const run = await runAgainst({ adapter: 'openai', script: { format: 'openai-chat', chunks } });
    expectAccounted(run);
    expect(ProviderError.isInstance(run.result.error)).toBe(true);
    expect(run.result.error?.message).toContain('The server had an error');
    expect(run.result.text).toBe(writtenChatText(chatChunks, 10));
  });
});
