import type { StreamView } from './policy.js';
import type { TokenLogprob } from './stream-part.js';
import type { TokenCounter } from './token-counter.js';

type Phase = 'reasoning' | 'answer';

/**
 * The output of one run as it accumulates. Text is kept as a list of pieces and joined only when
 * asked for: repeatedly appending to and reading one growing string makes V8 flatten it on every
 * read, which would make each delta cost O(text so far).
 */
class PhaseText {
  private pieces: string[] = [];
  private joined: string | undefined = '';
  /**
   * Where each delta ends, in characters and in tokens counted so far. A stop's kept tokens are
   * then the count up to the last whole delta plus a count of the cut delta's kept part, not a
   * recount of the whole text, which takes tens of milliseconds on a long reasoning and would
   * hold every other stream of the process.
   */
  private charEnds: number[] = [];
  private tokenEnds: number[] = [];
  length = 0;
  tokens = 0;

  append(delta: string, tokens: number): void {
    this.pieces.push(delta);
    this.length += delta.length;
    this.tokens += tokens;
    this.charEnds.push(this.length);
    this.tokenEnds.push(this.tokens);
    this.joined = undefined;
  }

  get text(): string {
    if (this.joined === undefined) {
      this.joined = this.pieces.join('');
      this.pieces = [this.joined];
    }
    return this.joined;
  }

  /** Keeps the first `length` characters; `counter` counts the kept part of a cut delta. */
  truncate(length: number, counter: TokenCounter): void {
    if (length >= this.length) return;
    const whole = lastEndAtOrBefore(this.charEnds, length);
    const wholeChars = whole < 0 ? 0 : (this.charEnds[whole] as number);
    const wholeTokens = whole < 0 ? 0 : (this.tokenEnds[whole] as number);
    const kept = this.text.slice(0, length);
    const partTokens = length > wholeChars ? counter.count(kept.slice(wholeChars)) : 0;
    this.charEnds.length = whole + 1;
    this.tokenEnds.length = whole + 1;
    if (length > wholeChars) {
      this.charEnds.push(length);
      this.tokenEnds.push(wholeTokens + partTokens);
    }
    this.pieces = [kept];
    this.joined = kept;
    this.length = kept.length;
    this.tokens = wholeTokens + partTokens;
  }
}

/** Index of the last entry of the ascending `ends` that is at most `at`; -1 when none is. */
function lastEndAtOrBefore(ends: readonly number[], at: number): number {
  let low = 0;
  let high = ends.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((ends[middle] as number) <= at) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** Accumulated reasoning and answer text, token counts and timing of one run. */
export class RunState {
  readonly answer = new PhaseText();
  readonly reasoning = new PhaseText();
  /** Tokens of everything received, including text later cut: what the provider billed. */
  receivedTokens = 0;
  firstTokenAt: number | undefined;
  sawReasoning = false;
  /** The phase of the last delta: where a timed check's empty delta belongs. */
  lastPhase: Phase = 'answer';

  constructor(
    private readonly counter: TokenCounter,
    private readonly startedAt: number,
    private readonly now: () => number,
  ) {}

  phase(phase: Phase): PhaseText {
    return phase === 'answer' ? this.answer : this.reasoning;
  }

  /** Records a delta and returns the view policies see for it. */
  append(
    phase: Phase,
    delta: string,
    budgetScale: number,
    logprobs: readonly TokenLogprob[] | undefined,
  ): StreamView {
    const deltaOffset = this.record(phase, delta);
    return this.view(phase, delta, deltaOffset, budgetScale, logprobs);
  }

  /** Records a delta no policy will see (a run without a chain); returns its offset. */
  record(phase: Phase, delta: string): number {
    const target = this.phase(phase);
    const deltaOffset = target.length;
    const tokens = this.counter.count(delta);
    target.append(delta, tokens);
    this.receivedTokens += tokens;
    if (phase === 'reasoning') this.sawReasoning = true;
    this.lastPhase = phase;
    this.firstTokenAt ??= this.now();
    return deltaOffset;
  }

  /** The view for a timed check with no new delta (see `StopPolicy.nextCheckAt`). */
  idleView(budgetScale: number): StreamView {
    const phase = this.lastPhase;
    return this.view(phase, '', this.phase(phase).length, budgetScale, undefined);
  }

  /** Milliseconds since the request was sent. */
  elapsed(): number {
    return this.now() - this.startedAt;
  }

  private view(
    phase: Phase,
    delta: string,
    deltaOffset: number,
    budgetScale: number,
    logprobs: readonly TokenLogprob[] | undefined,
  ): StreamView {
    const tokens = this.answer.tokens + this.reasoning.tokens;
    return new RunView(
      this,
      phase,
      delta,
      deltaOffset,
      tokens,
      this.phase(phase).tokens,
      budgetScale,
      logprobs,
    );
  }

  /** Cuts a phase's text to its first `length` characters, keeping its token count right. */
  truncate(phase: Phase, length: number): void {
    this.phase(phase).truncate(length, this.counter);
  }

  /**
   * Tokens of the text kept: the deltas' own counts, as the views report them, with a cut delta
   * recounted over its kept part (cuts rarely fall on token boundaries).
   */
  keptTokens(): number {
    return this.answer.tokens + this.reasoning.tokens;
  }
}

/**
 * A {@link StreamView} as a class: its lazy `text`/`reasoning` getters live on the prototype.
 * An object literal with getters, built once per delta, cost more than the policies themselves.
 */
class RunView implements StreamView {
  #elapsedMs: number | undefined;

  constructor(
    private readonly state: RunState,
    readonly phase: Phase,
    readonly delta: string,
    readonly deltaOffset: number,
    readonly tokens: number,
    readonly phaseTokens: number,
    readonly budgetScale: number,
    readonly logprobs: readonly TokenLogprob[] | undefined,
  ) {}

  /** Read from the clock on first use: most chains never ask, and every delta would pay. */
  get elapsedMs(): number {
    this.#elapsedMs ??= this.state.elapsed();
    return this.#elapsedMs;
  }

  get text(): string {
    return this.state.answer.text;
  }

  get reasoning(): string {
    return this.state.reasoning.text;
  }
}
