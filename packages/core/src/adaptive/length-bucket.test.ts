import { describe, expect, it } from 'vitest';
import { lengthKeys, promptFeatures } from './length-bucket.js';

const call = (content: string, extra: { user?: string; metadata?: Record<string, unknown> } = {}) => ({
  model: 'gpt-4o',
  messages: [{ role: 'user' as const, content }],
  prompt: content,
  user: extra.user,
  metadata: extra.metadata ?? {},
});

describe('length buckets', () => {
  it('read task words, asked-for format and size from the prompt', () => {
    expect(promptFeatures('Explain step by step.')).toEqual({
      task: ['explain', 'step-by-step'],
      format: 'free',
      size: 'xs',
    });
    expect(promptFeatures('Return the result as JSON.').format).toBe('json');
    expect(promptFeatures('Which is prime?\n(A) 4\n(B) 7\n(C) 9').format).toBe('choice');
    expect(promptFeatures('Is it raining? Yes or no.').format).toBe('short');
    expect(promptFeatures('x'.repeat(900)).size).toBe('m');
  });

  it('key by model and features, or by metadata.bucket, with a user key when there is a user', () => {
    expect(lengthKeys(call('Explain step by step.', { user: 'u1' }))).toMatchObject({
      coarse: 'gpt-4o|task=explain+step-by-step|format=free',
      fine: 'gpt-4o|task=explain+step-by-step|format=free|size=xs',
      user: 'gpt-4o|task=explain+step-by-step|format=free|size=xs|user=u1',
    });
    expect(lengthKeys(call('anything', { metadata: { bucket: 'faq' } }))).toMatchObject({
      fine: 'gpt-4o|bucket=faq',
      coarse: 'gpt-4o|bucket=faq',
      user: undefined,
    });
  });
});
