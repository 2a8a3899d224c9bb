import type { CallContext, StopDecision, StopPolicy, StreamView } from '../policy.js';
import { type TokenCounter, tokenCounterFor } from '../token-counter.js';
import { type Statement, statementIn } from './answer-candidates.js';
import { normalizeAnswer } from './answer-normalize.js';
import { LineReader } from './line-reader.js';
import {
  integerOption,
  optionNames,
  optionsObject,
  type PhaseOption,
  phaseOption,
  watches,
} from './options.js';

/** Options of {@link answerConvergence}. */
export interface AnswerConvergenceOptions {
  /**
   * How many statements of the same answer must agree, the first included, with no statement
   * of a different answer in between (default 3). "Statements" are conservative: a closed
   * `\boxed{}`, "the answer is X", a concluding "So/Therefore ... is X." and "that's the answer"
   * after one of those; lines with "wait", "but", "let me check", "hmm", "alternatively",
   * "double-check", "verify", "maybe", "if" or a question do not count.
   */
  confirmations?: number | undefined;
  /**
   * Tokens of reasoning the answer must hold steady for, counted from its first statement in
   * the current run of agreeing statements (default 400): if no different answer is stated in
   * that window, the stop comes (and still cuts back to just after the last statement). The
   * answer must survive some re-checking, not just be repeated in one breath.
   */
  holdTokens?: number | undefined;
  /** Which phase to watch: `reasoning` (default), `answer`, or `any`. */
  phase?: PhaseOption | undefined;
}

/** The names {@link AnswerConvergenceOptions} takes (others are refused). */
export const answerConvergenceOptionNames = optionNames<AnswerConvergenceOptions>({
  confirmations: true,
  holdTokens: true,
  phase: true,
});

export { maxLineChars } from './line-reader.js';

interface Streak {
  key: string;
  display: string;
  count: number;
  /** Tokens counted when the first agreeing statement ended. */
  firstTokens: number;
  /** Offset just after the line (or display block) of the latest agreeing statement. */
  lastEnd: number;
  /** Whether the latest statement names the answer so a reader finds it without guessing. */
  evident: boolean;
}

