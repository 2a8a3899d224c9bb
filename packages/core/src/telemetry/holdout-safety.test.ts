import { describe, expect, it } from 'vitest';
import { createClient, type PolicyDecisionEvent, type ProviderStreamPart, timeout } from '../index.js';
import { scriptedProvider } from '../testing/scripted-provider.js';
import { createSavingsHistory, type SavingsHistory } from './savings-history.js';

const call = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'go' }] };
const finish: ProviderStreamPart = {
  type: 'finish',
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: undefined, outputTokens: undefined },
};

/** A real history that also counts the holdout samples it is given. */
function countingHistory(): SavingsHistory & { samples: number } {
  const history = createSavingsHistory();
  const counting = {
    ...history,
    samples: 0,
    recordHoldout(bucket: string, sample: Parameters<SavingsHistory['recordHoldout']>[1]) {
      counting.samples += 1;
      history.recordHoldout(bucket, sample);
    },
  };
  return counting;
}

describe('safety stops act in holdout calls', () => {
  it('a stalled holdout call is stopped by timeout({ idleMs }) instead of running on', async () => {
    const history = countingHistory();
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'Thinking' },
      // A stall far longer than any loaded machine's delay: the bound below tells the two apart.
      { type: 'wait', ms: 20_000 },
      { type: 'text-delta', delta: ' more' },
      finish,
    ]);
    const client = createClient({ provider, holdout: { fraction: 1 }, savingsModel: { history } });
    const started = performance.now();
    const result = await client.generate({ ...call, policy: { policies: [timeout({ idleMs: 50 })] } });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.outcome).toBe('policy-stop');
    expect(result.stop?.policy).toMatch(/^timeout/);
    expect(result.savings.holdout).toMatchObject({ cutBy: result.stop?.policy });
    // Cut short, the call is no calibration sample.
    expect(history.samples).toBe(0);
  });

  it('a profile token cap acts in a holdout call; the shadow stop before it is still recorded', async () => {
    const history = countingHistory();
    const words = Array.from({ length: 60 }, (_, i) => ({ type: 'text-delta' as const, delta: `w${i} ` }));
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'The answer is 4. STOP ' },
      ...words,
      finish,
    ]);
    const decisions: PolicyDecisionEvent[] = [];
    const client = createClient({
      provider,
      holdout: { fraction: 1 },
      savingsModel: { history },
      telemetry: {
        onPolicyDecision: (event) => {
          decisions.push(event);
        },
      },
    });
    const result = await client.generate({ ...call, policy: { stopOn: ['STOP'], cutAtTokens: 20 } });
    expect(result.outcome).toBe('policy-stop');
    expect(result.stop?.policy).toBe('maxTokens(20)');
    expect(result.text).toMatch(/^The answer is 4\. STOP w0/);
    expect(result.savings.holdout).toMatchObject({
      policy: expect.stringMatching(/stopOn/),
      cutBy: 'maxTokens(20)',
    });
    expect(result.savings.holdout?.wouldStopAtToken).toBeLessThan(20);
    expect(decisions.map((event) => event.shadow)).toEqual([true, false]);
    expect(history.samples).toBe(0);
  });

  it('a holdout call no safety stop cut still runs to its end and is a calibration sample', async () => {
    const history = countingHistory();
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'a STOP b' },
      { type: 'text-delta', delta: ' c' },
      finish,
    ]);
    const client = createClient({ provider, holdout: { fraction: 1 }, savingsModel: { history } });
    const result = await client.generate({ ...call, policy: { stopOn: ['STOP'], cutAtTokens: 500 } });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('a STOP b c');
    expect(result.savings.holdout?.cutBy).toBeUndefined();
    expect(history.samples).toBe(1);
  });

  it('outside holdout calls nothing changes: the first decision stops', async () => {
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'a STOP b' },
      finish,
    ]);
    const result = await createClient({ provider }).generate({
      ...call,
      policy: { stopOn: ['STOP'], cutAtTokens: 500 },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.savings.holdout).toBeUndefined();
  });
});
