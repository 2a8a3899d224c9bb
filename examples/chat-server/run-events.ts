import type { RunResult, SavingsTotals, StopInfo, StreamPart, StreamRun } from 'stopwise';
import { describeEnd, describeSavings, describeTotals } from '../shared/savings-text.js';

/** One server-sent event of an answer, as the page reads it. */
export type AnswerEvent =
  | { event: 'text'; data: { delta: string } }
  | { event: 'reasoning'; data: { delta: string } }
  // The stop as stopwise gives it, on the part and in `result.stop` alike.
  | { event: 'stop'; data: StopInfo }
  | { event: 'done'; data: AnswerSummary };

/** The end of an answer: how it ended, what it saved, and the totals after it. */
export interface AnswerSummary {
  outcome: RunResult['outcome'];
  profile: string | undefined;
  /** The final answer text (trimmed at the stop's cut, which may remove a few streamed characters). */
  text: string;
  stop: StopInfo | undefined;
  /** How it ended, for a person. */
  end: string;
  /** An error's hint for the user, e.g. that offline only recorded questions have answers. */
  hint: string | undefined;
  outputTokens: number;
  savings: ReturnType<typeof describeSavings> & {
    /** The headline figures, `null` when stopwise has no point estimate (the text says why). */
    tokensSaved: number | null;
    costSaved: number | null;
    timeSavedMs: number | null;
  };
  totals: TotalsView;
  userTotals: TotalsView;
}

/** `client.stats()` totals: the figures and their text. */
export type TotalsView = SavingsTotals & { text: ReturnType<typeof describeTotals> };

/** A totals figure with its text. */
export function totalsView(totals: SavingsTotals): TotalsView {
  return { ...totals, text: describeTotals(totals) };
}

/** What {@link answerEvents} needs besides the run. */
export interface AnswerContext {
  /** Totals after the run: overall and this user's (`client.stats()`, read once the run ended). */
  totals(): { all: SavingsTotals; user: SavingsTotals };
  hintFor(status: number | undefined): string | undefined;
}

/**
 * The events of one answer: each text and reasoning delta as it arrives, the stop as soon as a
 * policy decides, then a summary from `run.result`.
 */
export async function* answerEvents(run: StreamRun, context: AnswerContext): AsyncGenerator<AnswerEvent> {
  for await (const part of run as AsyncIterable<StreamPart>) {
    if (part.type === 'text-delta') yield { event: 'text', data: { delta: part.delta } };
    else if (part.type === 'reasoning-delta') yield { event: 'reasoning', data: { delta: part.delta } };
    else if (part.type === 'policy-stop') {
      const { type: _type, ...stop } = part;
      yield { event: 'stop', data: stop };
    }
  }
  const result = await run.result;
  const { all, user } = context.totals();
  yield {
    event: 'done',
    data: {
      outcome: result.outcome,
      profile: result.profile,
      text: result.text,
      stop: result.stop,
      end: describeEnd(result),
      hint: result.outcome === 'error' ? context.hintFor(statusOf(result.error)) : undefined,
      outputTokens: result.usage.outputTokens ?? 0,
      savings: {
        ...describeSavings(result),
        tokensSaved: result.savings.tokensSaved,
        costSaved: result.savings.costSaved,
        timeSavedMs: result.savings.timeSavedMs,
      },
      totals: totalsView(all),
      userTotals: totalsView(user),
    },
  };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}
