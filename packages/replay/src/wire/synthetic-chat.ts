/** Options of {@link syntheticChatChunks}. */
export interface SyntheticChatOptions {
  /** The text of each content delta, in order. */
  deltas: readonly string[];
  model?: string | undefined;
  /** Append the usage chunk OpenAI sends with `stream_options.include_usage`. */
  usage?: { promptTokens: number; completionTokens: number } | undefined;
  finishReason?: 'stop' | 'length' | undefined;
}

/**
 * Chat Completions chunks in the exact shape of the recorded OpenAI streams (role chunk, one
 * chunk per delta, a finish chunk, optionally the usage chunk), for streams longer than any
 * recording: load tests, abort tests and benchmarks.
 */
export function syntheticChatChunks(options: SyntheticChatOptions): unknown[] {
  const model = options.model ?? 'gpt-4o-mini-2024-07-18';
  const base = {
    id: 'chatcmpl-synthetic',
    object: 'chat.completion.chunk',
    created: 1770933892,
    model,
    system_fingerprint: 'fp_synthetic',
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (const content of options.deltas) chunks.push(chunk({ content }, null));
  chunks.push(chunk({}, options.finishReason ?? 'stop'));
  if (options.usage) {
    const { promptTokens, completionTokens } = options.usage;
    chunks.push({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  }
  return chunks;
}
