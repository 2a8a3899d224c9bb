import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import type { LanguageModelProvider, ProviderRequest } from '../provider.js';
import type { TelemetryEvent } from '../telemetry/events.js';
import { type ScriptStep, scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { extractAnswer } from './vote-answers.js';
import { decide, leaderProbability } from './vote-rules.js';

/** A provider whose k-th request plays `scripts(k)`; counts requests and closed streams. */
function samplingProvider(scripts: (k: number) => ScriptStep[]) {
  let k = 0;
  const seen = { requests: 0, aborted: 0 };
  const provider: LanguageModelProvider = {
    name: 'openai',
    stream(request: ProviderRequest) {
      seen.requests += 1;
      request.signal.addEventListener('abort', () => {
        seen.aborted += 1;
      });
      return scriptedProvider(scripts(k++)).stream(request);
    },
  };
  return { provider, seen };
}

const say = (answer: string, words = 20) =>
  textScript([
    ...(`Working it out carefully. `.repeat(words).match(/.{1,8}/g) ?? []),
    ` So the answer is ${answer}.`,
  ]);
const messages = [{ role: 'user' as const, content: 'What is 3 + 4?' }];

describe('client.vote', () => {
  it('stops after four agreeing samples of forty (posterior rule) and reports the tokens saved against the full vote', async () => {
    const { provider, seen } = samplingProvider(() => say('7'));
    const vote = await createClient({ provider }).vote({ model: 'gpt-4o-mini', messages, samples: 40 });
    expect(vote).toMatchObject({ answer: '7', decidedBy: 'posterior', samplesUsed: 4 });
    expect(vote.votes).toEqual([{ answer: '7', count: 4 }]);
    expect(seen.requests).toBe(4);
    const perSample = vote.samples[0]?.result.savings.outputTokens ?? 0;
    expect(vote.savings.fullVoteTokens).toBe(40 * perSample);
    expect(vote.savings.tokensSaved).toBe(36 * perSample);
    expect(vote.savings.samplesSkipped).toBe(36);
  });

  it('a throwing or non-string extractor makes that sample abstain, reported in errors, not a rejected vote', async () => {
    const { provider } = samplingProvider((k) => say(k === 1 ? 'boom' : '7'));
    const extract = (text: string) => {
      if (text.includes('boom')) throw new Error('extractor bug');
      return text.includes('answer is 7') ? '7' : undefined;
    };
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 5,
      extract,
    });
    expect(vote.answer).toBe('7');
    expect(vote.samples[1]?.answer).toBeUndefined();
    expect(vote.errors.map((error) => error.message)).toEqual([expect.stringMatching(/extractor bug/)]);
    const numeric = await createClient({ provider: samplingProvider(() => say('7')).provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 2,
      extract: (() => 42) as never,
    });
    expect(numeric.votes).toEqual([]);
    expect(numeric.errors[0]?.message).toMatch(/extract returned number, not a string or undefined/);
  });

  it("says a vote the caller's signal ended was aborted", async () => {
    const slow: ScriptStep[] = [{ type: 'wait', ms: 2_000 }, ...say('7')];
    const { provider } = samplingProvider(() => slow);
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 8,
      signal: AbortSignal.timeout(100),
    });
    expect(vote.decidedBy).toBe('aborted');
    expect(vote.answer).toBeUndefined();
  });

  it('aborts the samples still in flight once the vote is decided', async () => {
    // Slow enough that a loaded machine's delays never pass for waiting on them (bound below).
    const slow = (answer: string): ScriptStep[] => [{ type: 'wait', ms: 20_000 }, ...say(answer)];
    const { provider, seen } = samplingProvider((k) => (k < 4 ? say('7') : slow('7')));
    const started = performance.now();
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 10,
      concurrency: 6,
      draw: 'eager',
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(vote.samplesUsed).toBe(4);
    const aborted = vote.samples.filter((sample) => sample.aborted);
    expect(aborted).toHaveLength(2);
    for (const sample of aborted) expect(sample.result.outcome).toBe('abort');
    expect(seen.aborted).toBeGreaterThanOrEqual(2);
  });

  it('by default draws no more samples at once than could still decide the vote', async () => {
    let inFlight = 0;
    let most = 0;
    const provider: LanguageModelProvider = {
      name: 'openai',
      async *stream(request) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          yield* scriptedProvider([{ type: 'wait', ms: 5 }, ...say('7')]).stream(request);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 40,
      concurrency: 10,
    });
    // Four agreeing samples settle the posterior rule: a fifth in flight could only be aborted.
    expect(most).toBe(4);
    expect(vote.samples.filter((sample) => sample.aborted)).toHaveLength(0);
  });

  it('with the exact rule only, stops once the majority cannot change', async () => {
    const answers = ['7', '7', '7', '8', '8'];
    const { provider } = samplingProvider((k) => say(answers[k] ?? '9'));
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 5,
      concurrency: 1,
      rule: { kind: 'settled' },
    });
    expect(vote).toMatchObject({ answer: '7', decidedBy: 'settled', samplesUsed: 3 });
  });

  it('a tie goes to the answer of the earliest sample, whatever order the samples finish in', async () => {
    const { provider } = samplingProvider((k) =>
      k === 0 ? [{ type: 'wait', ms: 30 }, ...say('11')] : say('12'),
    );
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 2,
      concurrency: 2,
      draw: 'eager',
      rule: { kind: 'settled' },
    });
    expect(vote).toMatchObject({ answer: '11', decidedBy: 'all-samples' });
    expect(vote.votes).toEqual([
      { answer: '11', count: 1 },
      { answer: '12', count: 1 },
    ]);
  });

  it('window rule (ESC): stops after a window whose answers all agree', async () => {
    const answers = ['1', '2', '1', '3', '3', '3'];
    const { provider } = samplingProvider((k) => say(answers[k] ?? '3'));
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 20,
      concurrency: 1,
      rule: { kind: 'window', size: 3 },
    });
    expect(vote).toMatchObject({ answer: '3', decidedBy: 'window', samplesUsed: 6 });
  });

  it('a failing sample abstains; the vote goes on and reports the error', async () => {
    const { provider } = samplingProvider((k) =>
      k === 0 ? [{ type: 'throw', error: new Error('boom') }] : say('7'),
    );
    const vote = await createClient({ provider }).vote({
      model: 'gpt-4o-mini',
      messages,
      samples: 10,
      concurrency: 1,
    });
    expect(vote.answer).toBe('7');
    expect(vote.errors).toHaveLength(1);
    expect(vote.samplesUsed).toBe(5);
  });

  it("telemetry: every sample's events carry the vote's id, and one vote-end says how it ended (the answer only with recordContent)", async () => {
    const { provider } = samplingProvider(() => say('7'));
    const plain: TelemetryEvent[] = [];
    const withContent: TelemetryEvent[] = [];
    const client = createClient({
      provider,
      telemetry: [
        { onEvent: (event) => void plain.push(event) },
        { recordContent: true, onVoteEnd: (event) => void withContent.push(event) },
      ],
    });
    const vote = await client.vote({ model: 'gpt-4o-mini', messages, samples: 12 });
    const ends = plain.filter((event) => event.type === 'call-end');
    expect(ends).toHaveLength(4);
    expect(new Set(ends.map((event) => event.vote?.id))).toEqual(new Set([vote.id]));
    expect(ends.map((event) => event.vote?.sample).sort()).toEqual([0, 1, 2, 3]);
    const [voteEnd] = plain.filter((event) => event.type === 'vote-end');
    expect(voteEnd).toMatchObject({
      callId: vote.id,
      decidedBy: 'posterior',
      samplesUsed: 4,
      samplesAllowed: 12,
      tokensSaved: vote.savings.tokensSaved,
    });
    expect(voteEnd && 'answer' in voteEnd ? voteEnd.answer : undefined).toBeUndefined();
    expect(withContent).toMatchObject([{ type: 'vote-end', answer: '7' }]);
  });

  it('rejects bad options with a ConfigError that says what to fix', async () => {
    const { provider } = samplingProvider(() => say('7'));
    const client = createClient({ provider });
    await expect(client.vote({ model: 'm', messages, samples: 0 })).rejects.toThrow(ConfigError);
    await expect(
      client.vote({ model: 'm', messages, samples: 5, rule: { kind: 'posterior', confidence: 2 } }),
    ).rejects.toThrow(/rule.confidence/);
    await expect(
      client.vote({ model: 'm', messages, samples: 5, extract: 'roman' as never }),
    ).rejects.toThrow(/extract/);
  });
});

