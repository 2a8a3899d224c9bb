import type { FinishReason } from 'stopwise';

/**
 * Anthropic's `stop_reason` in stopwise's words:
 * - `end_turn`, `stop_sequence` → `stop` (the model finished, or hit one of your `stopSequences`);
 * - `max_tokens`, `model_context_window_exceeded` → `length` (the output was cut by a token limit:
 *   `max_tokens`, or the context window filling up first);
 * - `tool_use` → `tool-calls`;
 * - `refusal` → `content-filter` (the safety classifiers stopped the answer);
 * - `pause_turn` (a long server-tool turn paused, to be continued), `null`, and anything newer
 *   → `other`.
 *
 * The raw value is kept next to it in `finishReason.raw`.
 */
export function mapAnthropicStopReason(raw: string | null | undefined): FinishReason['unified'] {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}
