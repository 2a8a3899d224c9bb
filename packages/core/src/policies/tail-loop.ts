import { RepeatDetector, type RepeatDetectorSettings } from './repeat-detector.js';

/**
 * How far back {@link endsInLoop} reads: the last 8,192 characters, about 2,000 tokens. A loop
 * that stopped repeating longer ago than that is not what the output is doing at its end.
 */
export const tailLoopChars = 8192;

/**
 * The loop that counts: one full repeat of a block of 400 characters or more (`realtime`'s
 * repetition setting). A cap is not a repetition policy: it does not cut the output here, it
 * only asks what the output was doing when the cap cut it, so a single repeat is evidence enough.
 */
const settings: RepeatDetectorSettings = { minRepeatChars: 400, minRepeats: 2, windowChars: tailLoopChars };

/**
 * Whether the end of `text` (its last {@link tailLoopChars} characters) repeats a block back to
 * back, as a model stuck in a loop does. Used when a token or time cap stops a call: an output
 * that was looping at the cut was not heading for an ordinary end (on the recorded
 * OlympiadBench outputs, the loops ran on to 15-30 times the median length), so its savings are
 * estimated from other looping calls, not from the lengths of calls that ended on their own.
 * O(tail) time, once per capped call; the detector's arrays go back to the shared pool.
 */
export function endsInLoop(text: string): boolean {
  if (text.length < settings.minRepeatChars) return false;
  const detector = new RepeatDetector(settings);
  try {
    return detector.scan(text.length > tailLoopChars ? text.slice(-tailLoopChars) : text) !== undefined;
  } finally {
    detector.release();
  }
}