describe('vote rules', () => {
  it('leader probability is P(Beta(a+1, b+1) > 1/2)', () => {
    expect(leaderProbability(4, 0)).toBeCloseTo(31 / 32);
    expect(leaderProbability(3, 0)).toBeCloseTo(15 / 16);
    expect(leaderProbability(1, 1)).toBeCloseTo(0.5);
  });

  it('a tie at the end is decided by the answer reached first', () => {
    expect(decide({ kind: 'settled' }, { answers: ['b', 'a', 'a', 'b'], remaining: 0 })).toBe('all-samples');
  });
});

describe('extractors', () => {
  it('read dates, numbers, choices and boxes as the scorers do', () => {
    const date =
      'Q1. What is the date of yesterday?\nYesterday was 04/30/2021.\nToday is one day after yesterday, which is 5/1/2021. So the answer is 5/1/2021.';
    expect(extractAnswer('date', date)).toBe('05/01/2021');
    expect(extractAnswer('number', 'We get 1,234 apples. The answer is 1,234.')).toBe('1234');
    expect(extractAnswer('choice', 'so the answer is (C).')).toBe('C');
    expect(extractAnswer('boxed', 'Thus $\\boxed{\\frac{1}{2}}$. The answer is 3.')).toBe('\\frac{1}{2}');
    expect(extractAnswer('final', 'Thus the answer is 42.')).toBe('42');
    expect(extractAnswer((text) => text.slice(-2), 'ends with ok')).toBe('ok');
    expect(extractAnswer('date', 'no date here')).toBeUndefined();
  });
});
