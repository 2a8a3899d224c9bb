import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import type { StopKind } from '../policy.js';
import { estimateSavings } from '../telemetry/estimate-savings.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { maxTokens } from './max-tokens.js';
import { endsInLoop, tailLoopChars } from './tail-loop.js';

/** Prose that never repeats a block: each sentence carries its own number. */
const prose = (sentences: number) =>
  Array.from(
    { length: sentences },
    (_, i) => `Step ${i}: the sum so far is ${i * 7 + 3}, so we carry on. `,
  ).join('');
/** A block of about 500 characters that a model stuck in a loop writes again and again. */
const block = [
  'Wait, let me recompute the area of the triangle with base 12 and height 5.',
  'The area is one half of the base times the height, so 12 times 5 is 60, halved is 30.',
  'But the problem asks for the hypotenuse first: 12 squared is 144, 5 squared is 25.',
  'Their sum is 169, whose square root is 13, so the perimeter is 12 + 5 + 13 = 30.',
  'Hmm, the area and the perimeter are both 30. That seems like a coincidence to check.',
  'So I should go back and verify the area with Heron formula before I answer.\n',
].join(' ');

describe('endsInLoop', () => {
  it('sees a block repeated back to back at the end of the text', () => {
    expect(endsInLoop(prose(40) + block + block)).toBe(true);
  });

  it('does not see a loop in prose, in a short text, or in a block stated once', () => {
    expect(endsInLoop(prose(200))).toBe(false);
    expect(endsInLoop(block.slice(0, 100))).toBe(false);
    expect(endsInLoop(prose(40) + block)).toBe(false);
  });

  it('reads only the tail: a loop that ended long before the end does not count', () => {
    const over = prose(40) + block + block + prose(Math.ceil((tailLoopChars * 1.5) / 50));
    expect(over.length - (prose(40).length + 2 * block.length)).toBeGreaterThan(tailLoopChars);
    expect(endsInLoop(over)).toBe(false);
  });
});

describe('a token cap that cuts a looping output', () => {
  const call = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'go' }] };
  // Deltas of about a token each. The cap at 600 tokens falls after the block's second copy in
  // the looping text (checked below by its kept text), and inside the prose of the other.
  const deltas = (text: string) => text.match(/.{1,4}/gs) ?? [];

  /** A client over `text` whose savings estimator records the stop kind it is told. */
  function clientOver(text: string) {
    const told: Array<StopKind | undefined> = [];
    const client = createClient({
      provider: scriptedProvider(textScript(deltas(text))),
      savings: (input) => {
        told.push(input.stopKind);
        return estimateSavings(input);
      },
    });
    return { client, told };
  }

  it("has its savings estimated as a runaway's, not from ordinary ends; the stop stays a cap", async () => {
    const { client, told } = clientOver(prose(1) + block.repeat(12));
    const result = await client.generate({ ...call, policy: { policies: [maxTokens(600)] } });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text.length).toBeGreaterThan(prose(1).length + 2 * block.length);
    expect(told).toEqual(['runaway']);
    // A token cut is still a token cut for the caller (the AI SDK's finish reason is `length`).
    expect(result.stop?.kind).toBe('cap');
  });

  it('is estimated as a cap when the output was not looping', async () => {
    const { client, told } = clientOver(prose(120));
    const result = await client.generate({ ...call, policy: { policies: [maxTokens(600)] } });
    expect(result.outcome).toBe('policy-stop');
    expect(told).toEqual(['cap']);
  });

  it('records a holdout call looping at the would-be cap as a runaway sample', async () => {
    const looping = prose(1) + block.repeat(12);
    const client = createClient({
      provider: scriptedProvider(textScript(deltas(looping))),
      holdout: { fraction: 1 },
    });
    const result = await client.generate({
      ...call,
      policy: { policies: [maxTokens(600, { safety: false })] },
    });
    expect(result.outcome).toBe('finish');
    expect(result.savings.holdout?.kind).toBe('runaway');
  });
});
