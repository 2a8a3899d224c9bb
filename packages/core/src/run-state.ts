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
  length = 0;
  tokens = 0;

  append(delta: string, tokens: number): void {
    this.pieces.push(delta);
    this.length += delta.length;
    this.tokens += tokens;
    this.joined = undefined;
  }

  get text(): string {
    if (this.joined === undefined) {
      this.joined = this.pieces.join('');
      this.pieces = [this.joined];
    }
    return this.joined;
  }

  truncate(length: number): void {
    if (length >= this.length) return;
    const kept = this.text.slice(0, length);
    this.pieces = [kept];
    this.joined = kept;
    this.length = kept.length;
  }
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

  /** Tokens of the text kept (recounted: cuts rarely fall on token boundaries). */
  keptTokens(): number {
    return this.counter.count(this.answer.text) + this.counter.count(this.reasoning.text);
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
