import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import type { StopPolicy } from '../policy.js';
import type { ProviderStreamPart } from '../stream-part.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { tokenCounterFor } from '../token-counter.js';
import { type AdaptiveLengthOptions, adaptiveLength } from './adaptive-length.js';
import { keywordContext } from './keyword-context.js';
import { createMemoryLengthHistory, type LengthHistoryStore, type LengthSample } from './length-history.js';

const model = 'gpt-4o-mini';
const ask = (content: string) => [{ role: 'user' as const, content }];

/** `count` one-token deltas (" cat"), a sentence end after every tenth. */
function words(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i % 10 === 9 ? ' cat.' : ' cat'));
}

async function run(
  deltas: readonly string[] | readonly ProviderStreamPart[],
  policies: StopPolicy[],
  content = 'Describe a cat.',
) {
  const steps =
    typeof deltas[0] === 'string' ? textScript(deltas as string[]) : (deltas as ProviderStreamPart[]);
  const client = createClient({ provider: scriptedProvider(steps) });
  return client.generate({ model, messages: ask(content), policy: { policies } });
}

/**
 * An adaptive-length policy on a fresh store that predicts from a few natural ends, with no
 * confidence bound: the median, the budget exactly that, no minimum (override as needed).
 */
function learner(options: AdaptiveLengthOptions = {}) {
  const store = createMemoryLengthHistory();
  const policy = adaptiveLength({
    store,
    confidence: 0,
    minSamples: 3,
    quantile: 0.5,
    slack: 1,
    minBudget: 1,
    ...options,
  });
  return { store, policy };
}

/** Words kept. */
const catCount = (text: string) => text.split('cat').length - 1;
/** Tokens as the runner counts them: " cat" is one, " cat." two. */
const tokens = (text: string) => tokenCounterFor(model).count(text);

