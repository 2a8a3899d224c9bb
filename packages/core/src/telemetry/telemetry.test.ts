import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import type { Message } from '../messages.js';
import { stopOn } from '../policies/stop-on.js';
import { registerProfile } from '../profiles/registry.js';
import type { ProviderStreamPart } from '../stream-part.js';
import { type ScriptStep, scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { tokenCounterFor } from '../token-counter.js';
import type { CallEndEvent, TelemetryEvent, TelemetryHooks } from './events.js';
import { serializeEvent } from './serialize-event.js';

const messages: Message[] = [{ role: 'user', content: 'Count to ten, please.' }];
const words = (n: number, stopAt?: number) =>
  Array.from({ length: n }, (_, i) => (i === stopAt ? 'STOP ' : `w${i} `));

/** A provider that plays a fresh script per call. */
function sequence(scripts: () => readonly ScriptStep[]) {
  return {
    name: 'openai',
    stream: (request: Parameters<ReturnType<typeof scriptedProvider>['stream']>[0]) =>
      scriptedProvider(scripts()).stream(request),
  };
}

function recorder(extra: Partial<TelemetryHooks> = {}) {
  const events: TelemetryEvent[] = [];
  return {
    events,
    hooks: { onEvent: (event: TelemetryEvent) => void events.push(event), ...extra } satisfies TelemetryHooks,
  };
}

/** Tokens of the deltas as the client counts them: the unit savings are estimated in. */
const localTokens = (deltas: string[]) =>
  deltas.reduce((sum, delta) => sum + tokenCounterFor('gpt-4o-mini').count(delta), 0);

/**
 * One call that runs to its end, so the client's length model has history (with `minSamples:
 * 1`) and a token cap after it gets a point estimate.
 */
async function warm(client: { generate(options: object): Promise<unknown> }, model: string) {
  await client.generate({ model, messages });
}

const ends = (events: TelemetryEvent[]) =>
  events.filter((event): event is CallEndEvent => event.type === 'call-end');

describe('call-end', () => {
  it('comes exactly once per call, for every outcome', async () => {
    const { events, hooks } = recorder();
    const stopScript = textScript(words(6, 3));
    const client = createClient({ provider: sequence(() => stopScript), telemetry: hooks });
    // finish
    await client.generate({ model: 'gpt-4o-mini', messages });
    // policy-stop
    await client.generate({ model: 'gpt-4o-mini', messages, policy: { stopOn: ['STOP'] } });
    // abort by the caller's signal
    const controller = new AbortController();
    const slow = createClient({
      provider: sequence(() => [{ type: 'stream-start' }, { type: 'wait', ms: 150 }, ...stopScript]),
      telemetry: hooks,
    });
    const aborted = slow.generate({ model: 'gpt-4o-mini', messages, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user left')), 10);
    // abort by a consumer that stops reading
    for await (const part of client.stream({ model: 'gpt-4o-mini', messages }))
      if (part.type === 'text-delta') break;
    // error from the provider
    const failing = createClient({
      provider: sequence(() => [
        { type: 'stream-start' },
        { type: 'throw', error: new Error('socket hang up') },
      ]),
      telemetry: hooks,
    });
    await failing.generate({ model: 'gpt-4o-mini', messages });
    // error before the request: one policy object in two calls at once
    const shared = stopOn(['x']);
    const first = slow.generate({ model: 'gpt-4o-mini', messages, policy: { policies: [shared] } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await slow.generate({ model: 'gpt-4o-mini', messages, policy: { policies: [shared] } });
    await aborted;
    await first;

    const outcomes = ends(events).map((event) => event.outcome);
    expect(outcomes.sort()).toEqual(
      ['abort', 'abort', 'error', 'error', 'finish', 'finish', 'policy-stop'].sort(),
    );
    const perCall = new Map<string, number>();
    for (const event of ends(events)) perCall.set(event.callId, (perCall.get(event.callId) ?? 0) + 1);
    expect([...perCall.values()].every((count) => count === 1)).toBe(true);
    expect(perCall.size).toBe(7);
  });
});

describe('hooks', () => {
  it('that throw, reject or never resolve neither break nor delay the stream', async () => {
    const hookErrors: unknown[] = [];
    const client = createClient({
      provider: sequence(() => textScript(words(20, 15))),
      telemetry: [
        {
          onCallStart: () => {
            throw new Error('hook exploded');
          },
          onPolicyDecision: () => Promise.reject(new Error('async hook failed')),
          onCallEnd: () => new Promise<void>(() => {}),
          onEvent: () => new Promise<void>((resolve) => void setTimeout(resolve, 10_000).unref()),
          onHookError: (error) => void hookErrors.push(error),
        },
      ],
    });
    const started = performance.now();
    const result = await client.generate({ model: 'gpt-4o-mini', messages, policy: { stopOn: ['STOP'] } });
    // Waiting on the hooks would take 10 s or forever; a loaded machine takes well under 5 s.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe(words(15).join(''));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(hookErrors.map((error) => (error as Error).message).sort()).toEqual([
      'async hook failed',
      'hook exploded',
    ]);
  });

  it('an onHookError that rejects (an async reporter failing) is no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const client = createClient({
        provider: sequence(() => textScript(['a', 'b'])),
        telemetry: {
          onCallEnd: () => {
            throw new Error('hook exploded');
          },
          onEvent: () => Promise.reject(new Error('async hook failed')),
          onHookError: async () => {
            throw new Error('reporter down');
          },
        },
      });
      expect((await client.generate({ model: 'gpt-4o-mini', messages })).outcome).toBe('finish');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('are called as methods of their hook object, so an exporter written as a class works', async () => {
    class Collector implements TelemetryHooks {
      readonly outcomes: string[] = [];
      readonly types: string[] = [];
      onCallEnd(event: CallEndEvent): void {
        this.outcomes.push(event.outcome);
      }
      onEvent(event: TelemetryEvent): void {
        this.types.push(event.type);
      }
    }
    const collector = new Collector();
    const hookErrors: unknown[] = [];
    const client = createClient({
      provider: sequence(() => textScript(['a', 'b'])),
      telemetry: [collector, { onHookError: (error) => void hookErrors.push(error) }],
    });
    await client.generate({ model: 'gpt-4o-mini', messages });
    expect(collector.outcomes).toEqual(['finish']);
    expect(collector.types).toEqual(['call-start', 'call-end']);
    expect(hookErrors).toEqual([]);
  });

  it('put prompt and output text into events only with recordContent', async () => {
    const plain = recorder();
    const content = recorder();
    const client = createClient({
      provider: sequence(() => textScript(['secret ', 'answer'])),
      telemetry: plain.hooks,
    });
    await client.generate({
      model: 'gpt-4o-mini',
      messages,
      telemetry: { ...content.hooks, recordContent: true },
    });
    const json = JSON.stringify(plain.events.map(serializeEvent));
    expect(json).not.toContain('secret');
    expect(json).not.toContain('Count to ten');
    const start = content.events.find((event) => event.type === 'call-start');
    expect(start && 'messages' in start ? start.messages : undefined).toEqual(messages);
    expect(ends(content.events)[0]?.text).toBe('secret answer');
  });

  it('never carry an API key, in events or errors', async () => {
    const key = 'sk-proj-ABCDEF1234567890abcdef';
    const { events, hooks } = recorder();
    const client = createClient({
      provider: sequence(() => [
        { type: 'stream-start' },
        { type: 'throw', error: new Error(`Incorrect API key provided: ${key}`) },
      ]),
      telemetry: { ...hooks, recordContent: true },
    });
    const result = await client.generate({ model: 'gpt-4o-mini', messages });
    expect(result.error?.message).not.toContain(key);
    const error = events.find((event) => event.type === 'error');
    expect(error).toBeDefined();
    expect(JSON.stringify(events.map(serializeEvent))).not.toContain(key);
    expect(JSON.stringify(events.map(serializeEvent))).toContain('[redacted]');
  });
});

describe('holdout', () => {
  it('runs the call unstopped, records where the chain would have stopped, and learns from it', async () => {
    const { events, hooks } = recorder();
    const client = createClient({
      provider: sequence(() => textScript(words(40, 10), { inputTokens: 5, outputTokens: 80 })),
      telemetry: hooks,
      holdout: { fraction: 1 },
    });
    const result = await client.generate({ model: 'gpt-4o-mini', messages, policy: { stopOn: ['STOP'] } });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe(words(40, 10).join(''));
    expect(result.savings.holdout?.policy).toMatch(/stopOn/);
    expect(result.savings.holdout?.wouldStopAtToken).toBeGreaterThan(0);
    expect(result.savings.tokensSaved).toBe(0);
    const decision = events.find((event) => event.type === 'policy-decision');
    expect(decision).toMatchObject({ shadow: true });
    expect(events.some((event) => event.type === 'policy-stop')).toBe(false);
  });

  it('calibrates the holdout method: stops are then estimated from held-out calls of the bucket', async () => {
    let draw = 0;
    // The first 12 calls are held out (random < fraction), then none.
    const client = createClient({
      provider: sequence(() => textScript(words(40, 10), { inputTokens: 5, outputTokens: 60 })),
      holdout: { fraction: 0.5, random: () => (draw++ < 12 ? 0 : 0.99) },
    });
    const call = () =>
      client.generate({
        model: 'gpt-4o-mini',
        messages,
        metadata: { bucket: 'count' },
        policy: { stopOn: ['STOP'] },
      });
    const held = [];
    for (let i = 0; i < 12; i++) held.push(await call());
    const wouldStop = held[0]?.savings.holdout?.wouldStopAtToken as number;
    const stopped = await call();
    expect(stopped.outcome).toBe('policy-stop');
    const cf = stopped.savings.counterfactualTokens;
    expect(cf?.method).toBe('holdout');
    // Every held-out call ran to the same length from the same would-stop position.
    const full = localTokens(words(40, 10));
    expect(cf?.value).toBe(Math.round(wouldStop * (full / wouldStop)));
    expect(stopped.savings.tokensSaved).toBe(full - stopped.savings.outputTokens);
    expect(stopped.savings.outputTokensSource).toBe('estimated');
  });

  it('warm-up holds out every would-be stop of a bucket until it has enough samples', async () => {
    const client = createClient({
      provider: sequence(() => textScript(words(30, 5))),
      holdout: { fraction: 0, warmup: 3 },
    });
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        (await client.generate({ model: 'gpt-4o-mini', messages, policy: { stopOn: ['STOP'] } })).outcome,
      );
    expect(outcomes).toEqual(['finish', 'finish', 'finish', 'policy-stop', 'policy-stop']);
    expect(client.stats().total.holdouts).toBe(3);
  });

  it('hands the call to `random`: a draw keyed on the prompt holds out the same calls in any order', async () => {
    const heldOut = async (order: readonly string[]) => {
      const client = createClient({
        provider: sequence(() => textScript(words(30, 5))),
        // Question 2 and 4 draw below the fraction, whenever they come.
        holdout: { fraction: 0.5, random: (call) => (/question [24]$/.test(call.prompt) ? 0.1 : 0.9) },
      });
      const held: string[] = [];
      for (const question of order) {
        const result = await client.generate({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: question }],
          policy: { stopOn: ['STOP'] },
        });
        if (result.savings.holdout !== undefined) held.push(question);
      }
      return held.sort();
    };
    const questions = [1, 2, 3, 4, 5].map((n) => `question ${n}`);
    expect(await heldOut(questions)).toEqual(['question 2', 'question 4']);
    expect(await heldOut([...questions].reverse())).toEqual(['question 2', 'question 4']);
  });
});

