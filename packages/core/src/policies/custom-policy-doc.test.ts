import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import type { StopPolicy, StreamView } from '../policy.js';
import type { LanguageModelProvider } from '../provider.js';

// The example of docs/policies/custom.md, run against a scripted provider.
const apology = /\b(?:I'm sorry|I apologi[sz]e)\b/;

function stopApologies(): StopPolicy {
  let tail = '';
  return {
    name: 'stopApologies',
    start() {
      tail = '';
    },
    step(view: StreamView) {
      if (view.phase !== 'answer') return undefined;
      const windowStart = view.deltaOffset - tail.length;
      const window = tail + view.delta;
      tail = window.slice(-32);
      const found = apology.exec(window);
      if (!found) return undefined;
      const at = windowStart + found.index;
      return {
        reason: 'the model started apologising',
        cutAt: at,
        decidedAt: at + found[0].length,
        kind: 'complete',
      };
    },
  };
}

describe('docs/policies/custom.md', () => {
  it('stops at an apology split across deltas and keeps the answer before it', async () => {
    const provider: LanguageModelProvider = {
      name: 'openai',
      async *stream() {
        yield { type: 'stream-start' };
        for (const delta of ['Yes, 17 is prime. ', "I'm so", 'rry for any confusion earlier.']) {
          yield { type: 'text-delta', delta };
        }
        yield {
          type: 'finish',
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: { inputTokens: 12, outputTokens: 14 },
        };
      },
    };
    const client = createClient({ provider });
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Is 17 prime?' }],
      policy: { profile: 'balanced', policies: [stopApologies()] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.stop?.policy).toBe('stopApologies');
    expect(result.stop?.kind).toBe('complete');
    // The phrase is split across two deltas; the cut reaches back into the first.
    expect(result.text).toBe('Yes, 17 is prime. ');
    expect(result.stop?.retractedChars).toBe("I'm so".length);
  });
});
