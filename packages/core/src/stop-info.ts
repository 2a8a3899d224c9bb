import type { StopKind } from './policy.js';

/**
 * Which policy stopped a run, why, and where: the one stop shape, carried flat by the
 * `policy-stop` stream part, by `result.stop` and (without `answer` unless content is recorded)
 * by the `policy-stop` telemetry event, so code written against one reads the others.
 */
export interface StopInfo {
  policy: string;
  reason: string;
  /** The phase whose text the cut trimmed. */
  phase: 'reasoning' | 'answer';
  /** Characters of that phase's text kept. */
  atChar: number;
  /** Output tokens kept (reasoning plus answer): the deltas' counts, as policies saw them, with the cut delta counted over its kept part. */
  atToken: number;
  /**
   * Characters already streamed to the caller (as deltas of `phase`) that the cut removed: a
   * loop or stop string can begin before the delta that revealed it. Trim them from what you
   * displayed; `result.text` is already trimmed.
   */
  retractedChars: number;
  /** What the stop says about the rest of the output (see `StopKind`). */
  kind: StopKind;
  /** How sure the policy was, 0..1, when it said. */
  confidence: number | undefined;
  /** A short answer the policy extracted (when it stopped before the answer phase), if any. */
  answer?: string | undefined;
}