describe('savings of a stopped call', () => {
  const stopScript: ProviderStreamPart[] = textScript(words(30, 10));

  it('has no headline with no history: the cap is only a bound, summed apart, and named in the reason', async () => {
    const client = createClient({ provider: sequence(() => stopScript) });
    const bounded = await client.generate({
      model: 'gpt-4o-mini',
      messages,
      maxOutputTokens: 500,
      policy: { stopOn: ['STOP'] },
    });
    expect(bounded.savings.counterfactualTokens).toMatchObject({
      method: 'budget-bound',
      value: 500,
      high: 500,
    });
    expect(bounded.savings.tokensSaved).toBeNull();
    expect(bounded.savings.tokensSavedAtMost).toBe(500 - bounded.savings.outputTokens);
    expect(bounded.savings.boundSource).toBe('maxOutputTokens');
    expect(bounded.savings.tokensSavedReason).toMatch(
      new RegExp(
        `no history for this bucket yet.*at most ${500 - bounded.savings.outputTokens} \\(the call's maxOutputTokens 500\\)`,
      ),
    );
    expect(bounded.savings.costSaved).toBeNull();
    expect(bounded.savings.timeSavedMs).toBeNull();
    const unknown = await client.generate({ model: 'gpt-4o-mini', messages, policy: { stopOn: ['STOP'] } });
    expect(unknown.savings.counterfactualTokens).toBeUndefined();
    expect(unknown.savings.tokensSaved).toBeNull();
    expect(unknown.savings.tokensSavedAtMost).toBeNull();
    expect(unknown.savings.tokensSavedReason).toMatch(/no cap to bound it/);
    expect(unknown.savings.costSaved).toBeNull();
    expect(unknown.savings.costUnknownReason).toMatch(/no estimate/);
    const total = client.stats().total;
    expect(total).toMatchObject({ tokensSaved: 0, unestimatedStops: 2 });
    expect(total.tokensSavedAtMost).toBe(bounded.savings.tokensSavedAtMost);
  });

  it("bounds a stop by the profile's client-side token cut when it is below maxOutputTokens (the Quickstart's case)", async () => {
    const client = createClient({ provider: sequence(() => stopScript) });
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages,
      maxOutputTokens: 1000,
      policy: { stopOn: ['STOP'], cutAtTokens: 400 },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.savings.tokensSaved).toBeNull();
    expect(result.savings.boundSource).toBe('token-cut');
    expect(result.savings.tokensSavedAtMost).toBe(400 - result.savings.outputTokens);
    expect(result.savings.tokensSavedReason).toMatch(/the client-side token cut at 400/);
  });

  it("bounds a stop by the call's token cut under a profile registered with only a build function", async () => {
    // Such a profile has no settings: the call's cut was in the chain but not in the settings
    // the bound is read from, so the stop got no bound at all.
    registerProfile({
      name: 'build-only-cut',
      description: 'stops on STOP',
      build: () => [stopOn(['STOP'])],
    });
    const client = createClient({ provider: sequence(() => stopScript) });
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages,
      policy: { profile: 'build-only-cut', cutAtTokens: 400 },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.savings.boundSource).toBe('token-cut');
    expect(result.savings.tokensSavedAtMost).toBe(400 - result.savings.outputTokens);
  });

  it('uses the length model for a cap once the bucket has natural lengths longer than the stop', async () => {
    const client = createClient({
      provider: sequence(() => textScript(words(30), { inputTokens: 5, outputTokens: 100 })),
    });
    for (let i = 0; i < 10; i++) await client.generate({ model: 'gpt-4o-mini', messages });
    // A token cap says only "longer than here", which is what the length model assumes.
    const result = await client.generate({ model: 'gpt-4o-mini', messages, policy: { cutAtTokens: 5 } });
    expect(result.stop?.kind).toBe('cap');
    const full = localTokens(words(30));
    // Ten lengths, all the same: too few for a lower order statistic at 90%, so the interval
    // starts at the tokens the call produced.
    expect(result.savings.counterfactualTokens).toEqual({
      value: full,
      low: result.savings.outputTokens,
      high: full,
      method: 'length-model',
    });
  });

  it('prices with overrides, and says why the price of an unknown model is null', async () => {
    const client = createClient({
      provider: sequence(() => textScript(words(30))),
      prices: { 'house-model': { outputPerMTok: 1_000_000, currency: 'USD' } },
      savingsModel: { minSamples: 1 },
    });
    await warm(client, 'house-model');
    await warm(client, 'mystery-model');
    const priced = await client.generate({ model: 'house-model', messages, policy: { cutAtTokens: 5 } });
    expect(priced.savings.tokensSaved).toBeGreaterThan(0);
    expect(priced.savings.costSaved).toBe(priced.savings.tokensSaved);
    const unpriced = await client.generate({
      model: 'mystery-model',
      messages,
      policy: { cutAtTokens: 5 },
    });
    expect(unpriced.savings.costSaved).toBeNull();
    expect(unpriced.savings.costUnknownReason).toMatch(/mystery-model/);
  });

  it('turns tokens saved into time at the observed token rate', async () => {
    const paced: ScriptStep[] = [{ type: 'stream-start' }];
    for (const word of words(30, 20))
      paced.push({ type: 'text-delta', delta: word }, { type: 'wait', ms: 4 });
    paced.push({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: undefined, outputTokens: undefined },
    });
    const client = createClient({ provider: sequence(() => paced), savingsModel: { minSamples: 1 } });
    await warm(client, 'gpt-4o-mini');
    const result = await client.generate({ model: 'gpt-4o-mini', messages, policy: { cutAtTokens: 10 } });
    const { tokensSaved, timeSavedMs, outputTokens } = result.savings;
    const rate = (result.durationMs - (result.timeToFirstTokenMs ?? 0)) / (outputTokens - 1);
    expect(timeSavedMs).toBeCloseTo((tokensSaved as number) * rate, 6);
    expect(timeSavedMs).toBeGreaterThan(0);
  });

  it('survives an estimator that throws: the call gets the history-free estimate', async () => {
    const client = createClient({
      provider: sequence(() => stopScript),
      savings: () => {
        throw new Error('estimator bug');
      },
    });
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages,
      maxOutputTokens: 50,
      policy: { stopOn: ['STOP'] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.savings.counterfactualTokens?.method).toBe('budget-bound');
  });
});