describe('adaptiveLength', () => {
  it('does not cut without history: a wrong guess would cut good answers', async () => {
    const store = createMemoryLengthHistory();
    const result = await run(words(500), [adaptiveLength({ store })]);
    expect(result.outcome).toBe('finish');
    expect(catCount(result.text)).toBe(500);
  });

  it('learns from natural ends, then stops a long answer at the next sentence end past the budget', async () => {
    const { policy } = learner({ slack: 1.5 });
    for (const length of [40, 40, 40]) expect((await run(words(length), [policy])).outcome).toBe('finish');
    const long = await run(words(300), [policy]);
    expect(long.outcome).toBe('policy-stop');
    // 40 words are 44 tokens: budget 66 tokens, reached at the end of the 6th sentence.
    expect(tokens(words(40).join(''))).toBe(44);
    expect(tokens(long.text)).toBe(66);
    expect(catCount(long.text)).toBe(60);
    expect(long.text.endsWith('cat.')).toBe(true);
    expect(long.stop?.reason).toMatch(/predicted answer length of 66 tokens/);
  });

  it('within the grace window waits for a sentence end, past it cuts at a word end', async () => {
    const { policy } = learner({ minSamples: 2, graceTokens: 5 });
    for (let i = 0; i < 2; i++) await run(words(12), [policy]);
    // No sentence end anywhere: the cut comes 5 tokens past the budget of 13, between words.
    const result = await run(
      Array.from({ length: 100 }, () => ' dog'),
      [policy],
    );
    expect(result.outcome).toBe('policy-stop');
    expect(result.text.split('dog').length - 1).toBe(17);
    expect(result.text.endsWith(' dog')).toBe(true);
    expect(result.stop?.reason).toMatch(/no sentence end within 5 tokens/);
  });

  it('sees the sentence end just before a huge delta that jumps over its tail lead and the budget', async () => {
    // The policy keeps its text tail only from 256 tokens before the budget on. Here one delta
    // crosses that lead and the budget at once, and the only clean cut is the sentence end
    // right before it: the policy must read it from the text.
    const budgeted = adaptiveLength({ priorTokens: 300, minBudget: 1, graceTokens: 400, learn: false });
    const prefix = ['The', ' plan', ' is', ' simple', '.'];
    const result = await run([...prefix, ' and on'.repeat(300)], [budgeted]);
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('The plan is simple.');
  });

  it('learns only from natural ends: stopped calls are censored and never shrink the budget', async () => {
    const { store, policy } = learner({ quantile: 0.9 });
    for (let i = 0; i < 3; i++) await run(words(50), [policy]);
    const early: StopPolicy = {
      name: 'early',
      step: (view) => (view.tokens >= 5 ? { reason: 'early' } : undefined),
    };
    // Twenty calls stopped at 5 tokens by another policy.
    for (let i = 0; i < 20; i++) expect((await run(words(50), [policy, early])).outcome).toBe('policy-stop');
    const samples = [...(store.get(`${model}|task=-|format=free|size=xs|answer`) ?? [])];
    expect(samples.filter((s) => !s.censored).map((s) => s.tokens)).toEqual([55, 55, 55]);
    expect(samples.filter((s) => s.censored)).toHaveLength(20);
    const result = await run(words(200), [policy]);
    // Still 55 tokens (q0.9 of the natural ends), not 5.
    expect(result.outcome).toBe('policy-stop');
    expect(catCount(result.text)).toBe(50);
  });

  it('calls it cut for running long never push the budget past the longest call that ended', async () => {
    const { store, policy } = learner({ slack: 1.2 });
    for (let i = 0; i < 3; i++) await run(words(50), [policy]);
    const kept: number[] = [];
    for (let i = 0; i < 8; i++) kept.push(catCount((await run(words(400), [policy])).text));
    // Most calls now run past every natural end: the budget stays 1.2 × the longest of them.
    expect(new Set(kept)).toEqual(new Set([kept[0]]));
    expect(kept[0]).toBe(60);
    const samples = store.get(`${model}|task=-|format=free|size=xs|answer`) ?? [];
    expect(samples.at(-1)).toMatchObject({ censored: true, runaway: true });
  });

  it('scales the budget by the keyword budget changes (view.budgetScale) and learns at scale 1', async () => {
    const { store, policy } = learner();
    const haiku = keywordContext({ defaults: false, rules: [{ id: 'haiku', match: 'haiku', scale: 0.5 }] });
    for (let i = 0; i < 3; i++) await run(words(40), [haiku, policy], 'Tell me about cats.');
    const brief = await run(words(300), [haiku, policy], 'Tell me about cats, as a haiku.');
    expect(catCount(brief.text)).toBe(20); // 44 tokens × 0.5 = 22: the second sentence
    // A short call that ended on its own is stored at scale 1: 22 tokens at scale 0.5 → 44.
    await run(words(20), [haiku, policy], 'Tell me about cats, as a haiku.');
    const samples = store.get(`${model}|task=-|format=free|size=xs|answer`) ?? [];
    expect(samples.at(-1)).toEqual({ tokens: 44, censored: false });
  });

  it('keeps reasoning and answer lengths apart; reasoning that reached the answer ended naturally', async () => {
    // No extra room for reasoning without a stated answer here: this is about the two budgets.
    const { store, policy } = learner({ minSamples: 2, reasoning: { roomWithoutAnswer: 1 } });
    const reasoningCall = (thinking: number, answer: number): ProviderStreamPart[] => [
      { type: 'stream-start' },
      ...words(thinking).map((delta): ProviderStreamPart => ({ type: 'reasoning-delta', delta })),
      ...words(answer).map((delta): ProviderStreamPart => ({ type: 'text-delta', delta })),
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 1, outputTokens: 1 },
      },
    ];
    for (let i = 0; i < 2; i++) await run(reasoningCall(100, 10), [policy]);
    const thinkingTooLong = await run(reasoningCall(400, 10), [policy]);
    expect(thinkingTooLong.stop).toMatchObject({ phase: 'reasoning' });
    expect(catCount(thinkingTooLong.reasoning ?? '')).toBe(100);
    const answerTooLong = await run(reasoningCall(50, 100), [policy]);
    expect(answerTooLong.stop).toMatchObject({ phase: 'answer' });
    expect(catCount(answerTooLong.text)).toBe(10);
    const reasoningKey = `${model}|task=-|format=free|size=xs|reasoning`;
    // The last call's reasoning (50 words, 55 tokens) ended on its own: the answer began.
    expect(store.get(reasoningKey)?.at(-1)).toEqual({ tokens: 55, censored: false });
    // The call stopped while reasoning told nothing about its answer; the one cut in its answer is censored.
    const answers = store.get(`${model}|task=-|format=free|size=xs|answer`) ?? [];
    expect(answers.map((s) => s.censored)).toEqual([false, false, true]);
  });

  it('does not learn a reasoning length from thinking that was only white space', async () => {
    const { store, policy } = learner({ minSamples: 2 });
    const call = (thinking: string): ProviderStreamPart[] => [
      { type: 'stream-start' },
      { type: 'reasoning-delta', delta: thinking },
      ...words(10).map((delta): ProviderStreamPart => ({ type: 'text-delta', delta })),
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 1, outputTokens: 1 },
      },
    ];
    const reasoningKey = `${model}|task=-|format=free|size=xs|reasoning`;
    await run(call('\n\n'), [policy]);
    expect(store.get(reasoningKey) ?? []).toEqual([]);
    await run(call('Two plus two is four.'), [policy]);
    expect(store.get(reasoningKey)?.map((sample) => sample.censored)).toEqual([false]);
  });

  describe('reasoning that has stated no answer yet', () => {
    /** A call thinking `lines` lines of ten cat words, `statedAt` (0-based) saying the answer instead. */
    const thinking = (lines: number, statedAt?: number): ProviderStreamPart[] => [
      { type: 'stream-start' },
      ...Array.from({ length: lines }, (_, line): ProviderStreamPart[] =>
        line === statedAt
          ? [{ type: 'reasoning-delta', delta: 'So the answer is 42.\n' }]
          : words(10).map(
              (delta, i): ProviderStreamPart => ({
                type: 'reasoning-delta',
                delta: i === 9 ? `${delta}\n` : delta,
              }),
            ),
      ).flat(),
      { type: 'text-delta', delta: 'The answer is 42.' },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 1, outputTokens: 1 },
      },
    ];
    // Three natural ends of 10 lines (110 tokens): the budget is 110 reasoning tokens.
    const trained = async (reasoning: AdaptiveLengthOptions['reasoning']) => {
      const { policy } = learner({ reasoning });
      for (let i = 0; i < 3; i++) await run(thinking(10), [policy]);
      return policy;
    };

    it('gets twice its budget by default before it is cut, and the reason says why', async () => {
      const policy = await trained(undefined);
      const result = await run(thinking(60), [policy]);
      expect(result.stop).toMatchObject({ phase: 'reasoning' });
      const kept = tokens(result.reasoning ?? '');
      expect(kept).toBeGreaterThanOrEqual(200);
      expect(kept).toBeLessThanOrEqual(220 + 64);
      expect(result.stop?.reason).toContain('without stating an answer');
      expect(result.stop?.reason).toContain('2 × its predicted length of 110 tokens');
    });

    it('is cut at the budget once an answer was stated before it, as without the room', async () => {
      const withRoom = await run(thinking(60, 3), [await trained(undefined)]);
      const without = await run(thinking(60, 3), [await trained({ roomWithoutAnswer: 1 })]);
      expect(withRoom.stop).toMatchObject({ phase: 'reasoning' });
      expect(withRoom.reasoning).toBe(without.reasoning);
      expect(tokens(withRoom.reasoning ?? '')).toBeLessThan(130);
      expect(withRoom.stop?.reason).not.toContain('without stating an answer');
    });

    it('is cut right after an answer stated between the budget and the room', async () => {
      const result = await run(thinking(60, 14), [await trained(undefined)]);
      expect(result.stop).toMatchObject({ phase: 'reasoning' });
      // The statement is line 15, about 155 tokens in: kept, and nothing after it.
      expect(result.reasoning?.endsWith('So the answer is 42.')).toBe(true);
      expect(result.stop?.reason).toContain('then stated an answer');
    });

    it('refuses a room below 1, naming the option', () => {
      expect(() => adaptiveLength({ reasoning: { roomWithoutAnswer: 0.5 } })).toThrow(
        new ConfigError(
          'adaptiveLength.reasoning.roomWithoutAnswer',
          'must be a number from 1 to 100, got 0.5',
        ),
      );
    });
  });

  it('pools a user’s own lengths with the bucket’s, the user counting more', async () => {
    const { policy } = learner({ userWeight: 5 });
    const client = (deltas: string[]) => createClient({ provider: scriptedProvider(textScript(deltas)) });
    for (let i = 0; i < 3; i++)
      await client(words(100)).generate({ model, messages: ask('Hi'), policy: { policies: [policy] } });
    await client(words(20)).generate({
      model,
      messages: ask('Hi'),
      user: 'terse',
      policy: { policies: [policy] },
    });
    const forTerse = await client(words(300)).generate({
      model,
      messages: ask('Hi'),
      user: 'terse',
      policy: { policies: [policy] },
    });
    const forOthers = await client(words(300)).generate({
      model,
      messages: ask('Hi'),
      user: 'other',
      policy: { policies: [policy] },
    });
    expect(catCount(forTerse.text)).toBe(20);
    expect(catCount(forOthers.text)).toBe(100);
  });

  it('waits for enough natural ends to bound a high quantile from above (confidence)', async () => {
    const store = createMemoryLengthHistory();
    const policy = adaptiveLength({
      store,
      minSamples: 1,
      quantile: 0.95,
      confidence: 0.9,
      slack: 1,
      minBudget: 1,
    });
    const lengths = Array.from({ length: 44 }, (_, i) => 20 + (i % 4) * 10); // 20..50 words
    for (const length of lengths) await run(words(length), [policy]);
    // 44 natural ends cannot bound q0.95 with 90% confidence: no cut yet.
    expect((await run(words(200), [policy])).outcome).toBe('finish');
    // That call ended on its own: 45 natural ends, and the q0.95 bound is their maximum, 200 words.
    const result = await run(words(400), [policy]);
    expect(result.outcome).toBe('policy-stop');
    expect(catCount(result.text)).toBe(200);
  });

  it('uses metadata.bucket as the key when the call gives one', async () => {
    const store = createMemoryLengthHistory();
    const policy = adaptiveLength({ store, confidence: 0, minSamples: 1 });
    const client = createClient({ provider: scriptedProvider(textScript(words(30))) });
    await client.generate({
      model,
      messages: ask('x'),
      metadata: { bucket: 'faq' },
      policy: { policies: [policy] },
    });
    expect(store.get(`${model}|bucket=faq|answer`)).toEqual([{ tokens: 33, censored: false }]);
  });

  it('loads an async store before the call (prepare) and survives a failing one', async () => {
    const backing = createMemoryLengthHistory();
    const asyncStore: LengthHistoryStore = {
      get: async (key) => backing.get(key),
      add: async (key, sample: LengthSample) => backing.add(key, sample),
    };
    const policy = adaptiveLength({
      store: asyncStore,
      confidence: 0,
      minSamples: 2,
      quantile: 0.5,
      slack: 1,
      minBudget: 1,
    });
    for (let i = 0; i < 2; i++) await run(words(30), [policy]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(catCount((await run(words(200), [policy])).text)).toBe(30);

    const broken: LengthHistoryStore = {
      get: async () => {
        throw new Error('store down');
      },
      add: async () => {
        throw new Error('store down');
      },
    };
    const result = await run(words(50), [adaptiveLength({ store: broken })]);
    expect(result.outcome).toBe('finish');
    expect(result.policyErrors.map((e) => e.message)).toEqual([expect.stringMatching(/store down/)]);

    // A synchronous store that throws: read without a promise, and still only costs the prediction.
    const brokenNow: LengthHistoryStore = {
      get: () => {
        throw new Error('store down now');
      },
      add: () => {},
    };
    const now = await run(words(50), [adaptiveLength({ store: brokenNow })]);
    expect(now.outcome).toBe('finish');
    expect(now.text).toBe(words(50).join(''));
    expect(now.policyErrors.length).toBeGreaterThan(0);
    expect(now.policyErrors.every((e) => /store down now/.test(e.message))).toBe(true);
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    const field = (options: object) => {
      try {
        adaptiveLength(options as never);
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : 'other';
      }
      return 'none';
    };
    expect(field({ quantile: 1 })).toBe('adaptiveLength.quantile');
    expect(field({ slack: 0.5 })).toBe('adaptiveLength.slack');
    expect(field({ minSamples: 0 })).toBe('adaptiveLength.minSamples');
    expect(field({ phase: 'thinking' })).toBe('adaptiveLength.phase');
    expect(field({ store: {} })).toBe('adaptiveLength.store');
    expect(field({ quantil: 0.9 })).toBe('adaptiveLength.quantil');
  });
});
