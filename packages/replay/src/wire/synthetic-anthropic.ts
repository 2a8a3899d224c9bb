/** Options of {@link syntheticAnthropicChunks}. */
export interface SyntheticAnthropicOptions {
  /** The text of each `text_delta`, in order. */
  deltas: readonly string[];
  /** `thinking_delta` texts streamed in a thinking block before the text. */
  thinking?: readonly string[] | undefined;
  model?: string | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

/**
 * Anthropic Messages stream events in the shape of the recorded streams: message_start, an
 * optional thinking block, a text block, message_delta with usage, message_stop. For streams
 * longer than any recording.
 */
export function syntheticAnthropicChunks(options: SyntheticAnthropicOptions): unknown[] {
  const model = options.model ?? 'claude-sonnet-4-5-20250929';
  const inputTokens = options.inputTokens ?? 12;
  const chunks: unknown[] = [
    {
      type: 'message_start',
      message: {
        model,
        id: 'msg_synthetic',
        type: 'message',
        role: 'assistant',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    },
  ];
  let index = 0;
  if (options.thinking && options.thinking.length > 0) {
    chunks.push({
      type: 'content_block_start',
      index,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
    for (const thinking of options.thinking) {
      chunks.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
    }
    chunks.push({ type: 'content_block_stop', index });
    index += 1;
  }
  chunks.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
  for (const text of options.deltas)
    chunks.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  chunks.push({ type: 'content_block_stop', index });
  chunks.push({
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: options.outputTokens ?? options.deltas.length + (options.thinking?.length ?? 0) },
  });
  chunks.push({ type: 'message_stop' });
  return chunks;
}
