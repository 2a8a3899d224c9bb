import type { CallOptions } from '../call-options.js';
import { ConfigError, PolicyError, type StopwiseError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import type { RunResult } from '../run-result.js';
import { callOptionNames } from '../validate-call.js';
import { extractAnswer, type VoteExtractor, voteExtractors } from './vote-answers.js';
import {
  decide,
  samplesToDecide,
  tally,
  type VoteDecision,
  type VoteRule,
  validateVoteRule,
} from './vote-rules.js';

/** Options of `client.vote`: a call's options, and how to sample and decide. */
export interface VoteOptions<TProviderOptions = unknown> extends CallOptions<TProviderOptions> {
  /** The most samples the vote may draw (the full vote). */
  samples: number;
  /** Samples in flight at once. Default 4 (as many as the default rule needs to decide). */
  concurrency?: number | undefined;
  /** When to stop sampling (see {@link VoteRule}). Default `{ kind: 'posterior', confidence: 0.95 }`. */
  rule?: VoteRule | undefined;
  /** How to read a sample's answer. Default `final` (a box, else "the answer is ..."). */
  extract?: VoteExtractor | undefined;
  /**
   * `needed` (default): never more samples in flight than could still be needed to decide (if
   * they all agreed), so no sample is drawn only to be aborted: fewest tokens. `eager`: keep
   * `concurrency` in flight, and abort those still running once the vote is decided: less wall
   * time, more tokens.
   */
  draw?: 'needed' | 'eager' | undefined;
}

/** One sample of a vote. */
export interface VoteSample {
  readonly index: number;
  /** Its answer; undefined when it stated none (or was aborted before finishing). */
  readonly answer: string | undefined;
  /** True when the vote was decided while it was in flight, and it was aborted. */
  readonly aborted: boolean;
  /** The sample's whole run result (text, usage, savings of its own stop). */
  readonly result: RunResult;
}

/** What the vote saved against drawing every sample to its end. */
export interface VoteSavings {
  /** Output tokens the vote's samples produced (aborted ones included: they were billed). */
  readonly outputTokens: number;
  /**
   * Estimated output tokens of the full vote: the samples drawn at their full length (their own
   * savings estimates added where a policy stopped them) plus every sample not drawn at the
   * drawn ones' mean. Null when no drawn sample has a known full length.
   */
  readonly fullVoteTokens: number | null;
  /** `fullVoteTokens - outputTokens`; null with it. A point estimate, never a bound. */
  readonly tokensSaved: number | null;
  /** Samples not drawn, and samples aborted in flight. */
  readonly samplesSkipped: number;
  readonly method: 'sample-mean';
  /** Why `tokensSaved` is null. */
  readonly reason?: string | undefined;
}

/** The result of `client.vote`. */
export interface VoteResult {
  /** The vote's id: its samples' telemetry events carry it in `vote.id`, and so does `vote-end`. */
  readonly id: string;
  /** The most voted answer (ties: the one reached first); undefined when no sample stated one. */
  readonly answer: string | undefined;
  /** Answers and their votes, most first. */
  readonly votes: ReadonlyArray<{ answer: string; count: number }>;
  /** Why sampling stopped. */
  readonly decidedBy: VoteDecision;
  /** Samples that finished and voted or abstained (aborted ones not counted). */
  readonly samplesUsed: number;
  /** Every sample drawn, in the order they were started. */
  readonly samples: readonly VoteSample[];
  readonly savings: VoteSavings;
  readonly durationMs: number;
  /** Errors of samples that failed; the vote went on without them. */
  readonly errors: readonly StopwiseError[];
}

/** Throws a `ConfigError` for malformed vote options; returns them resolved. */
export function validateVoteOptions<T>(
  options: VoteOptions<T>,
): Required<Pick<VoteOptions<T>, 'samples' | 'concurrency' | 'rule' | 'extract'>> {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError(
      'options',
      "must be a call's options with `samples`, e.g. { model, messages, samples: 8 }",
    );
  rejectUnknownOptions('', options, [
    ...callOptionNames,
    'samples',
    'concurrency',
    'rule',
    'extract',
    'draw',
  ]);
  const { samples } = options;
  if (!Number.isInteger(samples) || samples < 1)
    throw new ConfigError(
      'samples',
      `must be a positive integer (the full vote's size), got ${String(samples)}`,
    );
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError('concurrency', `must be a positive integer, got ${String(concurrency)}`);
  const rule = validateVoteRule('rule', options.rule ?? { kind: 'posterior', confidence: 0.95 });
  if (options.draw !== undefined && options.draw !== 'needed' && options.draw !== 'eager')
    throw new ConfigError('draw', `must be 'needed' or 'eager', got ${String(options.draw)}`);
  const extract = options.extract ?? 'final';
  if (typeof extract !== 'function' && !(voteExtractors as readonly string[]).includes(extract as string)) {
    throw new ConfigError(
      'extract',
      `must be one of ${voteExtractors.join(', ')} or a function (text) => answer, got ${String(extract)}`,
    );
  }
  return { samples, concurrency, rule, extract };
}

/**
 * Runs a vote with `generate` (the client's): samples drawn `concurrency` at a time, each with
 * the call's own stop chain, its answer read as it finishes; sampling stops, and samples in flight
 * are aborted, as soon as `rule` (or the exact majority rule) decides.
 */
export async function runVote<T>(
  options: VoteOptions<T>,
  generate: (options: CallOptions<T>, vote: { id: string; sample: number }) => Promise<RunResult>,
): Promise<VoteResult> {
  const { samples, concurrency, rule, extract } = validateVoteOptions(options);
  const {
    samples: _samples,
    concurrency: _concurrency,
    rule: _rule,
    extract: _extract,
    draw: _draw,
    ...call
  } = options;
  const started = performance.now();
  const voteId = `vote_${crypto.randomUUID()}`;
  const drawn: Array<{ index: number; controller: AbortController; result?: RunResult; aborted: boolean }> =
    [];
  // In the order samples finished (what the window rule reads), and by sample index (what a tie
  // is broken by: the answer of the earliest sample, as the full vote over samples in order does).
  const answers: (string | undefined)[] = [];
  const bySample: (string | undefined)[] = [];
  const errors: StopwiseError[] = [];
  let decision: VoteDecision | undefined;
  // `generate` rejects only for invalid options: the vote rejects with it, like `generate`.
  let invalid: unknown;
  let next = 0;
  let inFlight = 0;
  // Each sample's answer, read once. A throwing extractor (or one returning a non-string) is the
  // app's bug on one sample's text: that sample abstains and the error is reported with the
  // vote's, instead of rejecting a vote whose other samples are fine.
  const read = new Map<number, string | undefined>();
  const answerOf = (index: number, result: RunResult): string | undefined => {
    if (read.has(index)) return read.get(index);
    let answer: string | undefined;
    try {
      answer = extractAnswer(extract, keptText(result));
    } catch (error) {
      errors.push(new PolicyError('vote extract', 'end', error));
    }
    read.set(index, answer);
    return answer;
  };

  await new Promise<void>((resolve) => {
    const onCallerAbort = () => {
      decision ??= 'aborted';
      for (const sample of drawn) if (sample.result === undefined) sample.controller.abort();
    };
    call.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const finishIfDone = () => {
      if (inFlight === 0 && (decision !== undefined || next >= samples)) {
        call.signal?.removeEventListener('abort', onCallerAbort);
        resolve();
      }
    };
    const launch = (): void => {
      // Never more in flight than could still be needed: the rest could only be aborted.
      const wanted = () =>
        options.draw === 'eager'
          ? concurrency
          : Math.min(concurrency, samplesToDecide(rule, { answers, remaining: samples - answers.length }));
      while (decision === undefined && inFlight < wanted() && next < samples && !call.signal?.aborted) {
        const sample = {
          index: next,
          controller: new AbortController(),
          aborted: false,
        } as (typeof drawn)[number];
        drawn.push(sample);
        next += 1;
        inFlight += 1;
        const signal = call.signal
          ? AbortSignal.any([call.signal, sample.controller.signal])
          : sample.controller.signal;
        generate({ ...call, signal }, { id: voteId, sample: sample.index })
          .then((result) => {
            sample.result = result;
            if (decision !== undefined) return;
            if (result.outcome === 'error') errors.push(result.error);
            const answer = result.outcome === 'error' ? undefined : answerOf(sample.index, result);
            answers.push(answer);
            bySample[sample.index] = answer;
            decision = decide(rule, { answers, remaining: samples - answers.length });
            if (decision !== undefined) {
              for (const other of drawn) {
                if (other.result === undefined) {
                  other.aborted = true;
                  other.controller.abort();
                }
              }
            }
          })
          .catch((error: unknown) => {
            invalid ??= error;
            decision ??= 'all-samples';
            for (const other of drawn) if (other.result === undefined) other.controller.abort();
          })
          .finally(() => {
            inFlight -= 1;
            launch();
            finishIfDone();
          });
      }
      finishIfDone();
    };
    launch();
  });

  if (invalid !== undefined) throw invalid;
  const votes = tally(bySample);
  const finished = drawn.filter(
    (sample): sample is typeof sample & { result: RunResult } => sample.result !== undefined,
  );
  return {
    id: voteId,
    answer: votes[0]?.answer,
    votes,
    decidedBy: decision ?? 'all-samples',
    samplesUsed: answers.length,
    samples: finished.map((sample) => ({
      index: sample.index,
      answer: sample.aborted ? undefined : answerOf(sample.index, sample.result),
      aborted: sample.aborted,
      result: sample.result,
    })),
    savings: voteSavings(finished, samples),
    durationMs: performance.now() - started,
    errors,
  };
}

/** The text a sample's answer is read from: its answer, else what a stop handed over, else its reasoning. */
function keptText(result: RunResult): string {
  return result.text || result.answer || result.reasoning || '';
}

function voteSavings(
  finished: ReadonlyArray<{ result: RunResult; aborted: boolean }>,
  samples: number,
): VoteSavings {
  const outputTokens = finished.reduce((sum, { result }) => sum + result.savings.outputTokens, 0);
  // Full lengths known: samples that ended on their own, and stopped ones with an estimate.
  const known = finished.flatMap(({ result, aborted }) => {
    if (aborted) return [];
    if (result.outcome === 'finish') return [result.savings.outputTokens];
    if (result.outcome === 'policy-stop' && result.savings.tokensSaved !== null)
      return [result.savings.outputTokens + result.savings.tokensSaved];
    return [];
  });
  const samplesSkipped = samples - finished.filter((sample) => !sample.aborted).length;
  if (known.length === 0) {
    return {
      outputTokens,
      fullVoteTokens: null,
      tokensSaved: null,
      samplesSkipped,
      method: 'sample-mean',
      reason: 'no sample with a known full length to estimate the others from',
    };
  }
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  // Drawn samples at their full length where known, every other at the mean.
  const fullVoteTokens = Math.round(known.reduce((a, b) => a + b, 0) + (samples - known.length) * mean);
  return {
    outputTokens,
    fullVoteTokens,
    tokensSaved: Math.max(0, fullVoteTokens - outputTokens),
    samplesSkipped,
    method: 'sample-mean',
  };
}
