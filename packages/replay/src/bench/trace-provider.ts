import {
  type LanguageModelProvider,
  ProviderError,
  type ProviderRequest,
  type ProviderStreamPart,
} from 'stopwise';
import { recordChunks } from '../tokens/record-chunks.js';
import type { TokenChunks } from '../tokens/token-chunks.js';
import type { TraceIndex } from '../traces/trace-index.js';
import { recordFinishReason } from '../traces/trace-record.js';

/** Provider options of a {@link traceProvider}: name the record instead of matching messages. */
export interface TraceProviderOptions {
  traceId?: string | undefined;
}

/** What a trace provider streamed for one request. */
export interface TraceStreamRecord {
  /** The response id it sent (`result.responseId` of the run). */
  responseId: string;
  recordId: string;
  /** Output tokens yielded before the request was aborted or ended: what a provider would bill. */
  tokensWritten: number;
  /** Whether the runner aborted the request before its end. */
  aborted: boolean;
}

/** An in-process provider that streams trace records, and what it streamed. */
export interface TraceProvider extends LanguageModelProvider<TraceProviderOptions> {
  /** Every request so far, by response id. */
  readonly streams: ReadonlyMap<string, TraceStreamRecord>;
}

/**
 * A provider that plays recorded outputs in process, with no HTTP: the record whose messages
 * (and model) match the request, reasoning first as reasoning deltas, then the output as text
 * deltas, one token-sized chunk each, then a finish with usage. Fast enough to tune policies on
 * thousands of records; the replay server is the same over the real wire formats.
 */
export function traceProvider(options: { index: TraceIndex; name?: string | undefined }): TraceProvider {
  const { index } = options;
  const streams = new Map<string, TraceStreamRecord>();
  let sequence = 0;
  return {
    name: options.name ?? 'replay',
    streams,
    async *stream(request: ProviderRequest<TraceProviderOptions>): AsyncGenerator<ProviderStreamPart> {
      const record = index.find({
        id: request.providerOptions?.traceId,
        model: request.model,
        messages: request.messages,
      });
      if (!record) {
        throw new ProviderError({
          provider: 'replay',
          status: 404,
          code: 'not_found',
          message: 'no recorded output matches this request',
        });
      }
      const chunks = recordChunks({ record, model: request.model });
      sequence += 1;
      const entry: TraceStreamRecord = {
        responseId: `replay-${sequence}`,
        recordId: record.id,
        tokensWritten: 0,
        aborted: false,
      };
      streams.set(entry.responseId, entry);
      yield { type: 'stream-start' };
      yield { type: 'response-metadata', id: entry.responseId, model: record.model };
      const phases: Array<['reasoning-delta' | 'text-delta', TokenChunks | undefined]> = [
        ['reasoning-delta', chunks.reasoning],
        ['text-delta', chunks.output],
      ];
      let completed = false;
      try {
        for (const [type, phase] of phases) {
          if (!phase) continue;
          for (let i = 0; i < phase.count; i += 1) {
            if (request.signal.aborted) return;
            entry.tokensWritten += phase.tokensPerChunk[i] ?? 1;
            yield { type, delta: phase.text.slice(phase.offsets[i], phase.offsets[i + 1]) };
          }
        }
        completed = true;
      } finally {
        // The runner closes the iterator (return()) when it stops: the generator ends at the yield.
        if (!completed) entry.aborted = true;
      }
      const finish = recordFinishReason(record);
      yield {
        type: 'finish',
        finishReason: { unified: finish, raw: finish },
        usage: {
          inputTokens: chunks.inputTokens,
          outputTokens: chunks.outputTokens,
          reasoningTokens: chunks.reasoningTokens,
        },
      };
    },
  };
}
