/**
 * Per-delta work stays O(delta + bounded window): on a 100,000-token output no policy reads the
 * full text (the harness's views throw if `text` or `reasoning` is read), and the windows the
 * policies keep never grow past their bounds. No timing assertions: the machine is shared.
 */
import { describe, expect, it } from 'vitest';
import type { StopPolicy } from '../policy.js';
import { realtimeSettings } from '../profiles/presets.js';
import { tokenCounterFor } from '../token-counter.js';
import { answerComplete } from './answer-complete.js';
import type { AnswerConvergenceOptions } from './answer-convergence.js';
import { answerConvergence, Converger, maxLineChars } from './answer-convergence.js';
import { JsonScanner, maxJsonDepth } from './json-scanner.js';
import { chunks, type Delta, feed } from './policy-harness.test-util.js';
import { RepeatDetector } from './repeat-detector.js';
import { repetition } from './repetition.js';
import { stopOn } from './stop-on.js';

/** A deterministic pseudo-random text of about `tokens` tokens: varied lines, no loops, no answer. */
function longOutput(tokens: number): string {
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const words = [
    'we',
    'expand',
    'the',
    'term',
    'sum',
    'of',
    'squares',
    'gives',
    'then',
    'next',
    'value',
    'check',
    'x',
    'y',
    '\\frac{a}{b}',
    '$',
    '{',
    '}',
    '[',
    'é',
    '🙂',
  ];
  const lines: string[] = [];
  let length = 0;
  while (length < tokens * 4.2) {
    const count = 5 + (next() % 25);
    const line = Array.from({ length: count }, () => `${words[next() % words.length]}${next() % 97}`).join(
      ' ',
    );
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

const text = longOutput(100_000);

describe('bounded work on a 100,000-token output', () => {
  it('is that long', () => {
    expect(tokenCounterFor('gpt-4o').count(text)).toBeGreaterThanOrEqual(100_000);
  });

  const policies: Record<string, () => StopPolicy> = {
    stopOn: () => stopOn(['never appears', /never\s+appears either/], { phase: 'any' }),
    answerComplete: () =>
      answerComplete({ markers: ['boxed', 'answer-is', 'final-answer', 'code-fence', 'json'], phase: 'any' }),
    repetition: () => repetition(),
    answerConvergence: () =>
      answerConvergence({
        ...(realtimeSettings.answerConvergence as AnswerConvergenceOptions),
        phase: 'any',
      }),
  };

  it.each(Object.entries(policies))('%s never reads the full text', (_, make) => {
    const deltas: Delta[] = chunks(text, 4).flatMap((delta, i): Delta[] => [
      { phase: i % 2 === 0 ? 'reasoning' : 'answer', delta },
    ]);
    const fed = feed(make(), deltas, { strict: true });
    expect(fed.decision).toBeUndefined();
    expect(fed.steps).toBe(deltas.length);
  });

  it('the repetition window and candidate list stay within their bounds', () => {
    const detector = new RepeatDetector({ minRepeatChars: 400, minRepeats: 2, windowChars: 4096 });
    let maxHeld = 0;
    let maxCandidates = 0;
    for (let i = 0; i < text.length; i += 1) {
      detector.push(text.charCodeAt(i));
      maxHeld = Math.max(maxHeld, detector.heldChars);
      maxCandidates = Math.max(maxCandidates, detector.candidateCount);
    }
    expect(maxHeld).toBe(4096);
    expect(maxCandidates).toBeLessThanOrEqual(4);
  });

  it('the convergence line buffer stays bounded on a text with no line breaks', () => {
    const converger = new Converger(2, 0, () => tokenCounterFor('gpt-4o'));
    const oneLine = text.replaceAll('\n', ' ');
    let maxHeld = 0;
    for (const [i, delta] of chunks(oneLine, 7).entries()) {
      converger.push(delta, i * 7);
      maxHeld = Math.max(maxHeld, converger.heldChars);
    }
    expect(maxHeld).toBeGreaterThan(maxLineChars);
    expect(maxHeld).toBeLessThanOrEqual(2 * maxLineChars);
  });

  it('the JSON scanner gives up past its depth bound instead of growing', () => {
    const scanner = new JsonScanner();
    scanner.begin(91);
    let event: ReturnType<JsonScanner['push']>;
    let maxDepth = 0;
    for (let i = 0; i < 10_000 && event === undefined; i += 1) {
      event = scanner.push(91);
      maxDepth = Math.max(maxDepth, scanner.depth);
    }
    expect(event).toBe('invalid');
    expect(maxDepth).toBe(maxJsonDepth);
  });
});
