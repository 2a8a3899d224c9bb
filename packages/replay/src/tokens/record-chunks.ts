import type { TraceRecord } from '../traces/trace-record.js';
import { encodingFor, type TokenChunks, tokenChunks } from './token-chunks.js';

/** A record's texts cut into the chunks a provider streams, with its token counts. */
export interface RecordChunks {
  /** The reasoning, streamed first; undefined when the record has none (or it is empty). */
  reasoning: TokenChunks | undefined;
  output: TokenChunks;
  /** Output tokens of the whole record (reasoning plus output): the full, unstopped length. */
  outputTokens: number;
  reasoningTokens: number;
  /** Prompt tokens, about as a chat API counts them (4 tokens of framing per message). */
  inputTokens: number;
}

// Tokenising a long reasoning trace takes milliseconds; a benchmark replays each record once per
// policy set, so the chunks are kept for as long as the record object lives.
const cache = new WeakMap<TraceRecord, Map<string, RecordChunks>>();

/** Options of {@link recordChunks}. */
export interface RecordChunksOptions {
  record: TraceRecord;
  /** The model of the request: its tokenizer cuts the text (the one stopwise counts with). */
  model: string;
}

/** The token chunks of a record for a model's tokenizer (cached per record and encoding). */
export function recordChunks(options: RecordChunksOptions): RecordChunks {
  const { record, model } = options;
  const encoding = encodingFor(model);
  let byEncoding = cache.get(record);
  if (!byEncoding) {
    byEncoding = new Map();
    cache.set(record, byEncoding);
  }
  const cached = byEncoding.get(encoding);
  if (cached) return cached;
  const reasoning = record.reasoning ? tokenChunks({ text: record.reasoning, model }) : undefined;
  const output = tokenChunks({ text: record.output, model });
  const inputText = record.messages.map((message) => message.content).join('');
  const inputTokens = tokenChunks({ text: inputText, model }).tokens + 4 * record.messages.length;
  const chunks: RecordChunks = {
    reasoning,
    output,
    outputTokens: (reasoning?.tokens ?? 0) + output.tokens,
    reasoningTokens: reasoning?.tokens ?? 0,
    inputTokens,
  };
  byEncoding.set(encoding, chunks);
  return chunks;
}
