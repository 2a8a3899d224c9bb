import { describe, expect, it, vi } from 'vitest';
import { createClient, type StopPolicy } from './index.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'x' }];

/**
 * A holdout call (it runs to its end) whose chain is a judge that would stop at " two" and
 * `cap`, a safety policy: the holdout's safety chain is what may still stop it.
 */
async function holdoutCallWith(cap: StopPolicy) {
  const judge: StopPolicy = {
    name: 'judge',
    step: (view) => (view.delta === ' two' ? { reason: 'enough' } : undefined),
  };
  const client = createClient({
    provider: scriptedProvider(textScript(['one', ' two', ' three', ' four'])),
    holdout: { fraction: 1 },
  });
  return client.generate({ model: 'gpt-4o-mini', messages, policy: { policies: [judge, cap] } });
}

describe("a policy's life across calls", () => {
  it("a policy's end() for one call runs before the next call with the same policy object starts it", async () => {
    // A fresh module graph: the tokenizer is loaded (an earlier call did it), the price data not
    // yet, so the first call's result waits for it after the consumer has every part.
    vi.resetModules();
    const { createClient: freshClient } = await import('./client.js');
    await (await import('./token-counter.js')).tokenCounterFor('gpt-4o-mini').load();
    const log: string[] = [];
    let calls = 0;
    let current = 0;
    const policy: StopPolicy = {
      name: 'perCallState',
      start: () => {
        current = ++calls;
        log.push(`start ${current}`);
      },
      step: () => undefined,
      end: () => void log.push(`end of call ${current}`),
    };
    const client = freshClient({ provider: scriptedProvider(textScript(['a', 'b'])) });
    for await (const _ of client.stream({ model: 'gpt-4o-mini', messages, policy: { policies: [policy] } })) {
      // drain
    }
    const second = client.stream({ model: 'gpt-4o-mini', messages, policy: { policies: [policy] } });
    for await (const _ of second) {
      // drain
    }
    await second.result;
    expect(log).toEqual(['start 1', 'end of call 1', 'start 2', 'end of call 2']);
  });

  it('in a holdout call, a safety policy switched off for throwing stays off once the chain goes quiet', async () => {
    let capSteps = 0;
    const cap: StopPolicy = {
      name: 'flakyCap',
      safety: true,
      step: () => {
        capSteps += 1;
        if (capSteps === 1) throw new Error('cap bug');
        return { reason: 'cap reached', kind: 'cap', safety: true };
      },
    };
    const result = await holdoutCallWith(cap);
    expect(result.policyErrors).toHaveLength(1);
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('one two three four');
  });

  it('in a holdout call, a safety policy with a malformed decision is switched off, and no text is lost', async () => {
    let capSteps = 0;
    const cap: StopPolicy = {
      name: 'badCap',
      safety: true,
      // Quiet until the chain has gone quiet (after ' two'), then a cut of NaN: unchecked, it
      // would have kept no text at all.
      step: () => (++capSteps >= 3 ? { reason: 'cap reached', cutAt: Number.NaN, safety: true } : undefined),
    };
    const result = await holdoutCallWith(cap);
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('one two three four');
    expect(result.policyErrors.map((error) => error.message)).toEqual([
      expect.stringContaining('badCap: step() returned cutAt NaN'),
    ]);
  });
});
