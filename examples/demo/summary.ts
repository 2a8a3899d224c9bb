import { formatSeconds, formatUsd } from '../shared/savings-text.js';
import type { Answer } from './ask.js';
import { paint } from './paint.js';
import type { Adapter } from './setup.js';

const integer = new Intl.NumberFormat('en-US');
const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;

/** `gsm8k: number, mmlu-pro: choice`: which reference scorer judged which dataset. */
function scorersText(answers: readonly Answer[]): string {
  const pairs = new Map<string, string>();
  for (const answer of answers) if (answer.scorer) pairs.set(answer.dataset, answer.scorer);
  return [...pairs].map(([dataset, scorer]) => `${dataset}: ${scorer}`).join(', ');
}

/** Options of {@link printSummary}. */
export interface SummaryOptions {
  answers: readonly Answer[];
  adapters: readonly Adapter[];
  profile: string | undefined;
  /** Replay pace in tokens per second; undefined live. */
  pace: number | undefined;
}

/** The totals: tokens (stopwise's estimate beside the recordings' truth), dollars, seconds, and accuracy explained. */
export function printSummary(options: SummaryOptions): void {
  const { answers } = options;
  const stops = answers.filter((answer) => answer.stoppedBy !== undefined);
  const totals = options.adapters.map((adapter) => adapter.client.stats().total);
  const sum = (pick: (total: (typeof totals)[number]) => number) =>
    totals.reduce((acc, total) => acc + pick(total), 0);
  console.log(
    paint.bold(
      `\nprofile ${options.profile ?? 'none'}: ${stops.length} of ${answers.length} answers stopped`,
    ),
  );

  const full = answers.reduce((acc, answer) => acc + (answer.fullTokens ?? 0), 0);
  const kept = answers.reduce((acc, answer) => acc + answer.keptTokens, 0);
  const unestimated = sum((total) => total.unestimatedStops);
  const estimate = `stopwise estimated ${integer.format(sum((total) => total.tokensSaved))} saved${
    unestimated > 0 ? ` (${unestimated} stops had no estimate yet and count 0)` : ''
  }`;
  if (full > 0) {
    console.log(
      `output tokens: ${integer.format(kept)} of ${integer.format(full)} kept, ${percent(full - kept, full)} saved (from the recordings); ${estimate}`,
    );
  } else console.log(`output tokens: ${estimate}`);
  const seconds = formatSeconds(sum((total) => total.timeSavedMs));
  const pace = options.pace
    ? ` at ${options.pace} tokens/s`
    : options.pace === 0
      ? ' (full speed: no time to save)'
      : '';
  console.log(
    `money and time saved (client.stats(), estimates): ${formatUsd(sum((total) => total.costSaved))}, ${seconds}${pace}`,
  );

  const scorable = answers.filter((answer) => answer.keptRight !== undefined);
  if (scorable.length === 0) return;
  const right = (pick: (answer: Answer) => boolean | undefined) =>
    scorable.filter((a) => pick(a) === true).length;
  const fullKnown = scorable.every((answer) => answer.fullRight !== undefined);
  console.log(
    `accuracy by each dataset's reference scorer (${scorersText(scorable)}; TypeScript ports of the traces' scorers.py, checked against it verdict by verdict): ` +
      (fullKnown
        ? `full outputs ${right((a) => a.fullRight)}/${scorable.length} → kept ${right((a) => a.keptRight)}/${scorable.length}`
        : `kept ${right((a) => a.keptRight)}/${scorable.length}`),
  );
  if (!fullKnown) return;
  const alreadyWrong = scorable.filter((a) => a.fullRight === false && a.keptRight === false);
  const lost = scorable.filter((a) => a.fullRight === true && a.keptRight === false);
  const fixed = scorable.filter((a) => a.fullRight === false && a.keptRight === true);
  console.log(
    `  ${alreadyWrong.length} wrong answers were already wrong in the full recorded output: the model's errors, not the stop's`,
  );
  console.log(
    `  ${lost.length} right answers lost by a stop${lost.length ? `: ${lost.map((a) => `${a.label} (${a.stoppedBy})`).join(', ')}` : ''}`,
  );
  if (fixed.length > 0)
    console.log(
      `  ${fixed.length} wrong answers right once cut: ${fixed.map((a) => a.label).join(', ')} (a stop before the model changed its mind)`,
    );
}
