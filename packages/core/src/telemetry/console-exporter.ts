import { ConfigError, redactSecrets } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import { optionNames } from '../policies/options.js';
import type { CallEndEvent, TelemetryHooks } from './events.js';
import { type SavingsStats, SavingsStatsCollector, type SavingsTotals } from './stats.js';

/** Options of {@link consoleExporter}. */
export interface ConsoleExporterOptions {
  /** Log one line per finished call. Default true. */
  perCall?: boolean | undefined;
  /** Also log the running summary every this many calls. Default: never on its own. */
  summaryEvery?: number | undefined;
  /** Where lines go. Default `console` (works on every runtime). */
  logger?: { log(message: string): void } | undefined;
}

/** Telemetry hooks that log to the console, plus the summary they keep. */
export interface ConsoleExporter extends TelemetryHooks {
  /** The running summary as text (several lines). */
  summary(): string;
  /** Logs {@link ConsoleExporter.summary}. */
  printSummary(): void;
  /** The totals behind the summary. */
  stats(): SavingsStats;
}

const tokens = (n: number) => Math.round(n).toLocaleString('en-US');
const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`);
const usd = (n: number) => `$${n < 0.01 ? n.toPrecision(3) : n.toFixed(4)}`;
/** ` ($low-$high)`, or nothing when there is no range or it is a single point. */
const usdRange = (range: { low: number; high: number } | null | undefined) =>
  range && range.high > range.low ? ` (${usd(range.low)}-${usd(range.high)})` : '';

/** One line for one call: outcome, tokens, and what the stop saved with its method and range. */
export function formatCallEnd(event: CallEndEvent): string {
  const { savings } = event;
  const head = `[stopwise] ${event.model} ${event.outcome === 'policy-stop' ? `stopped by ${event.stoppedBy}` : event.outcome}`;
  let line = `${head}: ${tokens(savings.outputTokens)} output tokens${savings.outputTokensSource === 'estimated' ? ' (counted)' : ''}`;
  const cf = savings.counterfactualTokens;
  if (event.outcome === 'policy-stop') {
    if (savings.tokensSaved == null || cf === undefined) {
      line +=
        savings.tokensSavedAtMost == null
          ? ', saved: no estimate yet, no cap'
          : `, saved: no estimate yet (at most ${tokens(savings.tokensSavedAtMost)} tokens)`;
    } else {
      const from = cf.pooled ? ` with ${cf.pooled.pool}'s samples` : '';
      line += `, saved ~${tokens(savings.tokensSaved)} tokens (${cf.method}${from}, full length ${tokens(cf.low)}-${tokens(cf.high)})`;
      line +=
        savings.costSaved === null
          ? ', cost unknown'
          : `, ${usd(savings.costSaved)}${usdRange(savings.costSavedRange)}`;
      if (savings.timeSavedMs != null) line += `, ${duration(savings.timeSavedMs)}`;
    }
  }
  if (savings.holdout) {
    const at = savings.holdout.wouldStopAtToken;
    line +=
      at === undefined
        ? ' [holdout]'
        : ` [holdout: ${savings.holdout.policy} would have stopped at ${tokens(at)}]`;
  }
  return redactSecrets(line);
}

/** `1 stop`, `2 stops`: the summary is read by people. */
function counted(count: number, noun: string): string {
  return `${tokens(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function totalsLine(totals: SavingsTotals): string {
  let line = `${counted(totals.calls, 'call')}, ${counted(totals.stops, 'stop')}, ${tokens(totals.outputTokens)} output tokens, ~${tokens(totals.tokensSaved)} saved`;
  if (totals.unestimatedStops > 0) line += ` (${counted(totals.unestimatedStops, 'stop')} not estimated yet)`;
  // The bound sums every stop that had a cap, estimated or not: its own clause, so it does not
  // read as the unestimated stops' share. None where no stop had a cap ("at most 0" would read
  // as nothing saved).
  if (totals.unestimatedStops > 0 && totals.tokensSavedAtMost > 0)
    line += `, at most ${tokens(totals.tokensSavedAtMost)} by the stops with a cap`;
  line += `, ${usd(totals.costSaved)}${usdRange({ low: totals.costSavedLow, high: totals.costSavedHigh })} saved`;
  if (totals.unpricedCalls > 0) line += ` (${counted(totals.unpricedCalls, 'call')} without a price)`;
  if (totals.holdouts > 0) line += `, ${counted(totals.holdouts, 'holdout')}`;
  return line;
}

/** The summary text of {@link SavingsStats}: totals, then one line per stopping policy and model. */
export function formatSummary(stats: SavingsStats): string {
  const lines = [`[stopwise] ${totalsLine(stats.total)}`];
  for (const [name, group] of [
    ['policy', stats.byPolicy],
    ['model', stats.byModel],
  ] as const) {
    for (const [key, totals] of Object.entries(group)) lines.push(`  ${name} ${key}: ${totalsLine(totals)}`);
  }
  return redactSecrets(lines.join('\n'));
}

/**
 * A console summary exporter (no `node:` module: works on edge runtimes too). Logs a line per
 * finished call, and the running totals on `printSummary()` or every `summaryEvery` calls.
 *
 * @example
 * const exporter = consoleExporter({ summaryEvery: 100 });
 * const client = createClient({ provider, telemetry: exporter });
 * // ... later
 * exporter.printSummary();
 */
export function consoleExporter(options: ConsoleExporterOptions = {}): ConsoleExporter {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object { perCall?, summaryEvery?, logger? }');
  rejectUnknownOptions(
    '',
    options,
    optionNames<ConsoleExporterOptions>({ perCall: true, summaryEvery: true, logger: true }),
  );
  const { perCall = true, summaryEvery, logger = console } = options;
  if (summaryEvery !== undefined && (!Number.isInteger(summaryEvery) || summaryEvery < 1)) {
    throw new ConfigError('summaryEvery', `must be a positive integer, got ${String(summaryEvery)}`);
  }
  if (typeof logger?.log !== 'function') throw new ConfigError('logger', 'must have a log(message) method');
  const collector = new SavingsStatsCollector();
  let calls = 0;
  const exporter: ConsoleExporter = {
    onCallEnd(event) {
      collector.add(event);
      calls += 1;
      if (perCall) logger.log(formatCallEnd(event));
      if (summaryEvery !== undefined && calls % summaryEvery === 0) exporter.printSummary();
    },
    summary: () => formatSummary(collector.snapshot()),
    printSummary: () => logger.log(exporter.summary()),
    stats: () => collector.snapshot(),
  };
  return exporter;
}
