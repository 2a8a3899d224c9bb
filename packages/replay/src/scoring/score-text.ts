import { ConfigError } from 'stopwise';
import { choiceAnswer, scoreChoice } from './choice-scorer.js';
import { mathAnswer, normalizeMath, scoreMath } from './math-scorer.js';
import { numberAnswer, scoreNumber } from './number-scorer.js';

/** The scorers of the trace format: how a record's output is judged against its gold answer. */
export type ScorerName = 'number' | 'choice' | 'math';

/** Every scorer name, for validation and error messages. */
export const scorerNames: readonly ScorerName[] = ['number', 'choice', 'math'];

/** What a scorer needs of a trace record. */
export interface ScoredRecord {
  scorer: ScorerName;
  gold: string;
}

/** Options of {@link scoreText} and {@link extractAnswer}. */
export interface ScoreTextOptions {
  /** The record that says which scorer applies and what the gold answer is. */
  record: ScoredRecord;
  /** The answer text the caller got (for a stopped call: what was kept). */
  text: string;
  /** The reasoning text the caller got; the `math` scorer reads it when `text` is empty. */
  reasoning?: string | undefined;
}

/**
 * The text a scorer reads (`scored_text` of scorers.py): the answer text, or for the `math`
 * scorer with no answer text, the reasoning (a long-reasoning model stopped before it answered).
 */
export function scoredText(options: ScoreTextOptions): string {
  if (options.record.scorer === 'math' && options.text.length === 0) return options.reasoning ?? '';
  return options.text;
}

/**
 * Whether `text` (or, for `math` with empty `text`, `reasoning`) is a correct answer to
 * `record`, by the record's scorer. Gives the same verdict as the reference `scorers.py` on
 * every record of the shared traces (see `check-against-python.ts`).
 */
export function scoreText(options: ScoreTextOptions): boolean {
  const { record } = options;
  const text = scoredText(options);
  switch (record.scorer) {
    case 'number':
      return scoreNumber(record.gold, text);
    case 'choice':
      return scoreChoice(record.gold, text);
    case 'math':
      return scoreMath(record.gold, text);
    default:
      throw new ConfigError(
        'record.scorer',
        `must be one of ${scorerNames.join(', ')}, got ${JSON.stringify(record.scorer)}`,
      );
  }
}

/** The answer the record's scorer reads in the text, as a string (for reports and debugging). */
export function extractAnswer(options: ScoreTextOptions): string | undefined {
  const text = scoredText(options);
  switch (options.record.scorer) {
    case 'number': {
      const value = numberAnswer(text);
      return value === undefined ? undefined : String(value);
    }
    case 'choice':
      return choiceAnswer(text);
    case 'math':
      return normalizeMath(mathAnswer(text));
    default:
      return undefined;
  }
}
