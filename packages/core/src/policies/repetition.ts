import type { StopDecision, StopPolicy, StreamView } from '../policy.js';
import {
  integerOption,
  optionNames,
  optionsObject,
  type PhaseOption,
  phaseOption,
  watches,
} from './options.js';
import { gramLength, RepeatDetector, type RepeatDetectorSettings } from './repeat-detector.js';

/** Options of {@link repetition}. */
export interface RepetitionOptions {
  /**
   * The repeated text must cover at least this many characters (default 400, about 100
   * tokens); blocks shorter than 8 characters (`====`, runs of spaces, "the the") must repeat
   * over four times this. A short line must therefore come back many times in a row, a long
   * paragraph only once.
   */
  minRepeatChars?: number | undefined;
  /**
   * How many copies of the block must arrive back to back before it counts as a loop (default
   * 2: the block, then all of it once more). Raise it to wait for stronger evidence.
   */
  minRepeats?: number | undefined;
  /**
   * Characters of history kept per phase (default 16384): the memory bound, and (less about 12)
   * the longest loop block that can be found.
   */
  windowChars?: number | undefined;
  /** Which phase to watch: `any` (default), `answer` or `reasoning`. */
  phase?: PhaseOption | undefined;
}

/** The names {@link RepetitionOptions} takes (others are refused). */
export const repetitionOptionNames = optionNames<RepetitionOptions>({
  minRepeatChars: true,
  minRepeats: true,
  windowChars: true,
  phase: true,
});

/**
 * Stops a model that is looping: the output repeats the same block (lines, a paragraph, or a
 * phrase inside a line) back to back, `minRepeats` times, over at least `minRepeatChars`
 * characters. The stop keeps one copy: `cutAt` is where the text first repeats, moved forward to
 * the next line start (or word boundary) inside the repeat. Legitimate repeats do not trigger:
 * a restated equation, a table row or a second "Let me check" has other text between the
 * copies, so it never repeats back to back over a whole period.
 *
 * Per delta the work is O(delta), amortised; memory is bounded by `windowChars` (about 10 bytes a
 * character: at most 160 KB per watched phase by default, grown with the text from 10 KB).
 *
 * @example
 * ```ts
 * client.stream({ model, messages, policy: { policies: [repetition({ minRepeatChars: 400 })] } });
 * ```
 */
export function repetition(options?: RepetitionOptions): StopPolicy {
  return repetitionFrom(repetitionConfig(options));
}

/** Validated options of a repetition policy: what each call's policy is made from. */
export interface RepetitionConfig {
  readonly name: string;
  readonly settings: Readonly<RepeatDetectorSettings>;
  readonly phase: PhaseOption;
}

/**
 * Validates {@link RepetitionOptions} (a `ConfigError` naming the field) and fills in the
 * defaults, once per profile plan rather than once per call.
 */
export function repetitionConfig(options?: RepetitionOptions): RepetitionConfig {
  const given = optionsObject('repetition', options, repetitionOptionNames);
  const windowChars = integerOption('repetition.windowChars', given.windowChars, 16_384, 64, 1 << 24);
  const settings: RepeatDetectorSettings = {
    minRepeatChars: integerOption(
      'repetition.minRepeatChars',
      given.minRepeatChars,
      400,
      gramLength,
      windowChars,
    ),
    minRepeats: integerOption('repetition.minRepeats', given.minRepeats, 2, 2, 1000),
    windowChars,
  };
  const phase = phaseOption('repetition.phase', given.phase, 'any');
  const name = `repetition(${settings.minRepeatChars} chars x${settings.minRepeats})`;
  return Object.freeze({ name, settings: Object.freeze(settings), phase });
}

/** A fresh repetition policy (per-call state only) from validated options. */
export function repetitionFrom(config: RepetitionConfig): StopPolicy {
  const { settings, phase } = config;
  const detectors: Partial<Record<'answer' | 'reasoning', RepeatDetector>> = {};
  let done = false;
  return {
    name: config.name,
    start() {
      detectors.answer?.reset();
      detectors.reasoning?.reset();
      done = false;
    },
    end() {
      // The call is over: its detectors' arrays go to the next call's (made anew on first use).
      for (const watched of ['answer', 'reasoning'] as const) {
        detectors[watched]?.release();
        delete detectors[watched];
      }
    },
    step(view: StreamView): StopDecision | undefined {
      if (done || !watches(phase, view.phase)) return undefined;
      // Allocated on first use: a call without reasoning never pays for a reasoning window.
      detectors[view.phase] ??= new RepeatDetector(settings);
      const detector = detectors[view.phase] as RepeatDetector;
      const found = detector.scan(view.delta);
      if (!found) return undefined;
      done = true;
      const { loop, index } = found;
      return {
        reason: `repetition: a ${loop.period}-character block repeated ${loop.copies} times`,
        cutAt: loop.cut,
        decidedAt: view.deltaOffset + index + 1,
        kind: 'runaway',
        confidence: Math.min(1, 0.5 + 0.25 * (loop.copies - 1)),
      };
    },
  };
}
