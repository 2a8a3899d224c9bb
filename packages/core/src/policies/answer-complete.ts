import { ConfigError } from '../errors.js';
import type { StopDecision, StopPolicy, StreamView } from '../policy.js';
import { CompletionScanner } from './completion-scanner.js';
import {
  integerOption,
  optionNames,
  optionsObject,
  type PhaseOption,
  phaseOption,
  watches,
} from './options.js';

/** An output-side sign that the answer is complete. */
export type CompletionMarker = 'boxed' | 'answer-is' | 'final-answer' | 'code-fence' | 'json';

const allMarkers: readonly CompletionMarker[] = ['boxed', 'answer-is', 'final-answer', 'code-fence', 'json'];
/** The markers `answerComplete` watches when its options name none. */
export const defaultMarkers: readonly CompletionMarker[] = ['boxed', 'answer-is', 'final-answer'];

/** Options of {@link answerComplete}. */
export interface AnswerCompleteOptions {
  /**
   * Which markers end the answer. Default `['boxed', 'answer-is', 'final-answer']`. Add
   * `'code-fence'` when the prompt asked for code only (the first closed fenced block ends it),
   * `'json'` when it asked for JSON only (the first complete top-level object or array ends it).
   * An empty list switches every marker off: the policy then never stops (profiles use that for
   * "only the markers this prompt asks for").
   */
  markers?: readonly CompletionMarker[] | undefined;
  /**
   * How many characters after a marker to wait for the end of its sentence or line (or of the
   * display math or code fence around it) before stopping anyway, at a word boundary. Default 200.
   */
  graceChars?: number | undefined;
  /**
   * How many characters must follow the end of the last answer statement, with no new marker
   * among them, before stopping (default 300). Models often restate an answer in the format
   * asked for ("\\boxed{17}" then "The answer is (F).") or box intermediate results; a later
   * marker within this window moves the stop to the end of its statement. The window's text is
   * then cut away (`cutAt` reaches back), so it costs tokens only, never kept text.
   */
  quietChars?: number | undefined;
  /** Which phase to watch: `answer` (default), `reasoning`, or `any`. */
  phase?: PhaseOption | undefined;
}

/** The names {@link AnswerCompleteOptions} takes (others are refused). */
export const answerCompleteOptionNames = optionNames<AnswerCompleteOptions>({
  markers: true,
  graceChars: true,
  quietChars: true,
  phase: true,
});

const reasons: Record<CompletionMarker, string> = {
  boxed: 'answer complete: closed \\boxed{}',
  'answer-is': 'answer complete: "the answer is ..." statement',
  'final-answer': 'answer complete: "Final answer: ..." statement',
  'code-fence': 'answer complete: fenced code block closed',
  json: 'answer complete: JSON value closed',
};

function validateMarkers(value: unknown): Set<CompletionMarker> {
  if (value === undefined) return new Set(defaultMarkers);
  if (!Array.isArray(value)) {
    throw new ConfigError(
      'answerComplete.markers',
      `must be an array of ${allMarkers.map((m) => `'${m}'`).join(', ')}, got ${typeof value}`,
    );
  }
  value.forEach((marker, index) => {
    if (!allMarkers.includes(marker)) {
      throw new ConfigError(
        `answerComplete.markers[${index}]`,
        `must be one of ${allMarkers.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(marker)}`,
      );
    }
  });
  return new Set(value as CompletionMarker[]);
}

/** Validated options of an answer-complete policy: what each call's policy is made from. */
export interface AnswerCompleteConfig {
  readonly name: string;
  readonly markers: ReadonlySet<CompletionMarker>;
  readonly grace: number;
  readonly quiet: number;
  readonly phase: PhaseOption;
}

/**
 * Validates {@link AnswerCompleteOptions} (a {@link ConfigError} naming the field) and fills in
 * the defaults. Profiles keep the result in their plan and make each call's policy from it with
 * {@link answerCompleteFrom}, so a call pays for no validation.
 */
export function answerCompleteConfig(options?: AnswerCompleteOptions): AnswerCompleteConfig {
  const given = optionsObject('answerComplete', options, answerCompleteOptionNames);
  const markers = validateMarkers(given.markers);
  const grace = integerOption('answerComplete.graceChars', given.graceChars, 200, 1);
  const quiet = integerOption('answerComplete.quietChars', given.quietChars, 300, 0);
  const phase = phaseOption('answerComplete.phase', given.phase, 'answer');
  const name = `answerComplete(${[...markers].join(', ') || 'no markers'})`;
  return Object.freeze({ name, markers, grace, quiet, phase });
}

/**
 * Stops once the output says its answer is complete: a closed `\boxed{...}` (nested braces
 * fine), "the answer is (X)." / "The answer is X.", "Final answer: ..." (by default), the first
 * closed fenced code block (`'code-fence'`), or a complete top-level JSON object or array that
 * ends its line (`'json'`). The answer's statement ends at the end of its sentence or line,
 * never mid-word and never inside display math, so a closing `\]` or `$$` after a boxed answer
 * is kept. The stop then waits `quietChars` for a restatement ("\\boxed{17}" then "The answer
 * is (F).") and moves to the end of the last one, so what an extractor reads (the last
 * `\boxed{}`, the text after "answer is") is what was kept; the rest (a sign-off, a
 * verification, the next invented question) is cut. Hedged phrases ("if the answer is 5") and
 * markers inside fenced code do not count. Work is O(delta) per step with constant memory.
 *
 * @example
 * ```ts
 * const run = client.stream({ model, messages, policy: { policies: [answerComplete()] } });
 * ```
 */
export function answerComplete(options?: AnswerCompleteOptions): StopPolicy {
  return answerCompleteFrom(answerCompleteConfig(options));
}

/** A fresh answer-complete policy (per-call state only) from validated options. */
export function answerCompleteFrom(config: AnswerCompleteConfig): StopPolicy {
  const { markers, grace, quiet, phase } = config;
  // Made on first use: most calls never stream the phase this policy does not watch.
  const scanners: Partial<Record<'answer' | 'reasoning', CompletionScanner>> = {};
  let done = false;
  return {
    name: config.name,
    start() {
      scanners.answer?.reset();
      scanners.reasoning?.reset();
      done = false;
    },
    step(view: StreamView): StopDecision | undefined {
      if (done || !watches(phase, view.phase)) return undefined;
      scanners[view.phase] ??= new CompletionScanner(markers, grace, quiet);
      const scanner = scanners[view.phase] as CompletionScanner;
      const found = scanner.scan(view.delta, view.deltaOffset);
      if (!found) return undefined;
      done = true;
      const { completion, decidedAt } = found;
      return { reason: reasons[completion.marker], cutAt: completion.cut, decidedAt, confidence: 0.9 };
    },
  };
}
