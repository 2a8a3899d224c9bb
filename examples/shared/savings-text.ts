import type { RunResult, SavingsTotals } from 'stopwise';

/** What one answer or a total saved, in tokens, dollars and seconds, as text for a person. */
export interface SavingsText {
  tokens: string;
  dollars: string;
  seconds: string;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1 token`, `2 tokens`, `1,024 tokens`. */
function count(n: number, noun: string): string {
  return `${integer.format(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** Dollars with two significant digits for the tiny sums a single call saves ($0.00012). */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(12, 1 - Math.floor(Math.log10(usd)));
  return `$${usd.toFixed(decimals)}`;
}

/** Milliseconds as seconds: one decimal from a second on, three below. */
export function formatSeconds(ms: number): string {
  // Below a second, a stop of a few tokens saves milliseconds: one decimal would show 0.0.
  return `${(ms / 1000).toFixed(ms >= 1000 ? 1 : 3)} s`;
}

const noTokenEstimate = 'not estimated (no token estimate yet, see tokens)';

/**
 * One answer's savings as text. A headline figure that is `null` is shown with its reason
 * (stopwise gives no point estimate before it has evidence), never as "null".
 */
export function describeSavings(result: RunResult): SavingsText {
  const { savings } = result;
  const method = savings.counterfactualTokens?.method;
  const tokens =
    savings.tokensSaved === null
      ? `not estimated: ${savings.tokensSavedReason ?? 'no estimate'}`
      : `${count(savings.tokensSaved, 'token')}${method && method !== 'none' ? ` (${method} estimate)` : ''}`;
  const dollars =
    savings.costSaved !== null
      ? formatUsd(savings.costSaved)
      : savings.tokensSaved === null
        ? noTokenEstimate
        : `not estimated: ${savings.costUnknownReason ?? 'unknown price'}`;
  const seconds =
    savings.timeSavedMs !== null
      ? formatSeconds(savings.timeSavedMs)
      : savings.tokensSaved === null
        ? noTokenEstimate
        : 'not estimated (token rate unknown: too few tokens streamed)';
  return { tokens, dollars, seconds };
}

/** Where and why the run stopped, or how it ended when no policy stopped it. */
export function describeEnd(result: RunResult): string {
  if (result.outcome === 'policy-stop') {
    const { policy, reason, atToken } = result.stop;
    return `stopped by ${policy} at token ${atToken}: ${reason}`;
  }
  if (result.outcome === 'error') return `error: ${result.error.message}`;
  if (result.outcome === 'abort') return 'aborted';
  const holdout = result.savings.holdout;
  if (holdout) {
    // A holdout call runs to its end on purpose: it is what later estimates are calibrated on.
    return holdout.wouldStopAtToken === undefined
      ? 'held out to calibrate savings: ran to its end, no policy would have stopped it'
      : `held out to calibrate savings: ran to its end; ${holdout.policy} would have stopped it at token ${holdout.wouldStopAtToken}`;
  }
  const { unified } = result.finishReason;
  return unified === 'length'
    ? "ran to the provider's output cap (length): no policy stopped it"
    : `the model finished on its own (${unified}): nothing to stop`;
}

/** Totals of `client.stats()` as text, saying what the point estimates leave out. */
export function describeTotals(totals: SavingsTotals): SavingsText & { calls: string } {
  const estimated = totals.stops - totals.unestimatedStops;
  const left =
    totals.unestimatedStops === 0
      ? ''
      : `; ${count(totals.unestimatedStops, 'stop')} not estimated yet${
          totals.tokensSavedAtMost > 0 ? ` (at most ${integer.format(totals.tokensSavedAtMost)} tokens)` : ''
        }`;
  return {
    calls: `${count(totals.calls, 'answer')}, ${totals.stops} stopped, ${totals.holdouts} held out`,
    tokens: `${count(totals.tokensSaved, 'token')} over ${count(estimated, 'estimated stop')}${left}`,
    dollars: `${formatUsd(totals.costSaved)}${totals.unpricedCalls > 0 ? `; ${totals.unpricedCalls} call(s) of a model with no known price left out` : ''}`,
    seconds: formatSeconds(totals.timeSavedMs),
  };
}
