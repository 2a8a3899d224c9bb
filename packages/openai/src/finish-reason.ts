import type { FinishReason } from 'stopwise';

/**
 * Maps a Chat Completions or legacy Completions `finish_reason` to stopwise's unified reason.
 * `function_call` is the deprecated spelling of `tool_calls`; a missing or unknown value (some
 * compatible servers invent their own) is `other`, with the raw value kept for debugging.
 */
export function mapOpenAIFinishReason(raw: string | null | undefined): FinishReason {
  const value = raw ?? undefined;
  switch (value) {
    case 'stop':
      return { unified: 'stop', raw: value };
    case 'length':
      return { unified: 'length', raw: value };
    case 'content_filter':
      return { unified: 'content-filter', raw: value };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool-calls', raw: value };
    default:
      return { unified: 'other', raw: value };
  }
}

/** What the Responses API says about how a response ended. */
export interface ResponsesOutcome {
  /** `completed` or `incomplete` (the events that end a Responses stream normally). */
  status: string | undefined;
  /** `incomplete_details.reason`: `max_output_tokens` or `content_filter`. */
  incompleteReason: string | null | undefined;
  /** Whether the output holds a function or tool call (the model wants a tool run). */
  hasToolCalls: boolean;
}

/**
 * Maps how a Responses API response ended to a unified finish reason. The Responses API has no
 * `finish_reason`: an incomplete response says why in `incomplete_details.reason`, and a completed
 * one that ends in a tool call is the `tool_calls` case of Chat Completions. `raw` is the
 * incomplete reason when there is one, else the status.
 */
export function mapResponsesFinishReason(outcome: ResponsesOutcome): FinishReason {
  const reason = outcome.incompleteReason ?? undefined;
  if (reason === 'max_output_tokens') return { unified: 'length', raw: reason };
  if (reason === 'content_filter') return { unified: 'content-filter', raw: reason };
  if (outcome.status === 'completed') {
    return { unified: outcome.hasToolCalls ? 'tool-calls' : 'stop', raw: 'completed' };
  }
  return { unified: 'other', raw: reason ?? outcome.status };
}