describe('client.stats()', () => {
  it('keeps running totals by profile, policy, model and user', async () => {
    registerProfile({ name: 'stats-test', description: 'stops on STOP', build: () => [stopOn(['STOP'])] });
    const client = createClient({
      provider: sequence(() => textScript(words(20, 5), { inputTokens: 5, outputTokens: 20 })),
      prices: { 'house-model': { outputPerMTok: 1_000_000, currency: 'USD' } },
    });
    await client.generate({
      model: 'house-model',
      messages,
      user: 'ann',
      maxOutputTokens: 50,
      policy: { profile: 'stats-test' },
    });
    await client.generate({
      model: 'house-model',
      messages,
      user: 'bob',
      maxOutputTokens: 50,
      policy: { profile: 'stats-test' },
    });
    await client.generate({ model: 'gpt-4o-mini', messages, user: 'ann' });
    const stats = client.stats();
    expect(stats.total).toMatchObject({ calls: 3, stops: 2, holdouts: 0, errors: 0 });
    // With no history, the two stops have no estimate: nothing counts as saved, and the caps
    // (maxOutputTokens 50) give only the bound, summed apart.
    const house = stats.byModel['house-model'];
    expect(house?.tokensSaved).toBe(0);
    expect(house?.costSaved).toBe(0);
    expect(house?.unestimatedStops).toBe(2);
    expect(house?.tokensSavedAtMost).toBeGreaterThan(0);
    expect(house?.tokensSavedAtMost).toBeLessThanOrEqual(2 * 50);
    expect(stats.byProfile['stats-test']?.stops).toBe(2);
    expect(stats.byProfile['(none)']?.calls).toBe(1);
    expect(Object.keys(stats.byPolicy)).toEqual(['stopOn("STOP")']);
    expect(stats.byUser.ann?.calls).toBe(2);
    expect(stats.byUser.bob?.stops).toBe(1);
    expect(stats.total.outputTokens).toBe((stats.byModel['house-model']?.outputTokens as number) + 20);
    // A snapshot is a copy.
    stats.total.calls = 99;
    expect(client.stats().total.calls).toBe(3);
  });
});
