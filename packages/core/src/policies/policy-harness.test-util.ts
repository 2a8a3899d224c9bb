/**
 * Test harness for stop policies: feeds deltas to a policy the way the runner does (a
 * `StreamView` per delta with phase, delta, deltaOffset and lazy full text), or drives a whole
 * run through `createClient` with the scripted provider so the real runner is exercised.
 */
import fc from 'fast-check';
import { createClient } from '../client.js';
import type { CallContext, StopDecision, StopPolicy, StreamView } from '../policy.js';
import type { RunResult } from '../run-result.js';
import type { ProviderStreamPart } from '../stream-part.js';
import { scriptedProvider } from '../testing/scripted-provider.js';
import { loadRegexEngine } from './linear-engine.js';

// The harness runs policies itself, outside a client: it loads the regex engine first, as a
// client does before a call's chain runs (see `linear-engine.ts`).
await loadRegexEngine();

/** One delta of a scripted output. */
export interface Delta {
  phase: 'reasoning' | 'answer';
  delta: string;
}

/** A recorded output: reasoning (optional) then answer. */
export interface Output {
  reasoning?: string | undefined;
  output: string;
}

/** Where a policy first decided, as {@link feed} saw it. */
export interface Fed {
  decision: (StopDecision & { phase: 'reasoning' | 'answer'; deltaIndex: number }) | undefined;
  /** Number of deltas given to the policy (it stops being fed after a decision). */
  steps: number;
}

/** A `CallContext` for unit tests. */
export function testCall(overrides: Partial<CallContext> = {}): CallContext {
  return {
    model: 'test-model',
    messages: [{ role: 'user', content: 'question' }],
    prompt: 'question',
    user: undefined,
    profile: undefined,
    maxOutputTokens: undefined,
    metadata: {},
    report: () => {},
    ...overrides,
  };
}

/**
 * Feeds `deltas` to `policy` until it decides. With `strict` (the default), reading
 * `view.text` or `view.reasoning` throws: a policy must keep its own bounded window.
 */
export function feed(
  policy: StopPolicy,
  deltas: readonly Delta[],
  options: { strict?: boolean; call?: CallContext } = {},
): Fed {
  const strict = options.strict ?? true;
  policy.start?.(options.call ?? testCall());
  const texts = { reasoning: '', answer: '' };
  const tokens = { reasoning: 0, answer: 0 };
  let steps = 0;
  for (const [deltaIndex, { phase, delta }] of deltas.entries()) {
    if (delta.length === 0) continue;
    const deltaOffset = texts[phase].length;
    texts[phase] += delta;
    tokens[phase] += Math.max(1, Math.round(delta.length / 4));
    const view: StreamView = {
      phase,
      delta,
      deltaOffset,
      get text() {
        if (strict) throw new Error('policy read view.text');
        return texts.answer;
      },
      get reasoning() {
        if (strict) throw new Error('policy read view.reasoning');
        return texts.reasoning;
      },
      tokens: tokens.reasoning + tokens.answer,
      phaseTokens: tokens[phase],
      elapsedMs: deltaIndex,
      budgetScale: 1,
      logprobs: undefined,
    };
    steps += 1;
    const decision = policy.step(view);
    if (decision) return { decision: { ...decision, phase, deltaIndex }, steps };
  }
  return { decision: undefined, steps };
}

/** `text` cut at the given offsets (sorted, deduplicated, empty pieces dropped). */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.filter((cut) => cut > 0 && cut < text.length))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces.filter((piece) => piece.length > 0);
}

/** `text` in pieces of `size` UTF-16 units (which may split surrogate pairs). */
export function chunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** The deltas of an output split at `cuts` (offsets within each phase's text). */
export function outputDeltas(
  output: Output,
  cuts: { reasoning: readonly number[]; answer: readonly number[] },
): Delta[] {
  const reasoning = splitAt(output.reasoning ?? '', cuts.reasoning).map(
    (delta): Delta => ({ phase: 'reasoning', delta }),
  );
  const answer = splitAt(output.output, cuts.answer).map((delta): Delta => ({ phase: 'answer', delta }));
  return [...reasoning, ...answer];
}

/**
 * Runs one call through `createClient` and the scripted provider, the output arriving as
 * `deltas`, with `policy` as the call's only policy.
 */
export async function runWith(
  policy: StopPolicy,
  deltas: readonly Delta[],
  model = 'test-model',
): Promise<RunResult> {
  const script: ProviderStreamPart[] = [
    { type: 'stream-start' },
    ...deltas.map(
      (d): ProviderStreamPart =>
        d.phase === 'answer'
          ? { type: 'text-delta', delta: d.delta }
          : { type: 'reasoning-delta', delta: d.delta },
    ),
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 10, outputTokens: undefined },
    },
  ];
  const client = createClient({ provider: scriptedProvider(script) });
  return client.generate({
    model,
    messages: [{ role: 'user', content: 'question' }],
    policy: { policies: [policy] },
  });
}

/**
 * Split points for a text of `length`: random offsets (which land inside surrogate pairs and
 * markers as often as anywhere), biased towards `hotspots` (offsets of markers, loop starts)
 * so splits right around them are tried often.
 */
export function splitPoints(length: number, hotspots: readonly number[] = []): fc.Arbitrary<number[]> {
  if (length < 2) return fc.constant([]);
  const near =
    hotspots.length === 0
      ? fc.integer({ min: 1, max: length - 1 })
      : fc
          .tuple(fc.constantFrom(...hotspots), fc.integer({ min: -3, max: 3 }))
          .map(([at, shift]) => Math.min(length - 1, Math.max(1, at + shift)));
  const anywhere = fc.integer({ min: 1, max: length - 1 });
  return fc.array(fc.oneof(anywhere, near), { maxLength: Math.min(60, length) });
}

/** What a run kept, for comparing runs of the same output split differently. */
export function keptOf(result: RunResult): {
  outcome: string;
  text: string;
  reasoning: string | undefined;
  phase?: string;
  atChar?: number;
  answer?: string;
} {
  return {
    outcome: result.outcome,
    text: result.text,
    reasoning: result.reasoning,
    ...(result.outcome === 'policy-stop' ? { phase: result.stop.phase, atChar: result.stop.atChar } : {}),
    ...(result.answer !== undefined ? { answer: result.answer } : {}),
  };
}
