import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { answerConvergence } from './policies/answer-convergence.js';
import type { ProviderStreamPart } from './stream-part.js';
import { scriptedProvider } from './testing/scripted-provider.js';

const model = 'gpt-4o-mini';
const messages = [{ role: 'user' as const, content: 'What is 6 x 7?' }];

function run(parts: readonly ProviderStreamPart[]) {
  const steps: ProviderStreamPart[] = [
    { type: 'stream-start' },
    ...parts,
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 5, outputTokens: 30 },
    },
  ];
  const client = createClient({ provider: scriptedProvider(steps) });
  // Converges on the second agreeing statement, however close together.
  return client.generate({
    model,
    messages,
    policy: { policies: [answerConvergence({ confirmations: 2, holdTokens: 0 })] },
  });
}

const thinking = (delta: string): ProviderStreamPart => ({ type: 'reasoning-delta', delta });
const answer = (delta: string): ProviderStreamPart => ({ type: 'text-delta', delta });
const converging = [
  thinking('So the answer is 42.\n'),
  thinking('Checking: 6 x 7 = 42, so the answer is 42.\n'),
];

describe('a reasoning stop decided on the last line of the reasoning', () => {
  it('is dropped when the answer comes next: the thinking ended there, and the answer is wanted', async () => {
    const result = await run([...converging, answer('The answer is **42**.')]);
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('The answer is **42**.');
    // White space between the last line and the answer changes nothing.
    const spaced = await run([...converging, thinking('\n'), answer('42')]);
    expect(spaced.outcome).toBe('finish');
    expect(spaced.text).toBe('42');
  });

  it('acts on the next delta when the reasoning goes on, with the cut it was decided with', async () => {
    const result = await run([...converging, thinking('Wait, let me check 7 x 6 too.\n'), answer('42')]);
    expect(result.outcome).toBe('policy-stop');
    expect(result.stop?.phase).toBe('reasoning');
    expect(result.reasoning).toBe('So the answer is 42.\nChecking: 6 x 7 = 42, so the answer is 42.');
    expect(result.text).toBe('');
    expect(result.answer).toBe('42');
  });

  it('acts at once when the reasoning goes on within the same delta', async () => {
    const parts: ProviderStreamPart[] = [];
    const client = createClient({
      provider: scriptedProvider([
        { type: 'stream-start' },
        thinking('So the answer is 42.\nChecking: the answer is 42.\nWait'),
        answer('never read'),
        {
          type: 'finish',
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: { inputTokens: 5, outputTokens: 30 },
        },
      ]),
    });
    const stream = client.stream({
      model,
      messages,
      policy: { policies: [answerConvergence({ confirmations: 2, holdTokens: 0 })] },
    });
    for await (const part of stream) parts.push(part as ProviderStreamPart);
    const result = await stream.result;
    expect(result.outcome).toBe('policy-stop');
    expect(result.reasoning).toBe('So the answer is 42.\nChecking: the answer is 42.');
    expect(parts.some((part) => part.type === 'text-delta')).toBe(false);
  });
});
