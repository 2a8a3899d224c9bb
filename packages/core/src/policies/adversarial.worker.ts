/**
 * Runs one adversarial pattern in a worker thread, so the test can terminate a frozen run
 * (a frozen regex blocks its thread: a timer on the same thread would never fire).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileKeywordRules, defaultKeywordRules, matchKeywords } from '../adaptive/keyword-rules.js';
import { givenValues } from './answer-convergence.js';
import { loadRegexEngine } from './linear-engine.js';
import { stopOn } from './stop-on.js';

/** What the test sends: a pattern, the text, and where to run it. */
export interface AdversarialJob {
  readonly source: string;
  readonly flags: string;
  readonly text: string;
  /**
   * `shippedRules`: the prompt against the shipped keyword rules; `promptGivens`: the values
   * `answerConvergence` reads from the prompt (`givenValues`). `source` is ignored for both.
   */
  readonly via: 'stopOn' | 'keywordRule' | 'shippedRules' | 'promptGivens';
}

/** What the worker answers: the time taken and the outcome, or the refusal message. */
export type AdversarialResult =
  | { ms: number; refused?: undefined; stoppedAt: number | undefined; matched: boolean }
  | { ms: number; refused: string };

function run(job: AdversarialJob): AdversarialResult {
  const regex = new RegExp(job.source, job.flags);
  const started = performance.now();
  try {
    if (job.via === 'promptGivens') {
      const matched = givenValues(job.text).size > 0;
      return { ms: performance.now() - started, stoppedAt: undefined, matched };
    }
    if (job.via === 'shippedRules') {
      const compiled = compileKeywordRules('rules', defaultKeywordRules);
      const matched = matchKeywords(job.text, compiled).length > 0;
      return { ms: performance.now() - started, stoppedAt: undefined, matched };
    }
    if (job.via === 'keywordRule') {
      const compiled = compileKeywordRules('rules', [{ id: 'adversarial', match: regex, scale: 2 }]);
      const matched = matchKeywords(job.text, compiled).length > 0;
      return { ms: performance.now() - started, stoppedAt: undefined, matched };
    }
    const policy = stopOn([regex]);
    // One character per event, as a slow stream would deliver it.
    for (let i = 0; i < job.text.length; i++) {
      const decision = policy.step({ phase: 'answer', delta: job.text[i], deltaOffset: i } as never);
      if (decision) return { ms: performance.now() - started, stoppedAt: i, matched: true };
    }
    return { ms: performance.now() - started, stoppedAt: undefined, matched: false };
  } catch (error) {
    return { ms: performance.now() - started, refused: (error as Error).message };
  }
}

// The worker runs policies itself, outside a client: it loads the regex engine first, as a
// client does before a call's chain runs.
await loadRegexEngine();
parentPort?.postMessage(run(workerData as AdversarialJob));
