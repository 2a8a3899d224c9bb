import { ConfigError, createClient, defaultLengthHistory, type StopPolicy } from 'stopwise';
import { createTraceIndex } from '../traces/trace-index.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { generationLimit } from './generation-limits.js';
import { capSet, noPolicy, type PolicySet, profileSet } from './policy-sets.js';
import { type RecordOutcome, runRecord } from './run-record.js';
import { type EvaluationSummary, summarize } from './summarize.js';
import { traceProvider } from './trace-provider.js';

/** Options of {@link evaluate}: the records, and one way to say which policies to run. */
export interface EvaluateOptions {
  records: readonly TraceRecord[];
  /** A registered profile name (`balanced`, ...), or `none` for no policy. */
  profile?: string | undefined;
  /** Your own policies, made fresh for every call (a policy object serves one call at a time). */
  policies?: (() => StopPolicy[]) | undefined;
  /** A fixed cap of output tokens (the naive baseline). */
  maxTokens?: number | undefined;
  /** A policy set as the benchmark builds them (instead of the three options above). */
  set?: PolicySet | undefined;
  /**
   * Keep the process-wide adaptive-length history from earlier calls. Default false: it is
   * cleared first, so a run does not depend on what ran before it.
   */
  keepHistory?: boolean | undefined;
  /** Called after each record, e.g. for a progress bar. */
  onRecord?: ((outcome: RecordOutcome, index: number) => void) | undefined;
}

/** Per-record outcomes and their totals. */
export interface Evaluation {
  set: PolicySet;
  outcomes: RecordOutcome[];
  summary: EvaluationSummary;
}

function chosenSet(options: EvaluateOptions): PolicySet {
  const given = [options.set, options.profile, options.policies, options.maxTokens].filter(
    (value) => value !== undefined,
  );
  if (given.length > 1) throw new ConfigError('evaluate', 'give one of set, profile, policies or maxTokens');
  if (options.set) return options.set;
  if (options.policies) {
    if (typeof options.policies !== 'function')
      throw new ConfigError('policies', 'must be a function returning fresh policies');
    return { kind: 'policies', name: 'custom', policies: options.policies };
  }
  if (options.maxTokens !== undefined) return capSet(`cap-${options.maxTokens}`, options.maxTokens);
  if (options.profile === undefined || options.profile === 'none') return noPolicy;
  return profileSet(options.profile);
}

/**
 * Runs each record through `createClient` from stopwise with an in-process provider (no HTTP):
 * reasoning then output as token-sized deltas, then a finish with usage. The same runner,
 * policies and savings estimates as a real call, fast enough to tune policies on thousands of
 * records. Records run one after another, in order, through one client (so history-based
 * policies learn as they would in production).
 */
export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  if (!Array.isArray(options.records))
    throw new ConfigError('records', 'must be an array of trace records (see loadTraces)');
  const set = chosenSet(options);
  if (!options.keepHistory) defaultLengthHistory.clear();
  const provider = traceProvider({ index: createTraceIndex(options.records) });
  const client = createClient({ provider });
  const outcomes: RecordOutcome[] = [];
  for (const [index, record] of options.records.entries()) {
    const outcome = await runRecord({
      client,
      record,
      set,
      maxOutputTokens: generationLimit(record),
      providerOptions: { traceId: record.id },
    });
    outcomes.push(outcome);
    options.onRecord?.(outcome, index);
  }
  return { set, outcomes, summary: summarize(outcomes) };
}