const explicitForms = new Set(['boxed', 'answer-is']);
const plainNumber = /^-?\d+(?:\.\d+)?$/;
// A number the prompt sets with "=" ("... = 10", "=10$"), not the start of a longer expression
// ("= 10x", "= 10^2", "= 3/4", "= 2\\pi"). Linear on any prompt (the prompt is the user's): one
// run of white space, and a number cut short by backtracking is followed by a digit or by a
// point and a digit, which the lookahead refuses at once.
const givenNumber = /=\s*(?:(?:\$|\\\(|\{)\s*)?(-?\d+(?:\.\d+)?)(?!\d|\.\d|[\p{L}^_(/{]|\\[a-zA-Z])/gu;

/**
 * The numbers a prompt states as given with "=" (`log_x(y^x) = 10`), normalised as answers are.
 * A reasoning model restates the problem's equations before solving it ("So, x log_x(y) = 10"):
 * read as concluding sentences, two such lines had made `answerConvergence` stop an AIME
 * solution at its 293rd token with the given value as its "answer".
 */
export function givenValues(prompt: string): ReadonlySet<string> {
  const seen = new Set<string>();
  const values = new Set<string>();
  for (const match of prompt.matchAll(givenNumber)) {
    const written = match[1] as string;
    if (seen.has(written)) continue;
    seen.add(written);
    values.add(normalizeAnswer(written));
  }
  return values;
}

/**
 * Follows one phase's text line by line for {@link answerConvergence}. Work per delta is
 * O(delta) plus one pass over each completed line (at most {@link maxLineChars}); memory is
 * one line. Exported for tests of that bound; use the policy.
 */
export class Converger {
  // Made once, with the bound callback: a closure per delta would be an allocation per chunk.
  private readonly lines = new LineReader<StopDecision>((line, end) => this.onLine(line, end));
  private tokens = 0;
  private display = false;
  private streak: Streak | undefined;
  private previous: { key: string; display: string } | undefined;
  private lastExplicit: string | undefined;
  /** A statement inside display math: its end is the line that closes the block. */
  private awaitingClose = false;

  constructor(
    private readonly confirmations: number,
    private readonly holdTokens: number,
    private readonly counter: () => TokenCounter,
    /** Values the prompt gives (see {@link givenValues}): a concluding sentence ending in one restates the problem. */
    private readonly givens: ReadonlySet<string> = new Set(),
  ) {}

  /** Characters of the current line held (never more than twice {@link maxLineChars}). */
  get heldChars(): number {
    return this.lines.heldChars;
  }

  push(delta: string, offset: number): StopDecision | undefined {
    return this.lines.push(delta, offset);
  }

  private count(text: string): number {
    try {
      return this.counter().count(text);
    } catch {
      // A tokenizer may refuse text that looks like its special tokens; estimate instead.
      return Math.ceil(text.length / 4);
    }
  }

  private onLine(line: string, end: number): StopDecision | undefined {
    this.tokens += this.count(`${line}\n`);
    this.trackDisplay(line);
    if (this.awaitingClose && !this.display && this.streak) {
      this.streak.lastEnd = end;
      this.awaitingClose = false;
    }
    const statement = statementIn(line);
    if (statement) this.record(statement, end);
    return this.decide(end);
  }

  private trackDisplay(line: string): void {
    const opens = (line.match(/\\\[/g) ?? []).length;
    const closes = (line.match(/\\\]/g) ?? []).length;
    if (opens > closes) this.display = true;
    else if (closes > opens) this.display = false;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) this.display = !this.display;
  }

  private record(statement: Statement, end: number): void {
    const candidate =
      statement.value === undefined
        ? this.previous
        : { key: normalizeAnswer(statement.value), display: statement.value };
    if (!candidate || candidate.key === '') return;
    // "So, x log_x(y) = 10" with 10 given by the prompt restates an equation: no statement of
    // the answer. It still shows the reasoning at work on other values, so it ends a run of
    // agreeing statements of another one (on AMC, "5^10 mod 10 = 5" with "n = 5" in the prompt
    // stood between "4^10 mod 10 = 6" and "6^10 mod 10 = 6"). A box or "the answer is" counts.
    if (statement.form === 'conclusion' && this.givens.has(candidate.key)) {
      if (this.streak?.key !== candidate.key) this.streak = undefined;
      this.previous = undefined;
      return;
    }
    const explicit = explicitForms.has(statement.form);
    const evident =
      explicit ||
      plainNumber.test(candidate.key) ||
      (statement.form === 'endorsement' && (this.streak?.evident ?? false));
    if (this.streak?.key === candidate.key) {
      this.streak.count += 1;
      this.streak.lastEnd = end;
      this.streak.evident = evident;
      this.streak.display = candidate.display;
    } else {
      this.streak = { ...candidate, count: 1, firstTokens: this.tokens, lastEnd: end, evident };
    }
    this.awaitingClose = this.display;
    this.previous = candidate;
    if (explicit) this.lastExplicit = candidate.key;
  }

  /** The stop, when the line whose break is at `end` made the answer converge. */
  private decide(end: number): StopDecision | undefined {
    const streak = this.streak;
    if (!streak || this.awaitingClose || streak.count < this.confirmations || !streak.evident)
      return undefined;
    if (this.tokens - streak.firstTokens < this.holdTokens) return undefined;
    // An earlier explicit statement of another answer would still be what a reader finds.
    if (this.lastExplicit !== undefined && this.lastExplicit !== streak.key) return undefined;
    return {
      // The answer itself goes in `answer`, not the reason: reasons reach telemetry and traces
      // whatever `recordContent` says, and the answer is model output.
      reason: `answer converged: the same answer stated ${streak.count} times`,
      cutAt: streak.lastEnd,
      decidedAt: end + 1,
      confidence: Math.min(0.95, 0.5 + 0.1 * streak.count),
      answer: streak.display,
    };
  }
}

/**
 * For long-reasoning models (DeepSeek-style `reasoning` deltas, Anthropic thinking): stops the
 * reasoning once it keeps arriving at the same answer. Candidate answers are read from the
 * visible reasoning line by line (see {@link AnswerConvergenceOptions.confirmations}), compared
 * after normalising (`\frac{3}{4}` = `3/4`, `$-125$` = `-125.`), and the stop comes when
 * `confirmations` statements agree with no other answer in between and at least `holdTokens`
 * of reasoning have passed since the first of them. It never stops before a first answer.
 *
 * The decision carries `answer` (the converged candidate, as written) and `cutAt` just after
 * the line of its last statement, so the kept reasoning ends with the answer. A non-numeric
 * answer must have been stated explicitly (`\boxed{}` or "the answer is") to stop, and no
 * earlier explicit statement of a different answer may stand in the kept text.
 *
 * @example
 * ```ts
 * answerConvergence({ confirmations: 3, holdTokens: 400 }); // what `balanced` runs
 * ```
 */
export function answerConvergence(options?: AnswerConvergenceOptions): StopPolicy {
  return answerConvergenceFrom(answerConvergenceConfig(options));
}

/** Validated options of an answer-convergence policy: what each call's policy is made from. */
export interface AnswerConvergenceConfig {
  readonly name: string;
  readonly confirmations: number;
  readonly holdTokens: number;
  readonly phase: PhaseOption;
}

/**
 * Validates {@link AnswerConvergenceOptions} (a `ConfigError` naming the field) and fills in the
 * defaults, once per profile plan rather than once per call.
 */
export function answerConvergenceConfig(options?: AnswerConvergenceOptions): AnswerConvergenceConfig {
  const given = optionsObject('answerConvergence', options, answerConvergenceOptionNames);
  const confirmations = integerOption('answerConvergence.confirmations', given.confirmations, 3, 1, 100);
  const holdTokens = integerOption('answerConvergence.holdTokens', given.holdTokens, 400, 0);
  const phase = phaseOption('answerConvergence.phase', given.phase, 'reasoning');
  const name = `answerConvergence(${confirmations} agreeing, ${holdTokens} tokens)`;
  return Object.freeze({ name, confirmations, holdTokens, phase });
}

/** A fresh answer-convergence policy (per-call state only) from validated options. */
export function answerConvergenceFrom(config: AnswerConvergenceConfig): StopPolicy {
  const { confirmations, holdTokens, phase } = config;
  // The call's token counter, looked up when a converger first needs to count.
  let counter: TokenCounter | undefined;
  let model = '';
  // Made on first use, per phase: a chat call never streams the reasoning this policy watches
  // by default, and should not pay for its state.
  let convergers: Partial<Record<'answer' | 'reasoning', Converger>> = {};
  let prompt = '';
  let givens: ReadonlySet<string> | undefined;
  let done = false;
  return {
    name: config.name,
    start(call: CallContext) {
      counter = undefined;
      model = call.model;
      prompt = call.prompt;
      givens = undefined;
      convergers = {};
      done = false;
    },
    step(view: StreamView): StopDecision | undefined {
      if (done || !watches(phase, view.phase) || view.delta.length === 0) return undefined;
      // Its counter lookup made with it, not with the policy: most calls never make one.
      if (convergers[view.phase] === undefined) {
        givens ??= givenValues(prompt);
        convergers[view.phase] = new Converger(
          confirmations,
          holdTokens,
          () => {
            counter ??= tokenCounterFor(model);
            return counter;
          },
          givens,
        );
      }
      const decision = (convergers[view.phase] as Converger).push(view.delta, view.deltaOffset);
      if (decision) done = true;
      return decision;
    },
  };
}
