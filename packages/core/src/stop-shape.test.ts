import { describe, expect, it } from 'vitest';
import { createClient, type PolicyStopEvent, type StopPolicy, type StreamPart } from './index.js';
import { type ScriptStep, scriptedProvider } from './testing/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'Think, then answer.' }];

// Reasoning that reaches its answer early: the policy stops there and hands the answer over.
const script: ScriptStep[] = [
  { type: 'stream-start' },
  { type: 'reasoning-delta', delta: 'Let me see. 6 x 7 = 42.' },
  { type: 'reasoning-delta', delta: ' Checking again: 42. DONE and more' },
  {
    type: 'finish',
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 5, outputTokens: 20 },
  },
];

const answerEarly = (): StopPolicy => ({
  name: 'answerEarly',
  step: (view) => {
    const index = view.reasoning.indexOf(' DONE');
    return index < 0
      ? undefined
      : { reason: 'answer reached', cutAt: index, kind: 'complete', confidence: 0.9, answer: '42' };
  },
});

describe('one stop shape: the policy-stop part, result.stop and the policy-stop event', () => {
  it('carry the same flat fields', async () => {
    const events: PolicyStopEvent[] = [];
    const withContent: PolicyStopEvent[] = [];
    const client = createClient({
      provider: scriptedProvider(script),
      telemetry: { onPolicyStop: (event) => void events.push(event) },
    });
    const run = client.stream({
      model: 'gpt-4o-mini',
      messages,
      policy: { policies: [answerEarly()] },
      telemetry: { recordContent: true, onPolicyStop: (event) => void withContent.push(event) },
    });
    const parts: StreamPart[] = [];
    for await (const part of run) parts.push(part);
    const result = await run.result;

    const stopPart = parts.at(-1);
    expect(stopPart?.type).toBe('policy-stop');
    const { type: _type, ...fromPart } = stopPart as StreamPart & { type: 'policy-stop' };
    expect(fromPart).toEqual({
      policy: 'answerEarly',
      reason: 'answer reached',
      phase: 'reasoning',
      atChar: 'Let me see. 6 x 7 = 42. Checking again: 42.'.length,
      atToken: expect.any(Number),
      retractedChars: 0,
      kind: 'complete',
      confidence: 0.9,
      answer: '42',
    });
    expect(result.stop).toEqual(fromPart);
    expect(fromPart).not.toHaveProperty('at');

    // Telemetry: the same fields; the extracted answer (model output) only with recordContent.
    const { answer, ...contentFree } = fromPart;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'policy-stop', ...contentFree });
    expect(events[0]).not.toHaveProperty('answer');
    expect(withContent[0]).toMatchObject({ type: 'policy-stop', ...contentFree, answer });
  });
});
