import type { Usage } from 'stopwise';

/** The `usage` object of a Chat Completions or Completions chunk, as servers send it. */
export interface ChatUsageWire {
  prompt_tokens?: number | null | undefined;
  completion_tokens?: number | null | undefined;
  total_tokens?: number | null | undefined;
  completion_tokens_details?: { reasoning_tokens?: number | null | undefined } | null | undefined;
}

/**
 * Usage of a Chat Completions (or legacy Completions) stream. OpenAI and DeepSeek count reasoning
 * tokens inside `completion_tokens`; xAI reports them beside it (`total_tokens` = prompt +
 * completion + reasoning) and bills them as output. stopwise's `outputTokens` includes reasoning,
 * so in that second case they are added: the numbers then agree with `total_tokens` and the bill.
 */
export function chatUsage(usage: ChatUsageWire): Usage {
  const input = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  const reasoning = count(usage.completion_tokens_details?.reasoning_tokens);
  const total = count(usage.total_tokens);
  const reasoningOutside =
    reasoning !== undefined &&
    reasoning > 0 &&
    input !== undefined &&
    completion !== undefined &&
    total === input + completion + reasoning;
  return {
    inputTokens: input,
    outputTokens: reasoningOutside ? (completion ?? 0) + reasoning : completion,
    reasoningTokens: reasoning,
  };
}

/** The `usage` object of a Responses API response. */
export interface ResponsesUsageWire {
  input_tokens?: number | null | undefined;
  output_tokens?: number | null | undefined;
  output_tokens_details?: { reasoning_tokens?: number | null | undefined } | null | undefined;
}

/** Usage of a Responses API response (`output_tokens` already includes reasoning tokens). */
export function responsesUsage(usage: ResponsesUsageWire | null | undefined): Usage {
  return {
    inputTokens: count(usage?.input_tokens),
    outputTokens: count(usage?.output_tokens),
    reasoningTokens: count(usage?.output_tokens_details?.reasoning_tokens),
  };
}

/** Usage when the server sent none: unknown, so the runner counts the received text instead. */
export const unknownUsage: Usage = { inputTokens: undefined, outputTokens: undefined };

function count(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
