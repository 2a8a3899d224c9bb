import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { anyOf } from '../combinators.js';
import type { Message } from '../messages.js';
import type { CallContext } from '../policy.js';
import { accurateSettings, balancedSettings } from '../profiles/presets.js';
import { buildPolicies } from '../profiles/sections.js';
import { scriptedProvider } from '../testing/scripted-provider.js';
import { tokenCounterFor } from '../token-counter.js';
import { defaultLadder } from './ladder.js';
import { observeLadder } from './observe-ladder.js';
import { replayInShadow } from './shadow-replay.js';

interface TraceRecord {
  id: string;
  model: string;
  messages: Message[];
  output: string;
  reasoning?: string;
}

const records: TraceRecord[] = readFileSync(
  new URL('../policies/__fixtures__/trace-sample.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line))
  // The sample keeps outputs only: a stand-in prompt (no policy here reads a math prompt's words).
  .map((record) => ({ messages: [{ role: 'user', content: 'Solve the problem.' }], ...record }));

const callFor = (record: TraceRecord): CallContext => ({
  model: record.model,
  messages: record.messages,
  prompt: record.messages.map((m) => m.content).join('\n'),
  user: undefined,
  profile: 'balanced',
  maxOutputTokens: undefined,
  metadata: {},
  report: () => {},
});

const outputOf = (record: TraceRecord) => ({ reasoning: record.reasoning ?? '', text: record.output });

describe('defaultLadder', () => {
  it("puts balanced at its own step and keeps what the ladder does not tune (the profile's markers)", () => {
    const ladder = defaultLadder(balancedSettings);
    expect(ladder.steps).toHaveLength(5);
    expect(ladder.home).toBe(1);
  });
});

describe('replayInShadow', () => {
  it('stops where the runner stops the same chain over the same output (the fidelity the tuner needs)', async () => {
    let compared = 0;
    for (const record of records.filter((r) => r.output.length > 0).slice(0, 20)) {
      const counter = tokenCounterFor(record.model);
      const deltas = [
        ...((record.reasoning ?? '')
          .match(/[\s\S]{1,16}/g)
          ?.map((delta) => ({ type: 'reasoning-delta' as const, delta })) ?? []),
        ...(record.output.match(/[\s\S]{1,16}/g) ?? []).map((delta) => ({
          type: 'text-delta' as const,
          delta,
        })),
      ];
      const client = createClient({
        provider: scriptedProvider([
          { type: 'stream-start' },
          ...deltas,
          {
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: { inputTokens: 1, outputTokens: 1 },
          },
        ]),
      });
      const run = await client.generate({
        model: record.model,
        messages: record.messages,
        policy: { profile: 'accurate' },
      });
      const call = { ...callFor(record), profile: 'accurate' };
      const policies = buildPolicies(accurateSettings, call).map((built) => built.policy);
      const shadow = replayInShadow({
        policy: policies.length === 1 ? (policies[0] as never) : anyOf(...policies),
        call,
        output: outputOf(record),
        counter,
      });
      expect(shadow?.policy, record.id).toBe(run.stop?.policy);
      if (run.outcome === 'policy-stop') {
        compared += 1;
        // The same cut: what the caller kept is what the replay says the step keeps.
        expect(shadow?.phase, record.id).toBe(run.stop?.phase);
        if (shadow?.phase === 'answer') expect(shadow.keptText, record.id).toBe(run.text);
        else expect(shadow?.keptReasoning, record.id).toBe(run.reasoning);
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe('observeLadder', () => {
  it('saves at least as much at each more aggressive step on the recorded outputs, and judges answers kept', () => {
    const ladder = defaultLadder(balancedSettings);
    const totals = ladder.steps.map(() => ({ saved: 0, lost: 0, stops: 0 }));
    for (const record of records) {
      const counter = tokenCounterFor(record.model);
      const finalTokens = counter.count(record.reasoning ?? '') + counter.count(record.output);
      for (const observation of observeLadder({
        settings: balancedSettings,
        ladder,
        call: callFor(record),
        output: outputOf(record),
        finalTokens,
        counter,
      })) {
        const total = totals[observation.step] as (typeof totals)[number];
        total.saved += observation.tokensSaved;
        if (observation.stop) total.stops += 1;
        if (!observation.answerKept) total.lost += 1;
      }
    }
    console.info(`[ladder on the trace sample] ${JSON.stringify(totals)}`);
    for (let step = 1; step < totals.length; step++)
      expect(totals[step]?.saved).toBeGreaterThanOrEqual(totals[step - 1]?.saved as number);
    expect(totals[0]?.stops).toBeGreaterThan(0);
    // The most conservative step loses no more answers than the most aggressive one.
    expect(totals[0]?.lost).toBeLessThanOrEqual(totals.at(-1)?.lost as number);
  });

  it('counts an answer as kept when the stop comes after it, and lost when it comes before', () => {
    const counter = tokenCounterFor('gpt-4o-mini');
    const ladder = { steps: [{}], home: 0 };
    const call = callFor({
      id: 'x',
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'q' }],
      output: '',
    });
    const after = observeLadder({
      settings: { ...balancedSettings, adaptiveLength: false, stopOn: ['\n\n'] },
      ladder,
      call,
      output: { reasoning: '', text: 'So the answer is 42.\n\nLet me explain at length why that is.' },
      finalTokens: 20,
      counter,
    });
    expect(after[0]).toMatchObject({ answerKept: true });
    expect(after[0]?.tokensSaved).toBeGreaterThan(0);
    const before = observeLadder({
      settings: { ...balancedSettings, adaptiveLength: false, stopOn: ['\n\n'] },
      ladder,
      call,
      output: { reasoning: '', text: 'Let me think.\n\nWe add 40 and 2, so the answer is 42.' },
      finalTokens: 20,
      counter,
    });
    expect(before[0]).toMatchObject({ answerKept: false });
  });
});
