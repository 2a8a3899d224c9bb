import type { TraceRecord } from '../traces/trace-record.js';

/**
 * Generation limits (`max_tokens`) the recordings were made with, where the source documents
 * them (`../shared/traces/README.md`), by the start of the record's `source`. The benchmark
 * sends a record's limit as the call's `maxOutputTokens`, as the original request did: a stop
 * then knows the most its output could have run to. A limit is never inferred from the outputs
 * (the longest one is not the limit); a source not listed gets none.
 */
export const documentedGenerationLimits: ReadonlyArray<{ source: string; maxOutputTokens: number }> = [
  // "TIGER-AI-Lab/MMLU-Pro, commit ff991b5, eval_results/gpt4o/ (temperature 0.1, max_tokens 4096)"
  { source: 'TIGER-AI-Lab/MMLU-Pro@ff991b5:eval_results/gpt4o/', maxOutputTokens: 4096 },
];

/** The documented generation limit of the recording `record` came from, if there is one. */
export function generationLimit(record: Pick<TraceRecord, 'source'>): number | undefined {
  const { source } = record;
  if (source === undefined) return undefined;
  return documentedGenerationLimits.find((entry) => source.startsWith(entry.source))?.maxOutputTokens;
}
