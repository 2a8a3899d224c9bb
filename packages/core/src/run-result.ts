import type { StopwiseError } from './errors.js';
import type { CallTuning } from './learning/learning-loop.js';
import type { StopDecision } from './policy.js';
import type { StopInfo } from './stop-info.js';
import type { FinishReason, Usage } from './stream-part.js';
import type { Savings } from './telemetry/savings.js';

/** Usage of a finished run, saying where the output count came from. */
export interface RunUsage extends Usage {
  /** `provider` when the provider reported output tokens; `estimated` when counted locally. */
  source: 'provider' | 'estimated';
  /** Same, for `inputTokens`. */
  inputSource: 'provider' | 'estimated';
}

/** A decision that did not stop the stream (from a `shadow` policy). */
export interface RecordedDecision {
  policy: string;
  decision: StopDecision;
  atToken: number;
  phase: 'reasoning' | 'answer';
}

/** Fields of every {@link RunResult}. */
export interface RunResultBase {
  callId: string;
  /** The answer text the caller received (trimmed at a stop's cut). */
  text: string;
  /** The reasoning text, when the provider streamed any. */
  reasoning: string | undefined;
  /** A short answer a policy extracted when it stopped before the answer phase. */
  answer: string | undefined;
  finishReason: FinishReason;
  usage: RunUsage;
  savings: Savings;
  /** The model the provider said answered, else the requested one. */
  model: string;
  responseId: string | undefined;
  profile: string | undefined;
  /** The tuned step the call ran with, when the client learns (`createClient({ learn })`). */
  tuning?: CallTuning | undefined;
  /** Names of the policies in the resolved chain. */
  policies: readonly string[];
  /** Shadow decisions recorded during the run. */
  decisions: readonly RecordedDecision[];
  /** Policies that threw and were switched off (the run went on). */
  policyErrors: readonly StopwiseError[];
  durationMs: number;
  timeToFirstTokenMs: number | undefined;
}

/** How a run ended, a union on `outcome`. The result promise never rejects. */
export type RunResult = RunResultBase &
  (
    | { outcome: 'finish'; stop?: undefined; error?: undefined }
    | { outcome: 'policy-stop'; stop: StopInfo; error?: undefined }
    | { outcome: 'abort'; abortReason: unknown; stop?: undefined; error?: undefined }
    | { outcome: 'error'; error: StopwiseError; stop?: undefined }
  );
