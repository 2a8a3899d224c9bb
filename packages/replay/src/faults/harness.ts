import { anthropic } from '@stopwise/anthropic';
import { openai } from '@stopwise/openai';
import {
  type CallEndEvent,
  type CallOptions,
  type ClientOptions,
  createClient,
  type LanguageModelProvider,
  type RunResult,
  type StreamPart,
} from 'stopwise';
import { createWireServer, type WireRequestRecord, type WireScript } from '../wire/wire-server.js';

/** The two official-SDK adapters every fault is injected through. */
export type AdapterName = 'openai' | 'anthropic';

/** An adapter pointed at the loopback server, with the SDK's own retries off (faults must show). */
export function providerFor(adapter: AdapterName, url: string): LanguageModelProvider<unknown> {
  return (
    adapter === 'openai'
      ? openai({ apiKey: 'sk-test-fault0000', baseURL: `${url}/v1`, maxRetries: 0 })
      : anthropic({ apiKey: 'sk-ant-test-fault0000', baseURL: url, maxRetries: 0 })
  ) as LanguageModelProvider<unknown>;
}

/** Everything one faulted run left behind. */
export interface FaultRun {
  result: RunResult;
  parts: StreamPart[];
  callEnds: CallEndEvent[];
  record: WireRequestRecord;
}

/**
 * Serves `script` once, runs one call through `adapter` and the official SDK, and collects the
 * parts, the result and every call-end event. The server is closed before it returns.
 */
export async function runAgainst(options: {
  adapter: AdapterName;
  script: WireScript;
  call?: Partial<CallOptions> | undefined;
  client?: Partial<ClientOptions<LanguageModelProvider<unknown>>> | undefined;
  onPart?: ((part: StreamPart) => void) | undefined;
}): Promise<FaultRun> {
  const server = await createWireServer({ respond: () => options.script });
  const callEnds: CallEndEvent[] = [];
  try {
    const client = createClient({
      ...options.client,
      provider: providerFor(options.adapter, server.url),
      telemetry: { ...options.client?.telemetry, onCallEnd: (event) => void callEnds.push(event) },
    });
    const run = client.stream({
      // Not a real model name: the SDK warns on stderr about deprecated ones.
      model: options.adapter === 'openai' ? 'gpt-4o-mini' : 'claude-test-model',
      messages: [{ role: 'user', content: 'Tell me a story.' }],
      ...options.call,
    });
    const parts: StreamPart[] = [];
    for await (const part of run) {
      parts.push(part);
      options.onPart?.(part);
    }
    const result = await run.result;
    const record = server.requests[0];
    if (!record) throw new Error('the server saw no request');
    await record.settled;
    return { result, parts, callEnds, record };
  } finally {
    await server.close();
  }
}

/** Counts of the handles a leak would leave: sockets, servers, timers. */
export function openHandles(): Record<string, number> {
  const counts: Record<string, number> = { TCPSocketWrap: 0, TCPServerWrap: 0, Timeout: 0 };
  for (const name of process.getActiveResourcesInfo())
    if (name in counts) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/**
 * Waits (up to `withinMs`) for the open handles to fall back to `baseline`, and returns the
 * counts it ended with. Closing sockets and clearing keep-alive pools takes a few ticks.
 */
export async function settledHandles(
  baseline: Record<string, number>,
  withinMs = 2_000,
): Promise<Record<string, number>> {
  const deadline = performance.now() + withinMs;
  let now = openHandles();
  while (
    Object.keys(baseline).some((key) => (now[key] ?? 0) > (baseline[key] ?? 0)) &&
    performance.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    now = openHandles();
  }
  return now;
}

/** The answer text of the OpenAI-shaped chunks the server wrote (chunk 0 is the role chunk). */
export function writtenChatText(chunks: readonly unknown[], written: number): string {
  return chunks
    .slice(0, written)
    .map(
      (chunk) =>
        (chunk as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '',
    )
    .join('');
}

/** The answer text of the Anthropic-shaped chunks the server wrote. */
export function writtenAnthropicText(chunks: readonly unknown[], written: number): string {
  return chunks
    .slice(0, written)
    .map((chunk) => {
      const delta = (chunk as { delta?: { type?: string; text?: string } }).delta;
      return delta?.type === 'text_delta' ? (delta.text ?? '') : '';
    })
    .join('');
}
