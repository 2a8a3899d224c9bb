import { recordChunks } from '../tokens/record-chunks.js';
import type { TokenChunks } from '../tokens/token-chunks.js';
import { recordFinishReason, type TraceRecord } from '../traces/trace-record.js';

/** The part of one text (reasoning or output) a response sends. */
export interface Segment {
  chunks: TokenChunks;
  /** Chunks sent (fewer than `chunks.count` when the request's output cap cuts it). */
  count: number;
  /** Tokens in those chunks. */
  tokens: number;
  /** The text those chunks make. */
  text: string;
}

/** Everything one response will say, decided before the first byte. */
export interface ReplayPlan {
  /** The response id (`chatcmpl-…`, `resp_…`, `msg_…`): also the key of the request's log entry. */
  id: string;
  recordId: string;
  model: string;
  /** Unix seconds, for `created` fields. */
  created: number;
  inputTokens: number;
  reasoning: Segment | undefined;
  output: Segment;
  reasoningTokens: number;
  /** Output tokens of the whole response: reasoning plus output. */
  outputTokens: number;
  /** `length` when the record ran to its generation limit or the request's cap cut it. */
  finishReason: 'stop' | 'length';
  includeUsage: boolean;
  maxTokens: number | undefined;
}

function segment(chunks: TokenChunks, budget: number): Segment {
  let count = 0;
  let tokens = 0;
  while (count < chunks.count) {
    const next = chunks.tokensPerChunk[count] ?? 1;
    if (tokens + next > budget) break;
    tokens += next;
    count += 1;
  }
  return { chunks, count, tokens, text: chunks.text.slice(0, chunks.offsets[count]) };
}

/** Options of {@link planResponse}. */
export interface PlanOptions {
  id: string;
  record: TraceRecord;
  /** The requested model: its tokenizer cuts the chunks (the record's model when absent). */
  model: string | undefined;
  maxTokens: number | undefined;
  includeUsage: boolean;
}

/** Plans the response to a request: which chunks of the record it sends, and the usage. */
export function planResponse(options: PlanOptions): ReplayPlan {
  const { record, maxTokens } = options;
  const model = options.model ?? record.model;
  const all = recordChunks({ record, model });
  let budget = maxTokens ?? Number.POSITIVE_INFINITY;
  const reasoning = all.reasoning && segment(all.reasoning, budget);
  budget -= reasoning?.tokens ?? 0;
  const output = segment(all.output, budget);
  const outputTokens = (reasoning?.tokens ?? 0) + output.tokens;
  const cut = outputTokens < all.outputTokens;
  return {
    id: options.id,
    recordId: record.id,
    model,
    created: Math.floor(Date.now() / 1000),
    inputTokens: all.inputTokens,
    reasoning,
    output,
    reasoningTokens: reasoning?.tokens ?? 0,
    outputTokens,
    finishReason: cut ? 'length' : recordFinishReason(record),
    includeUsage: options.includeUsage,
    maxTokens,
  };
}
