import { ConfigError } from '../errors.js';
import type { StopDecision, StopPolicy, StreamView } from '../policy.js';
import { BoundaryTracker, MathModeTracker } from './char-scan.js';
import { FenceTracker } from './code-fence.js';
import { AnswerPhraseScanner, BoxedScanner } from './completion-markers.js';
import { JsonScanner } from './json-scanner.js';
import { integerOption, optionsObject, type PhaseOption, phaseOption, watches } from './options.js';

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

const reasons: Record<CompletionMarker, string> = {
  boxed: 'answer complete: closed \\boxed{}',
  'answer-is': 'answer complete: "the answer is ..." statement',
  'final-answer': 'answer complete: "Final answer: ..." statement',
  'code-fence': 'answer complete: fenced code block closed',
  json: 'answer complete: JSON value closed',
};

interface Completion {
  cut: number;
  marker: CompletionMarker;
}

interface Settled extends Completion {
  /** Where the statement was found to end: the quiet window counts from here. */
  from: number;
}

interface Pending {
  marker: CompletionMarker;
  /** Where the marker closed or its answer began: ends are looked for from here. */
  since: number;
  /**
   * `statement`: the end of the sentence or line; `fence`: the closing fence of a JSON block;
   * `line`: the end of the line a JSON value closed on, with nothing else on it.
   */
  until: 'statement' | 'fence' | 'line';
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10;
}

/**
 * Scans one phase's text a character at a time. A marker opens a pending stop, which lands at
 * the end of the marker's sentence or line, never inside display math (`\[ \]`, `$$`,
 * environments): so a boxed answer keeps its closing `\]` and what an answer extractor reads
 * (the last `\boxed{}`, the text after "answer is") is unchanged by the cut.
 */
class CompletionScanner {
  private readonly math = new MathModeTracker();
  private readonly bounds = new BoundaryTracker();
  private readonly fence = new FenceTracker();
  private readonly boxed = new BoxedScanner();
  private readonly phrases: AnswerPhraseScanner;
  private readonly json = new JsonScanner();
  private pending: Pending | undefined;
  private settled: Settled | undefined;
  private previous = 0;
  private beforePrevious = 0;
  private previousIndex = -1;
  private lineBlank = true;

  // Read for every character: plain booleans, not set lookups.
  private readonly watches: { codeFence: boolean; json: boolean; boxed: boolean };

  constructor(
    markers: ReadonlySet<CompletionMarker>,
    private readonly grace: number,
    private readonly quiet: number,
  ) {
    this.watches = {
      codeFence: markers.has('code-fence'),
      json: markers.has('json'),
      boxed: markers.has('boxed'),
    };
    this.phrases = new AnswerPhraseScanner({
      answerIs: markers.has('answer-is'),
      finalAnswer: markers.has('final-answer'),
    });
  }

  reset(): void {
    for (const part of [this.math, this.bounds, this.fence, this.boxed, this.phrases, this.json])
      part.reset();
    this.pending = undefined;
    this.settled = undefined;
    this.previous = 0;
    this.beforePrevious = 0;
    this.previousIndex = -1;
    this.lineBlank = true;
  }

  /** Feeds the character at `index`; returns the stop once the answer has settled. */
  push(code: number, index: number): Completion | undefined {
    this.bounds.push(code, index);
    if (this.pending && this.trailsOff(this.pending, code)) this.pending = undefined;
    const ended = this.pending && this.endOf(this.pending, code, index);
    if (ended) this.settle(ended, index);
    const fenceEvent = this.fence.push(code, index);
    this.math.push(code);
    const found = this.markersAt(code, index, fenceEvent);
    if (found) this.settle(found, index);
    this.lineBlank = code === 10 || (this.lineBlank && isSpace(code));
    this.beforePrevious = this.previous;
    this.previous = code;
    this.previousIndex = index;
    const settled = this.settled;
    if (settled && !this.pending && index - settled.from >= this.quiet) return settled;
    return undefined;
  }

  private settle(completion: Completion, index: number): void {
    this.pending = undefined;
    this.settled = { ...completion, from: index };
  }

  /**
   * An answer phrase whose answer runs on into a clause (", which ...", ", so ...") is not a
   * final statement: an extractor reading "the text after 'answer is'" would get the clause too.
   */
  private trailsOff(pending: Pending, code: number): boolean {
    if (pending.marker !== 'answer-is' && pending.marker !== 'final-answer') return false;
    const letter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
    return letter && this.previous === 32 && this.beforePrevious === 44 && !this.math.inMath;
  }

  private markersAt(
    code: number,
    index: number,
    fenceEvent: ReturnType<FenceTracker['push']>,
  ): Completion | undefined {
    if (fenceEvent?.type === 'closed') {
      if (this.watches.codeFence) return { cut: fenceEvent.end, marker: 'code-fence' };
      if (this.pending?.until === 'fence') return { cut: fenceEvent.end, marker: 'json' };
    } else if (fenceEvent?.type === 'opened') {
      this.boxed.reset();
      this.phrases.reset();
    }
    if (this.watches.json) {
      const value = this.jsonAt(code, index);
      if (value) return value;
    }
    if (this.fence.open || this.pending) return undefined;
    if (this.watches.boxed && this.boxed.push(code)) {
      this.pending = { marker: 'boxed', since: index + 1, until: 'statement' };
      return undefined;
    }
    const hit = this.phrases.push(code, index, this.math.inMath);
    if (!hit) return undefined;
    this.pending = { marker: hit.marker, since: hit.spanStart, until: 'statement' };
    // The character that revealed the answer's start may itself end the line.
    const ended = this.endOf(this.pending, code, index);
    if (!ended) return undefined;
    this.pending = undefined;
    return ended;
  }

  private jsonAt(code: number, index: number): Completion | undefined {
    if (this.json.active) {
      if (this.json.push(code) !== 'complete') return undefined;
      // A value followed by more text on its line ("[1] Smith et al.") is prose, not the answer.
      this.pending = { marker: 'json', since: index + 1, until: this.fence.open ? 'fence' : 'line' };
      return undefined;
    }
    const info = this.fence.info;
    const jsonFence = !this.fence.open || info === '' || info.startsWith('json');
    if (this.lineBlank && (code === 123 || code === 91) && jsonFence && !this.pending) this.json.begin(code);
    return undefined;
  }

  private endOf(pending: Pending, code: number, index: number): Completion | undefined {
    const { marker, since } = pending;
    if (pending.until === 'fence') {
      return index - since >= this.grace ? { cut: since, marker } : undefined;
    }
    if (pending.until === 'line') {
      if (code === 10) return { cut: since, marker };
      if (!isSpace(code)) this.pending = undefined;
      return undefined;
    }
    if (code === 10 && !this.math.inDisplay) return { cut: index, marker };
    const sentenceEnd = this.previous === 46 || this.previous === 33 || this.previous === 63;
    if (sentenceEnd && isSpace(code) && this.previousIndex >= since && !this.math.inMath)
      return { cut: index, marker };
    if (index - since >= this.grace) return { cut: Math.max(since, this.bounds.last), marker };
    return undefined;
  }
}

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
  const given = optionsObject('answerComplete', options);
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
      const { delta, deltaOffset } = view;
      for (let i = 0; i < delta.length; i += 1) {
        const found = scanner.push(delta.charCodeAt(i), deltaOffset + i);
        if (found) {
          done = true;
          return {
            reason: reasons[found.marker],
            cutAt: found.cut,
            decidedAt: deltaOffset + i + 1,
            confidence: 0.9,
          };
        }
      }
      return undefined;
    },
  };
}
